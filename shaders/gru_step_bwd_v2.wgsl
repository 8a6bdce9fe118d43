// gru_step_bwd_v2.wgsl — PROTOTYPE (measured by the bench only; the network runs gru_step_bwd.wgsl).
// Same math, bindings, Params and results as gru_step_bwd.wgsl; a different work split for software
// adapters (lavapipe), where the inner loop is bound by loads:
//   - production: per j, one W load and RB dgh loads feed only RB multiply-adds (the dgh loads are not
//     shared across units), three times the loads per multiply-add of the forward step;
//   - here each invocation owns TK units (k0, k0 + WG, …) for RB rows: per j, TK W loads + RB dgh loads
//     feed TK·RB multiply-adds.
// Dispatch: (ceil(H / (WG·TK)), ceil(n_tgt / RB)). Limits: WG <= 256.

struct Params {
  h: u32,
  off_tgt: u32,
  n_tgt: u32,
  off_cur: u32,
  n_cur: u32,
  ld_ext: u32,
  col_ext: u32,
  off_w: u32,
}

@group(0) @binding(0) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 3H])
@group(0) @binding(1) var<storage, read> cache: array<f32>;       // [N, 5H] r | z | n | hh_n | h_prev
@group(0) @binding(2) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;    // [N, H] total gradient of h
@group(0) @binding(4) var<storage, read_write> dg: array<f32>;    // [N, 6H] dgx r|z|n, dgh r|z|n
@group(1) @binding(0) var<uniform> p: Params;

const WG = 32u; // tunable
const RB = 4u; // tunable
const TK = 4u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let k0 = wg.x * WG * TK + lid.x;
  let r0 = wg.y * RB;
  var acc: array<f32, RB * TK>;
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
