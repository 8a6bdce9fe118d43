// CPU twin: src/cpu/kernels/gru_step_bwd.ts
// gru_step_bwd.wgsl — one step of backpropagation through time for a GRU layer. It finishes the gradient
// of the state at a target position and turns it into gate gradients there:
//   dh = ext[tgt] + (row also active at cur ?  dh[cur] * z[cur] + dgh[cur] W_hh^T : 0)
//   dn = dh (1 - z)    dz = dh (h_prev - n)    dan = dn (1 - n^2)
//   dar = dan * hh_n * r (1 - r)    daz = dz * z (1 - z)
//   dgx = [dar, daz, dan]  (w.r.t. x W_ih + b_ih)     dgh = [dar, daz, dan * r]  (w.r.t. h W_hh + b_hh)
// "cur" is the position processed just after "tgt" in reading order (the step whose h_prev was h[tgt]);
// n_cur = 0 for the first backward step. ext is the gradient arriving from outside the recurrence (the
// head at each row's final position, attention, or the layer above). Weight gradients are not summed here:
// dgx/dgh of every step are kept, and dW_hh = h_prev^T dgh, dW_ih, biases are a few large products after
// the loop (cheaper than T small accumulations).
//
// Work split (register blocking): an invocation owns TK units, k0 + c·WG for c < TK, for RB rows. One pass
// over j (the 3H gate columns) loads TK weights (row k of W_hh, i.e. W_hh^T without a transposed copy) and
// RB values of dgh[cur] (uniform across the workgroup) and does TK·RB multiply-adds: with one unit per
// invocation (TK = 1) the dgh loads are not shared across units and each feeds one multiply-add. RB and TK
// are chosen per dispatch from the active rows and H (src/tune/tuning.ts); a block computes all RB rows
// even when fewer are active, and skips the product when none of its rows is active at cur.
// Dispatch: (ceil(H / (WG·TK)), ceil(n_tgt / RB)). Limits: WG <= 256; TK·RB accumulators per invocation.

struct Params {
  h: u32,
  off_tgt: u32,  // packed row of row 0 at the target position
  n_tgt: u32,
  off_cur: u32,  // packed row of row 0 at the position processed after tgt
  n_cur: u32,    // rows active there (0: no later step)
  ld_ext: u32,   // ext row stride (directions x H)
  col_ext: u32,  // this direction's first column in ext
  off_w: u32,    // W_hh at w[off_w ..]: [H, 3H]
}

@group(0) @binding(0) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 3H])
@group(0) @binding(1) var<storage, read> cache: array<f32>;       // [N, 5H] r | z | n | hh_n | h_prev
@group(0) @binding(2) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;    // [N, H] total gradient of h
@group(0) @binding(4) var<storage, read_write> dg: array<f32>;    // [N, 6H] dgx r|z|n, dgh r|z|n
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
  // Recurrent part: dgh[cur] (3H values per row) times rows k of W_hh. Rows past n_cur read row n_cur - 1
  // and are not used; out-of-range units read unit H - 1 and are never written.
  if (r0 < p.n_cur) {
    var wrow: array<u32, TK>;
    for (var c = 0u; c < TK; c++) { wrow[c] = p.off_w + min(k0 + c * WG, H - 1u) * 3u * H; }
    var cur: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { cur[i] = (p.off_cur + min(r0 + i, p.n_cur - 1u)) * 6u * H + 3u * H; }
    for (var j = 0u; j < 3u * H; j++) {
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
      if (row < p.n_cur) {
        let pc = p.off_cur + row;
        d += acc[i * TK + c] + dh[pc * H + k] * cache[pc * 5u * H + H + k];
      }
      dh[pt * H + k] = d;
      let o5 = pt * 5u * H;
      let r = cache[o5 + k];
      let z = cache[o5 + H + k];
      let n = cache[o5 + 2u * H + k];
      let hn = cache[o5 + 3u * H + k];
      let hp = cache[o5 + 4u * H + k];
      let dan = d * (1.0 - z) * (1.0 - n * n);
      let dar = dan * hn * r * (1.0 - r);
      let daz = d * (hp - n) * z * (1.0 - z);
      let o = pt * 6u * H;
      dg[o + k] = dar;
      dg[o + H + k] = daz;
      dg[o + 2u * H + k] = dan;
      dg[o + 3u * H + k] = dar;
      dg[o + 4u * H + k] = daz;
      dg[o + 5u * H + k] = dan * r;
    }
  }
}
