// CPU twin: src/cpu/kernels/final_gather.ts
// final_gather.wgsl — the feature each row's classifier sees without attention: the forward direction's
// state at the row's true last character and, when bidirectional, the backward direction's state at its
// first character (where the backward reading ends):
//   feat[b, k]     = y[last[b], k]          k < H        (last[b] = packed row of position len_b - 1)
//   feat[b, H + k] = y[b, H + k]            k < H        (position 0 is packed row b)
// Dispatch: (ceil(dirs*H / WG), min(batch, 65535)), workgroup rows striding over the batch. Limits: none beyond buffer sizes.

struct Params {
  batch: u32,
  h: u32,
  dirs: u32,      // 1 or 2
  ld_y: u32,      // dirs * H
  off_last: u32,  // ints[off_last ..]: [batch] packed row of each row's last position
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;        // batch integers
@group(0) @binding(1) var<storage, read> y: array<f32>;           // [N, ld_y] top layer output
@group(0) @binding(2) var<storage, read_write> feat: array<f32>;  // [batch, dirs*H]
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let k = wg.x * WG + lid.x;
  let d = p.dirs * p.h;
  if (k >= d) { return; }
  for (var b = wg.y; b < p.batch; b += nwg.y) {
    let row = select(b, ints[p.off_last + b], k < p.h);
    feat[b * d + k] = y[row * p.ld_y + k];
  }
}
