// CPU twin: src/cpu/kernels/gru_step_fwd.ts
// gru_step_fwd.wgsl — one time step of a GRU layer (PyTorch formulation, gate order r, z, n) for every
// active row of a packed batch:
//   hh = h_prev W_hh + b_hh                                  (one [H, 3H] product for all three gates)
//   r = sigmoid(xg_r + hh_r)   z = sigmoid(xg_z + hh_z)   n = tanh(xg_n + r * hh_n)
//   h = (1 - z) * n + z * h_prev
// xg = x W_ih + b_ih: read from `xg` (projected beforehand), or with EMB = 1 (layer 0, one-hot input)
// gathered here as xg_row = W_ih[tok[row]] + b_ih, computed as embed_gather.wgsl computes it (f32 add): that
// saves layer 0's embed_gather dispatch and its [N, 3H] xg write and read (the epilogue loads a W_ih row
// where it would load xg; b_ih once per column, tok once per row). EMB is a specialization constant: each
// pipeline has one of the two loads, never a branch. Only the per-step recurrence gathers; the
// whole-sequence kernels keep embed_gather + xg.
// Rows are sorted by length, so the rows active at a position are a prefix (n_cur of them); h_prev is the
// row's state at the previous position in reading order, or 0 for rows that have none (r >= n_prev). The
// backward pass needs r, z, n, hh_n and h_prev: they are saved in `cache`.
//
// Work split (register blocking): an invocation owns TN columns per gate, j0 + c·WG for c < TN (neighbouring
// invocations read neighbouring W_hh elements), for RB rows. One pass over k loads 3·TN weights and RB
// h_prev values and does 3·TN·RB multiply-adds, so larger blocks need fewer loads per multiply-add (on
// software adapters every load costs far more than a multiply-add: see src/tune/tuning.ts). The h_prev row
// loads are uniform across the workgroup. No select() in the k loop: rows of the block without a previous
// state read a valid row and their sums are zeroed in the epilogue; a block where no row has one (the
// first step of a sequence) skips the loop. RB and TN are chosen per dispatch from n_cur and H
// (src/tune/tuning.ts); a block computes all RB rows even when fewer are active.
// Dispatch: (ceil(H / (WG·TN)), ceil(n_cur / RB)). Limits: WG <= 256; 3·TN·RB accumulators per invocation
// (beyond ~64 they spill to the stack).

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
  off_tok: u32,  // EMB: tokens at tok[off_tok ..], one per packed row
  off_wih: u32,  // EMB: W_ih at w[off_wih ..]: [V, 3H]
  off_bih: u32,  // EMB: b_ih at w[off_bih ..]: [3H]
}

@group(0) @binding(0) var<storage, read> xg: array<f32>;          // [N, 3H] x W_ih + b_ih, gates r|z|n (EMB = 0)
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 3H], b_hh [3H]; EMB: W_ih [V, 3H], b_ih)
@group(0) @binding(2) var<storage, read_write> y: array<f32>;     // [N, ld_y] layer output h
@group(0) @binding(3) var<storage, read_write> cache: array<f32>;  // [N, 5H] r | z | n | hh_n | h_prev
@group(0) @binding(4) var<storage, read> tok: array<u32>;         // [N] character ids at off_tok (EMB = 1)
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const RB = 2u; // tunable
const TN = 1u; // tunable
const EMB = 0u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j0 = wg.x * WG * TN + lid.x;
  let r0 = wg.y * RB;
  // Out-of-range columns load a valid one and are never written.
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
    var ir = 0.0;
    var iz = 0.0;
    var inn = 0.0;
    if (EMB == 1u) {
      ir = w[p.off_bih + j];
      iz = w[p.off_bih + H + j];
      inn = w[p.off_bih + 2u * H + j];
    }
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_cur) { break; }
      let has_prev = row < p.n_prev;
      let pr = p.off_cur + row;
      let a = i * TN + c;
      // The row's input gates r|z|n.
      var xr: f32;
      var xz: f32;
      var xn: f32;
      if (EMB == 1u) {
        let x = p.off_wih + tok[p.off_tok + pr] * 3u * H;
        xr = w[x + j] + ir;
        xz = w[x + H + j] + iz;
        xn = w[x + 2u * H + j] + inn;
      } else {
        let x = pr * 3u * H;
        xr = xg[x + j];
        xz = xg[x + H + j];
        xn = xg[x + 2u * H + j];
      }
      let r = sigmoid_c(xr + select(0.0, ar[a], has_prev) + br);
      let z = sigmoid_c(xz + select(0.0, az[a], has_prev) + bz);
      let hn = select(0.0, an[a], has_prev) + bn;
      let n = tanh_c(xn + r * hn);
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
