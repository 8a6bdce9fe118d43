// embed_grad.wgsl — gradient of the one-hot input projection (the transpose of embed_gather):
//   out[c, j] = sum_{i : tok[i] = c} dg[i, j]
// Rows are grouped by character on the host (CSR: rows_by_char[start[c] .. start[c+1]]), so each output
// is owned by one invocation: no atomics, deterministic order, total work = rows * width.
// Dispatch: (ceil(width / WG), vocab). Limits: none beyond buffer sizes.

struct Params {
  vocab: u32,
  width: u32,
  off_start: u32,  // ints[off_start ..]: [vocab + 1] CSR row starts
  off_rows: u32,   // ints[off_rows ..]: packed row ids sorted by character
  off_dg: u32,     // dg at dg[off_dg ..]: [rows, ld_dg]
  ld_dg: u32,
  off_out: u32,    // out[off_out ..]: [vocab, width]
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;       // batch integers (CSR start, rows)
@group(0) @binding(1) var<storage, read> dg: array<f32>;         // [rows, ld_dg] gate gradients
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [vocab, width] dW_ih
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let j = wg.x * WG + lid.x;
  let c = wg.y;
  if (j >= p.width || c >= p.vocab) { return; }
  var s = 0.0;
  let end = ints[p.off_start + c + 1u];
  for (var r = ints[p.off_start + c]; r < end; r++) {
    s += dg[p.off_dg + ints[p.off_rows + r] * p.ld_dg + j];
  }
  out[p.off_out + c * p.width + j] = s;
}
