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
// Dispatch: (ceil(H / WG), ceil(n_tgt / RB)); one invocation = one unit k for RB rows. Limits: WG <= 256.

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
const RB = 4u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let k = wg.x * WG + lid.x;
  let kk = min(k, H - 1u);
  let r0 = wg.y * RB;
  var acc: array<f32, RB>;
  // Recurrent part: dgh[cur] (3H values per row, shared by the workgroup) times row kk of W_hh.
  if (r0 < p.n_cur) {
    for (var j = 0u; j < 3u * H; j++) {
      let wv = w[p.off_w + kk * 3u * H + j];
      for (var i = 0u; i < RB; i++) {
        let row = min(r0 + i, p.n_cur - 1u);
        acc[i] = fma(dg[(p.off_cur + row) * 6u * H + 3u * H + j], wv, acc[i]);
      }
    }
  }
  if (k >= H) { return; }
  for (var i = 0u; i < RB; i++) {
    let row = r0 + i;
    if (row >= p.n_tgt) { break; }
    let pt = p.off_tgt + row;
    var d = ext[pt * p.ld_ext + p.col_ext + k];
    if (row < p.n_cur) {
      let pc = p.off_cur + row;
      d += acc[i] + dh[pc * H + k] * cache[pc * 5u * H + H + k];
    }
    dh[pt * H + k] = d;
    let c = pt * 5u * H;
    let r = cache[c + k];
    let z = cache[c + H + k];
    let n = cache[c + 2u * H + k];
    let hn = cache[c + 3u * H + k];
    let hp = cache[c + 4u * H + k];
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
