// CPU twin: src/cpu/kernels/colsum.ts
// colsum.wgsl — column sums, for bias gradients, into up to two places (both biases of a layer at once):
//   s[j] = sum_{i < rows} a[off_a + i*lda + j]            for j < width
//   out[off_out + j] = s[j]            for j < split
//   out[off_out2 + j - from2] = s[j]   for from2 <= j < width     (from2 = width: no second output)
// A GRU's dg holds [dgx | dgh]: split = from2 = 3H writes b_ih and b_hh from one dispatch; RNN/LSTM gate
// gradients serve both biases: split = width, from2 = 0 writes the same sums twice.
// Dispatch: (ceil(width / WG)); one invocation per column, looping over rows (rows are packed time steps
// times batch, at most a few thousand). Limits: none beyond buffer sizes.

struct Params {
  rows: u32,
  width: u32,
  off_a: u32,
  lda: u32,
  off_out: u32,
  split: u32,     // columns before this go to off_out
  off_out2: u32,
  from2: u32,     // columns from this on go to off_out2 (width: none)
}

@group(0) @binding(0) var<storage, read> a: array<f32>;          // [rows, lda]
@group(0) @binding(1) var<storage, read_write> out: array<f32>;  // [width] at off_out
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= p.width) { return; }
  var s = 0.0;
  for (var i = 0u; i < p.rows; i++) { s += a[p.off_a + i * p.lda + j]; }
  if (j < p.split) { out[p.off_out + j] = s; }
  if (j >= p.from2) { out[p.off_out2 + j - p.from2] = s; }
}
