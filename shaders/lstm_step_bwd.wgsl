// CPU twin: src/cpu/kernels/lstm_step_bwd.ts
// lstm_step_bwd.wgsl — one step of backpropagation through time for an LSTM layer. It finishes the
// gradients of both states (h and c) at a target position and turns them into gate gradients there:
//   dh = ext[tgt] + (row also active at cur ? dg[cur] W_hh^T : 0)
//   dc = dh * o * (1 - tanh(c)^2) + (row also active at cur ? dc[cur] * f[cur] : 0)
//   dai = dc * g * i (1 - i)    daf = dc * c_prev * f (1 - f)    dag = dc * i * (1 - g^2)
//   dao = dh * tanh(c) * o (1 - o)
//   dg = [dai, daf, dag, dao]   (w.r.t. x W_ih + b_ih and h W_hh + b_hh alike)
// "cur" is the position processed just after "tgt" in reading order (the step whose h_prev/c_prev were
// h[tgt]/c[tgt]); n_cur = 0 for the first backward step. h reaches the next step only through W_hh (there
// is no direct h_prev term as in the GRU), c only through f. The state gradient buffer carries both per row
// (dh, then dc) so the next backward step can read dc[cur]. Weight gradients are summed after the loop
// (see gru_step_bwd.wgsl).
//
// Work split (register blocking, as gru_step_bwd.wgsl): an invocation owns TK units k0 + c·WG (c < TK) for
// RB rows; one pass over j (the 4H gate columns) loads TK weights (row k of W_hh) and RB values of dg[cur]
// for TK·RB multiply-adds. RB and TK are chosen per dispatch (src/tune/tuning.ts).
// Dispatch: (ceil(H / (WG·TK)), ceil(n_tgt / RB)). Limits: WG <= 256; TK·RB accumulators per invocation.

struct Params {
  h: u32,
  off_tgt: u32,  // packed row of row 0 at the target position
  n_tgt: u32,
  off_cur: u32,  // packed row of row 0 at the position processed after tgt
  n_cur: u32,    // rows active there (0: no later step)
  ld_ext: u32,   // ext row stride (directions x H)
  col_ext: u32,  // this direction's first column in ext
  off_w: u32,    // W_hh at w[off_w ..]: [H, 4H]
}

@group(0) @binding(0) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 4H])
@group(0) @binding(1) var<storage, read> cache: array<f32>;       // [N, 7H] i | f | g | o | c | h_prev | c_prev
@group(0) @binding(2) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;    // [N, 2H] total gradients dh | dc
@group(0) @binding(4) var<storage, read_write> dg: array<f32>;    // [N, 4H] gate gradients i|f|g|o
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
  // Recurrent part: dg[cur] (4H values per row) times rows k of W_hh. Rows past n_cur read row n_cur - 1
  // and are not used; out-of-range units read unit H - 1 and are never written.
  if (r0 < p.n_cur) {
    var wrow: array<u32, TK>;
    for (var c = 0u; c < TK; c++) { wrow[c] = p.off_w + min(k0 + c * WG, H - 1u) * 4u * H; }
    var cur: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { cur[i] = (p.off_cur + min(r0 + i, p.n_cur - 1u)) * 4u * H; }
    for (var j = 0u; j < 4u * H; j++) {
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
      let base = pt * 7u * H;
      let ig = cache[base + k];
      let fg = cache[base + H + k];
      let gg = cache[base + 2u * H + k];
      let og = cache[base + 3u * H + k];
      let tc = tanh_c(cache[base + 4u * H + k]);
      let cp = cache[base + 6u * H + k];
      var d = ext[pt * p.ld_ext + p.col_ext + k];
      var dc = 0.0;
      if (row < p.n_cur) {
        let pc = p.off_cur + row;
        d += acc[i * TK + c];
        dc = dh[pc * 2u * H + H + k] * cache[pc * 7u * H + H + k];
      }
      dc += d * og * (1.0 - tc * tc);
      dh[pt * 2u * H + k] = d;
      dh[pt * 2u * H + H + k] = dc;
      let gb = pt * 4u * H;
      dg[gb + k] = dc * gg * ig * (1.0 - ig);
      dg[gb + H + k] = dc * cp * fg * (1.0 - fg);
      dg[gb + 2u * H + k] = dc * ig * (1.0 - gg * gg);
      dg[gb + 3u * H + k] = d * tc * og * (1.0 - og);
    }
  }
}
