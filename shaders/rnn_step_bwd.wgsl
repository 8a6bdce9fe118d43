// CPU twin: src/cpu/kernels/rnn_step_bwd.ts
// rnn_step_bwd.wgsl — one step of backpropagation through time for the tanh RNN:
//   dh = ext[tgt] + (row also active at cur ? dg[cur] W_hh^T : 0)
//   dg[tgt] = dh * (1 - h[tgt]^2)            (gradient of the pre-activation; same for W_ih and W_hh)
// See gru_step_bwd.wgsl for "tgt"/"cur", why weight gradients are summed after the loop, and the work
// split: an invocation owns TK units k0 + c·WG (c < TK) for RB rows; one pass over j loads TK weights (row k
// of W_hh) and RB values of dg[cur] for TK·RB multiply-adds. RB and TK are chosen per dispatch
// (src/tune/tuning.ts).
// Dispatch: (ceil(H / (WG·TK)), ceil(n_tgt / RB)). Limits: WG <= 256; TK·RB accumulators per invocation.

struct Params {
  h: u32,
  off_tgt: u32,
  n_tgt: u32,
  off_cur: u32,
  n_cur: u32,
  ld_ext: u32,   // row stride of ext and y
  col_ext: u32,  // this direction's first column in ext and y
  off_w: u32,    // W_hh at w[off_w ..]: [H, H]
}

@group(0) @binding(0) var<storage, read> w: array<f32>;           // parameters (W_hh [H, H])
@group(0) @binding(1) var<storage, read> y: array<f32>;           // [N, ld_ext] layer output h
@group(0) @binding(2) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(3) var<storage, read_write> dg: array<f32>;    // [N, H] pre-activation gradient
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const RB = 2u; // tunable
const TK = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let k0 = wg.x * WG * TK + lid.x;
  let r0 = wg.y * RB;
  var acc: array<f32, RB * TK>;
  if (r0 < p.n_cur) {
    var wrow: array<u32, TK>;
    for (var c = 0u; c < TK; c++) { wrow[c] = p.off_w + min(k0 + c * WG, H - 1u) * H; }
    var cur: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { cur[i] = (p.off_cur + min(r0 + i, p.n_cur - 1u)) * H; }
    for (var j = 0u; j < H; j++) {
      var wv: array<f32, TK>;
      for (var c = 0u; c < TK; c++) { wv[c] = w[wrow[c] + j]; }
      for (var i = 0u; i < RB; i++) {
        let d = dg[cur[i] + j];
        for (var c = 0u; c < TK; c++) { acc[i * TK + c] = fma(d, wv[c], acc[i * TK + c]); }
      }
    }
  }
  for (var c = 0u; c < TK; c++) {
    let k = k0 + c * WG;
    if (k >= H) { break; }
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_tgt) { break; }
      let pt = p.off_tgt + row;
      var d = ext[pt * p.ld_ext + p.col_ext + k];
      if (row < p.n_cur) { d += acc[i * TK + c]; }
      let h = y[pt * p.ld_ext + p.col_ext + k];
      dg[pt * H + k] = d * (1.0 - h * h);
    }
  }
}
