// CPU twin: src/cpu/kernels/embed_gather.ts
// embed_gather.wgsl — input projection of one-hot characters, as a row gather (no matrix product):
//   out[i, j] = W[tok[i], j] + bias[j]                            for i < n (packed rows), j < width
//   out[i, j] = W[tok[i], j] + W[tok[off_tok2 + i], j] + bias[j]  with hots = 2 (two-hot inputs)
// One-hot x times W picks row tok[i] of W, so layer 0's input projection costs one load per output. A
// language model's input is two-hot (its symbol and its language: src/generate/symbols.ts), hence hots = 2.
// Dispatch: (ceil(width / WG), min(n, ROWS, 65535)); workgroup rows stride over packed rows, so ROWS (used by
// the grid only) trades workgroups for rows per workgroup: on lavapipe, one workgroup per packed row made
// thousands of tiny workgroups and each costs a fixed overhead (src/tune/tuning.ts). Limits: none beyond
// buffer sizes.

struct Params {
  n: u32,        // packed rows
  width: u32,    // G*H gate columns
  off_tok: u32,  // tokens at tok[off_tok ..]
  off_w: u32,    // W at w[off_w ..]: [V, width]
  off_b: u32,    // bias at w[off_b ..]: [width]
  off_out: u32,  // out at out[off_out ..]: [n, ld_out]
  ld_out: u32,
  hots: u32,     // 1, or 2: also add row tok[off_tok2 + i]
  off_tok2: u32,
}

@group(0) @binding(0) var<storage, read> tok: array<u32>;       // [n] character ids
@group(0) @binding(1) var<storage, read> w: array<f32>;         // parameters: W_ih [V, width], b_ih [width]
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // [n, ld_out] gate pre-activations
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const ROWS = 65535u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = wg.x * WG + lid.x;
  if (j >= p.width) { return; }
  let bias = w[p.off_b + j]; // loaded once per column, not per row (loads dominate on software adapters)
  for (var i = wg.y; i < p.n; i += nwg.y) {
    let c = tok[p.off_tok + i];
    var v = w[p.off_w + c * p.width + j] + bias;
    if (p.hots == 2u) {
      // Summed in this order (symbol + bias, then the language row), as the CPU twin does.
      v += w[p.off_w + tok[p.off_tok2 + i] * p.width + j];
    }
    out[p.off_out + i * p.ld_out + j] = v;
  }
}
