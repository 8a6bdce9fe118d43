// gru_step_fwd_v2.wgsl — PROTOTYPE (measured by the bench only; the network runs gru_step_fwd.wgsl).
// Same math, bindings, Params and results as gru_step_fwd.wgsl; a different work split aimed at software
// adapters (lavapipe), where the inner loop is bound by loads, not by multiply-adds:
//   - each invocation owns TN columns per gate (j0, j0 + WG, …: lanes still read neighbouring W values)
//     for RB rows, so one pass over k does 3·TN W loads + RB h_prev loads for 3·TN·RB multiply-adds
//     (production: 3 + RB loads for 3·RB);
//   - no select() in the inner loop: rows without a previous state read a valid row and their sums are
//     zeroed afterwards, and a block where no row has one skips the loop (the first step of a batch).
// Dispatch: (ceil(H / (WG·TN)), ceil(n_cur / RB)). Limits: WG <= 256.

struct Params {
  h: u32,
  off_cur: u32,
  n_cur: u32,
  off_prev: u32,
  n_prev: u32,
  ld_y: u32,
  col_y: u32,
  off_w: u32,
  off_b: u32,
}

@group(0) @binding(0) var<storage, read> xg: array<f32>;           // [N, 3H] x W_ih + b_ih, gates r|z|n
@group(0) @binding(1) var<storage, read> w: array<f32>;            // parameters (W_hh [H, 3H], b_hh [3H])
@group(0) @binding(2) var<storage, read_write> y: array<f32>;      // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, 5H] r | z | n | hh_n | h_prev
@group(1) @binding(0) var<uniform> p: Params;

const WG = 32u; // tunable
const RB = 8u; // tunable
const TN = 2u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j0 = wg.x * WG * TN + lid.x;
  let r0 = wg.y * RB;
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
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_cur) { break; }
      let has_prev = row < p.n_prev;
      let pr = p.off_cur + row;
      let x = pr * 3u * H;
      let a = i * TN + c;
      let r = sigmoid_c(xg[x + j] + select(0.0, ar[a], has_prev) + br);
      let z = sigmoid_c(xg[x + H + j] + select(0.0, az[a], has_prev) + bz);
      let hn = select(0.0, an[a], has_prev) + bn;
      let n = tanh_c(xg[x + 2u * H + j] + r * hn);
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
