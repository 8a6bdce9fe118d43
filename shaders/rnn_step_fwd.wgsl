// rnn_step_fwd.wgsl — one time step of a vanilla (Elman) tanh RNN for every active row of a packed batch:
//   h = tanh(xg + h_prev W_hh + b_hh)          (xg = x W_ih + b_ih)
// h_prev is the row's state at the previous position in reading order, or 0 (r >= n_prev). h_prev is
// saved in `cache` for the weight gradient dW_hh = h_prev^T dg.
// Dispatch: (ceil(H / WG), ceil(n_cur / RB)); one invocation = one unit j for RB rows. Limits: WG <= 256.

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
const RB = 4u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j = wg.x * WG + lid.x;
  let jj = min(j, H - 1u);
  let r0 = wg.y * RB;
  var prev: array<u32, RB>;
  var has_prev: array<bool, RB>;
  for (var i = 0u; i < RB; i++) {
    has_prev[i] = r0 + i < p.n_prev;
    prev[i] = select(0u, (p.off_prev + r0 + i) * p.ld_y + p.col_y, has_prev[i]);
  }
  var acc: array<f32, RB>;
  for (var k = 0u; k < H; k++) {
    let wv = w[p.off_w + k * H + jj];
    for (var i = 0u; i < RB; i++) {
      acc[i] = fma(select(0.0, y[prev[i] + k], has_prev[i]), wv, acc[i]);
    }
  }
  if (j >= H) { return; }
  let b = w[p.off_b + j];
  for (var i = 0u; i < RB; i++) {
    let row = r0 + i;
    if (row >= p.n_cur) { break; }
    let pr = p.off_cur + row;
    y[pr * p.ld_y + p.col_y + j] = tanh_c(xg[pr * H + j] + acc[i] + b);
    cache[pr * H + j] = select(0.0, y[prev[i] + j], has_prev[i]);
  }
}
