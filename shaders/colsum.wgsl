// colsum.wgsl — column sums, for bias gradients:
//   out[j] = sum_{i < rows} a[off_a + i*lda + j]          for j < width
// Dispatch: (ceil(width / WG)); one invocation per column, looping over rows (rows are packed time steps
// times batch, at most a few thousand). Limits: none beyond buffer sizes.

struct Params {
  rows: u32,
  width: u32,
  off_a: u32,
  lda: u32,
  off_out: u32,
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
  out[p.off_out + j] = s;
}
