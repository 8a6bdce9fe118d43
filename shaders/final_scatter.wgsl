// CPU twin: src/cpu/kernels/final_scatter.ts
// final_scatter.wgsl — backward of final_gather: adds each row's feature gradient into the gradient of the
// top layer's output at the positions final_gather read (every (row, position, column) at most once):
//   ext[last[b], k] += dfeat[b, k]   (k < H);     ext[b, H + k] += dfeat[b, H + k]   (k < H, bidirectional)
// Dispatch: (ceil(dirs*H / WG), min(batch, 65535)), workgroup rows striding over the batch. Limits: none beyond buffer sizes.

struct Params {
  batch: u32,
  h: u32,
  dirs: u32,
  ld_y: u32,
  off_last: u32,
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;       // batch integers
@group(0) @binding(1) var<storage, read> dfeat: array<f32>;      // [batch, dirs*H]
@group(0) @binding(2) var<storage, read_write> ext: array<f32>;  // [N, ld_y] gradient of the top output
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let k = wg.x * WG + lid.x;
  let d = p.dirs * p.h;
  if (k >= d) { return; }
  for (var b = wg.y; b < p.batch; b += nwg.y) {
    let row = select(b, ints[p.off_last + b], k < p.h);
    ext[row * p.ld_y + k] += dfeat[b * d + k];
  }
}
