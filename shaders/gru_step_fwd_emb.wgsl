// gru_step_fwd_emb.wgsl — gru_step_fwd.wgsl for layer 0 with the one-hot input projection folded in: the
// same step, but the input gates are gathered from W_ih and b_ih instead of read from a precomputed xg:
//   xg_row = W_ih[tok[row]] + b_ih          (what embed_gather.wgsl writes, computed the same way in f32)
//   hh = h_prev W_hh + b_hh;  r, z, n, h and the cache exactly as gru_step_fwd.wgsl (see its header)
// It saves layer 0's embed_gather dispatch and its [N, 3H] xg write and read: the epilogue loads W_ih and
// b_ih where the plain step loads xg (b_ih once per column, tok once per row). Only the per-step recurrence
// uses it; the whole-sequence kernels keep embed_gather + xg. Work split, register blocking, dispatch and
// limits: as gru_step_fwd.wgsl (the same tunables, chosen by src/gpu/tuning.ts with its rule).

struct Params {
  h: u32,        // hidden size H
  off_cur: u32,  // packed row of row 0 at the current position
  n_cur: u32,    // active rows at the current position
  off_prev: u32, // packed row of row 0 at the previous position (in reading order)
  n_prev: u32,   // rows that have a previous position
  ld_y: u32,     // row stride of y (directions x H)
  col_y: u32,    // this direction's first column in y
  off_w: u32,    // W_hh at w[off_w ..]: [H, 3H]
  off_b: u32,    // b_hh at w[off_b ..]: [3H]
  off_tok: u32,  // tokens at tok[off_tok ..]: one per packed row
  off_wih: u32,  // W_ih at w[off_wih ..]: [V, 3H]
  off_bih: u32,  // b_ih at w[off_bih ..]: [3H]
}

@group(0) @binding(0) var<storage, read> tok: array<u32>;         // [N] character ids (at off_tok)
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_ih [V, 3H], b_ih, W_hh [H, 3H], b_hh)
@group(0) @binding(2) var<storage, read_write> y: array<f32>;     // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, 5H] r | z | n | hh_n | h_prev
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const RB = 2u; // tunable
const TN = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j0 = wg.x * WG * TN + lid.x;
  let r0 = wg.y * RB;
  // Out-of-range columns load a valid one and are never written.
  var cols: array<u32, TN>;
  for (var c = 0u; c < TN; c++) { cols[c] = min(j0 + c * WG, H - 1u); }
  var ar: array<f32, RB * TN>;
  var az: array<f32, RB * TN>;
  var an: array<f32, RB * TN>;
  if (r0 < p.n_prev) {
    var prev: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { prev[i] = (p.off_prev + min(r0 + i, p.n_prev - 1u)) * p.ld_y + p.col_y; }
    var wrow = p.off_w;
    for (var k = 0u; k < H; k++) {
      var wr: array<f32, TN>;
      var wz: array<f32, TN>;
      var wn: array<f32, TN>;
      for (var c = 0u; c < TN; c++) {
        wr[c] = w[wrow + cols[c]];
        wz[c] = w[wrow + H + cols[c]];
        wn[c] = w[wrow + 2u * H + cols[c]];
      }
      for (var i = 0u; i < RB; i++) {
        let hp = y[prev[i] + k];
        for (var c = 0u; c < TN; c++) {
          ar[i * TN + c] = fma(hp, wr[c], ar[i * TN + c]);
          az[i * TN + c] = fma(hp, wz[c], az[i * TN + c]);
          an[i * TN + c] = fma(hp, wn[c], an[i * TN + c]);
        }
      }
      wrow += 3u * H;
    }
  }
  for (var c = 0u; c < TN; c++) {
    let j = j0 + c * WG;
    if (j >= H) { break; }
    let br = w[p.off_b + j];
    let bz = w[p.off_b + H + j];
    let bn = w[p.off_b + 2u * H + j];
    let ir = w[p.off_bih + j];
    let iz = w[p.off_bih + H + j];
    let inn = w[p.off_bih + 2u * H + j];
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_cur) { break; }
      let has_prev = row < p.n_prev;
      let pr = p.off_cur + row;
      let x = p.off_wih + tok[p.off_tok + pr] * 3u * H;
      let a = i * TN + c;
      let r = sigmoid_c((w[x + j] + ir) + select(0.0, ar[a], has_prev) + br);
      let z = sigmoid_c((w[x + H + j] + iz) + select(0.0, az[a], has_prev) + bz);
      let hn = select(0.0, an[a], has_prev) + bn;
      let n = tanh_c((w[x + 2u * H + j] + inn) + r * hn);
      var hp = 0.0;
      if (has_prev) { hp = y[(p.off_prev + row) * p.ld_y + p.col_y + j]; }
      y[pr * p.ld_y + p.col_y + j] = (1.0 - z) * n + z * hp;
      let o = pr * 5u * H;
      cache[o + j] = r;
      cache[o + H + j] = z;
      cache[o + 2u * H + j] = n;
      cache[o + 3u * H + j] = hn;
      cache[o + 4u * H + j] = hp;
    }
  }
}
