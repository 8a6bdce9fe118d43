// CPU twin: src/cpu/kernels/embed_grad.ts
// embed_grad.wgsl — gradient of the one-hot input projection (the transpose of embed_gather):
//   out[c, j] = sum_{i : tok[i] = c} dg[i, j]
// Rows are grouped by character on the host (CSR: rows_by_char[start[c] .. start[c+1]]), so each output
// is owned by one invocation: no atomics, deterministic order, total work = rows * width.
// An invocation owns TC columns, j0 + c·WG for c < TC (neighbouring invocations read neighbouring dg
// elements), so each row id it loads serves TC dg loads (loads dominate on software adapters; TC = 1 on GPUs).
// Dispatch: (ceil(width / (WG·TC)), vocab). Limits: TC accumulators per invocation.

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
const TC = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let j0 = wg.x * WG * TC + lid.x;
  let c = wg.y;
  if (j0 >= p.width || c >= p.vocab) { return; }
  // Columns past the width read column j0 (valid) and are never written.
  var cols: array<u32, TC>;
  for (var t = 0u; t < TC; t++) { cols[t] = select(j0, j0 + t * WG, j0 + t * WG < p.width); }
  var s: array<f32, TC>;
  let end = ints[p.off_start + c + 1u];
  for (var r = ints[p.off_start + c]; r < end; r++) {
    let row = p.off_dg + ints[p.off_rows + r] * p.ld_dg;
    for (var t = 0u; t < TC; t++) { s[t] += dg[row + cols[t]]; }
  }
  for (var t = 0u; t < TC; t++) {
    let j = j0 + t * WG;
    if (j >= p.width) { break; }
    out[p.off_out + c * p.width + j] = s[t];
  }
}
