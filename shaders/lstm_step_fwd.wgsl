// lstm_step_fwd.wgsl — one time step of an LSTM layer (PyTorch formulation, gate order i, f, g, o) for
// every active row of a packed batch:
//   hh = h_prev W_hh + b_hh                                  (one [H, 4H] product for all four gates)
//   i = sigmoid(xg_i + hh_i)   f = sigmoid(xg_f + hh_f)   g = tanh(xg_g + hh_g)   o = sigmoid(xg_o + hh_o)
//   c = f * c_prev + i * g     h = o * tanh(c)
// xg already holds x W_ih + b_ih. Rows are sorted by length, so the rows active at a position are a prefix
// (n_cur of them); h_prev and c_prev are the row's states at the previous position in reading order, or 0
// for rows that have none (r >= n_prev). Only h goes to y (the layer output); c lives in the cache, where
// the next step reads it as c_prev from the previous position's row. The backward pass needs i, f, g, o,
// c and c_prev, and dW_hh needs h_prev: all are saved in `cache`.
// Dispatch: (ceil(H / WG), ceil(n_cur / RB)); each invocation computes one unit j for RB rows, so the
// h_prev loads (from workgroup_id) are shared by the whole workgroup and W_hh loads are contiguous.
// Limits: WG <= 256.

struct Params {
  h: u32,        // hidden size H
  off_cur: u32,  // packed row of row 0 at the current position
  n_cur: u32,    // active rows at the current position
  off_prev: u32, // packed row of row 0 at the previous position (in reading order)
  n_prev: u32,   // rows that have a previous position
  ld_y: u32,     // row stride of y (directions x H)
  col_y: u32,    // this direction's first column in y
  off_w: u32,    // W_hh at w[off_w ..]: [H, 4H]
  off_b: u32,    // b_hh at w[off_b ..]: [4H]
}

@group(0) @binding(0) var<storage, read> xg: array<f32>;          // [N, 4H] x W_ih + b_ih, gates i|f|g|o
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 4H], b_hh [4H])
@group(0) @binding(2) var<storage, read_write> y: array<f32>;     // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, 7H] i | f | g | o | c | h_prev | c_prev
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const RB = 4u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j = wg.x * WG + lid.x;
  let jj = min(j, H - 1u); // out-of-range lanes compute a valid column and do not write
  let r0 = wg.y * RB;
  var prev: array<u32, RB>;
  var has_prev: array<bool, RB>;
  for (var i = 0u; i < RB; i++) {
    has_prev[i] = r0 + i < p.n_prev;
    prev[i] = select(0u, (p.off_prev + r0 + i) * p.ld_y + p.col_y, has_prev[i]);
  }
  var ai: array<f32, RB>;
  var af: array<f32, RB>;
  var ag: array<f32, RB>;
  var ao: array<f32, RB>;
  for (var k = 0u; k < H; k++) {
    let wrow = p.off_w + k * 4u * H + jj;
    let wi = w[wrow];
    let wf = w[wrow + H];
    let wgg = w[wrow + 2u * H];
    let wo = w[wrow + 3u * H];
    for (var i = 0u; i < RB; i++) {
      let hp = select(0.0, y[prev[i] + k], has_prev[i]);
      ai[i] = fma(hp, wi, ai[i]);
      af[i] = fma(hp, wf, af[i]);
      ag[i] = fma(hp, wgg, ag[i]);
      ao[i] = fma(hp, wo, ao[i]);
    }
  }
  if (j >= H) { return; }
  let bi = w[p.off_b + j];
  let bf = w[p.off_b + H + j];
  let bg = w[p.off_b + 2u * H + j];
  let bo = w[p.off_b + 3u * H + j];
  for (var i = 0u; i < RB; i++) {
    let row = r0 + i;
    if (row >= p.n_cur) { break; }
    let pr = p.off_cur + row;
    let x = pr * 4u * H;
    let ig = sigmoid_c(xg[x + j] + ai[i] + bi);
    let fg = sigmoid_c(xg[x + H + j] + af[i] + bf);
    let gg = tanh_c(xg[x + 2u * H + j] + ag[i] + bg);
    let og = sigmoid_c(xg[x + 3u * H + j] + ao[i] + bo);
    let hp = select(0.0, y[prev[i] + j], has_prev[i]);
    // c_prev is the c column of the previous position's cache row (a different packed row: no overlap).
    let cpi = select(0u, (p.off_prev + row) * 7u * H + 4u * H + j, has_prev[i]);
    let cp = select(0.0, cache[cpi], has_prev[i]);
    let c = fg * cp + ig * gg;
    y[pr * p.ld_y + p.col_y + j] = og * tanh_c(c);
    let base = pr * 7u * H;
    cache[base + j] = ig;
    cache[base + H + j] = fg;
    cache[base + 2u * H + j] = gg;
    cache[base + 3u * H + j] = og;
    cache[base + 4u * H + j] = c;
    cache[base + 5u * H + j] = hp;
    cache[base + 6u * H + j] = cp;
  }
}
