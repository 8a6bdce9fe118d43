// CPU twin: src/cpu/kernels/rnn_step_fwd.ts
// rnn_step_fwd.wgsl — one time step of a vanilla (Elman) tanh RNN for every active row of a packed batch:
//   h = tanh(xg + h_prev W_hh + b_hh)          (xg = x W_ih + b_ih)
// h_prev is the row's state at the previous position in reading order, or 0 (r >= n_prev). h_prev is
// saved in `cache` for the weight gradient dW_hh = h_prev^T dg.
//
// Work split (register blocking, as gru_step_fwd.wgsl): an invocation owns TN units j0 + c·WG (c < TN) for
// RB rows; one pass over k loads TN weights and RB h_prev values for TN·RB multiply-adds. Rows without a
// previous state read a valid row and their sums are zeroed after the loop; a block where no row has one
// skips the loop. RB and TN are chosen per dispatch (src/tune/tuning.ts).
// Dispatch: (ceil(H / (WG·TN)), ceil(n_cur / RB)). Limits: WG <= 256; TN·RB accumulators per invocation.

struct Params {
  h: u32,
  off_cur: u32,
  n_cur: u32,
  off_prev: u32,
  n_prev: u32,
  ld_y: u32,
  col_y: u32,
  off_w: u32,    // W_hh at w[off_w ..]: [H, H]
  off_b: u32,    // b_hh at w[off_b ..]: [H]
}

@group(0) @binding(0) var<storage, read> xg: array<f32>;           // [N, H] x W_ih + b_ih
@group(0) @binding(1) var<storage, read> w: array<f32>;            // parameters (W_hh [H, H], b_hh [H])
@group(0) @binding(2) var<storage, read_write> y: array<f32>;      // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, H] h_prev
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const RB = 2u; // tunable
const TN = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j0 = wg.x * WG * TN + lid.x;
  let r0 = wg.y * RB;
  var cols: array<u32, TN>;
  for (var c = 0u; c < TN; c++) { cols[c] = min(j0 + c * WG, H - 1u); }
  var acc: array<f32, RB * TN>;
  if (r0 < p.n_prev) {
    var prev: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { prev[i] = (p.off_prev + min(r0 + i, p.n_prev - 1u)) * p.ld_y + p.col_y; }
    var wrow = p.off_w;
    for (var k = 0u; k < H; k++) {
      var wv: array<f32, TN>;
      for (var c = 0u; c < TN; c++) { wv[c] = w[wrow + cols[c]]; }
      for (var i = 0u; i < RB; i++) {
        let hp = y[prev[i] + k];
        for (var c = 0u; c < TN; c++) { acc[i * TN + c] = fma(hp, wv[c], acc[i * TN + c]); }
      }
      wrow += H;
    }
  }
  for (var c = 0u; c < TN; c++) {
    let j = j0 + c * WG;
    if (j >= H) { break; }
    let b = w[p.off_b + j];
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_cur) { break; }
      let has_prev = row < p.n_prev;
      let pr = p.off_cur + row;
      y[pr * p.ld_y + p.col_y + j] = tanh_c(xg[pr * H + j] + select(0.0, acc[i * TN + c], has_prev) + b);
      var hp = 0.0;
      if (has_prev) { hp = y[(p.off_prev + row) * p.ld_y + p.col_y + j]; }
      cache[pr * H + j] = hp;
    }
  }
}
