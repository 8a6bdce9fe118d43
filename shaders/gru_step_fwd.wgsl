// gru_step_fwd.wgsl — one time step of a GRU layer (PyTorch formulation, gate order r, z, n) for every
// active row of a packed batch:
//   hh = h_prev W_hh + b_hh                                  (one [H, 3H] product for all three gates)
//   r = sigmoid(xg_r + hh_r)   z = sigmoid(xg_z + hh_z)   n = tanh(xg_n + r * hh_n)
//   h = (1 - z) * n + z * h_prev
// xg already holds x W_ih + b_ih. Rows are sorted by length, so the rows active at a position are a prefix
// (n_cur of them); h_prev is the row's state at the previous position in reading order, or 0 for rows that
// have none (r >= n_prev). The backward pass needs r, z, n, hh_n and h_prev: they are saved in `cache`.
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
  off_w: u32,    // W_hh at w[off_w ..]: [H, 3H]
  off_b: u32,    // b_hh at w[off_b ..]: [3H]
}

@group(0) @binding(0) var<storage, read> xg: array<f32>;          // [N, 3H] x W_ih + b_ih, gates r|z|n
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 3H], b_hh [3H])
@group(0) @binding(2) var<storage, read_write> y: array<f32>;     // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, 5H] r | z | n | hh_n | h_prev
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
  var ar: array<f32, RB>;
  var az: array<f32, RB>;
  var an: array<f32, RB>;
  for (var k = 0u; k < H; k++) {
    let wr = w[p.off_w + k * 3u * H + jj];
    let wz = w[p.off_w + k * 3u * H + H + jj];
    let wn = w[p.off_w + k * 3u * H + 2u * H + jj];
    for (var i = 0u; i < RB; i++) {
      let hp = select(0.0, y[prev[i] + k], has_prev[i]);
      ar[i] = fma(hp, wr, ar[i]);
      az[i] = fma(hp, wz, az[i]);
      an[i] = fma(hp, wn, an[i]);
    }
  }
  if (j >= H) { return; }
  let br = w[p.off_b + j];
  let bz = w[p.off_b + H + j];
  let bn = w[p.off_b + 2u * H + j];
  for (var i = 0u; i < RB; i++) {
    let row = r0 + i;
    if (row >= p.n_cur) { break; }
    let pr = p.off_cur + row;
    let x = pr * 3u * H;
    let r = sigmoid_c(xg[x + j] + ar[i] + br);
    let z = sigmoid_c(xg[x + H + j] + az[i] + bz);
    let hn = an[i] + bn;
    let n = tanh_c(xg[x + 2u * H + j] + r * hn);
    let hp = select(0.0, y[prev[i] + j], has_prev[i]);
    y[pr * p.ld_y + p.col_y + j] = (1.0 - z) * n + z * hp;
    let c = pr * 5u * H;
    cache[c + j] = r;
    cache[c + H + j] = z;
    cache[c + 2u * H + j] = n;
    cache[c + 3u * H + j] = hn;
    cache[c + 4u * H + j] = hp;
  }
}
