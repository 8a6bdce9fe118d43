// CPU twin: src/cpu/kernels/lstm_step_fwd.ts
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
//
// Work split (register blocking, as gru_step_fwd.wgsl): an invocation owns TN columns per gate
// (j0 + c·WG, c < TN) for RB rows; one pass over k loads 4·TN weights and RB h_prev values (uniform across
// the workgroup) for 4·TN·RB multiply-adds. Rows without a previous state read a valid row and their sums
// are zeroed after the loop; a block where no row has one skips the loop. RB and TN are chosen per
// dispatch (src/tune/tuning.ts).
// Dispatch: (ceil(H / (WG·TN)), ceil(n_cur / RB)). Limits: WG <= 256; 4·TN·RB accumulators per invocation.

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
const RB = 2u; // tunable
const TN = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H = p.h;
  let j0 = wg.x * WG * TN + lid.x;
  let r0 = wg.y * RB;
  var cols: array<u32, TN>;
  for (var c = 0u; c < TN; c++) { cols[c] = min(j0 + c * WG, H - 1u); }
  var ai: array<f32, RB * TN>;
  var af: array<f32, RB * TN>;
  var ag: array<f32, RB * TN>;
  var ao: array<f32, RB * TN>;
  if (r0 < p.n_prev) {
    var prev: array<u32, RB>;
    for (var i = 0u; i < RB; i++) { prev[i] = (p.off_prev + min(r0 + i, p.n_prev - 1u)) * p.ld_y + p.col_y; }
    var wrow = p.off_w;
    for (var k = 0u; k < H; k++) {
      var wi: array<f32, TN>;
      var wf: array<f32, TN>;
      var wgg: array<f32, TN>;
      var wo: array<f32, TN>;
      for (var c = 0u; c < TN; c++) {
        wi[c] = w[wrow + cols[c]];
        wf[c] = w[wrow + H + cols[c]];
        wgg[c] = w[wrow + 2u * H + cols[c]];
        wo[c] = w[wrow + 3u * H + cols[c]];
      }
      for (var i = 0u; i < RB; i++) {
        let hp = y[prev[i] + k];
        for (var c = 0u; c < TN; c++) {
          let a = i * TN + c;
          ai[a] = fma(hp, wi[c], ai[a]);
          af[a] = fma(hp, wf[c], af[a]);
          ag[a] = fma(hp, wgg[c], ag[a]);
          ao[a] = fma(hp, wo[c], ao[a]);
        }
      }
      wrow += 4u * H;
    }
  }
  for (var c = 0u; c < TN; c++) {
    let j = j0 + c * WG;
    if (j >= H) { break; }
    let bi = w[p.off_b + j];
    let bf = w[p.off_b + H + j];
    let bg = w[p.off_b + 2u * H + j];
    let bo = w[p.off_b + 3u * H + j];
    for (var i = 0u; i < RB; i++) {
      let row = r0 + i;
      if (row >= p.n_cur) { break; }
      let has_prev = row < p.n_prev;
      let pr = p.off_cur + row;
      let x = pr * 4u * H;
      let a = i * TN + c;
      let ig = sigmoid_c(xg[x + j] + select(0.0, ai[a], has_prev) + bi);
      let fg = sigmoid_c(xg[x + H + j] + select(0.0, af[a], has_prev) + bf);
      let gg = tanh_c(xg[x + 2u * H + j] + select(0.0, ag[a], has_prev) + bg);
      let og = sigmoid_c(xg[x + 3u * H + j] + select(0.0, ao[a], has_prev) + bo);
      var hp = 0.0;
      var cp = 0.0;
      if (has_prev) {
        hp = y[(p.off_prev + row) * p.ld_y + p.col_y + j];
        // c_prev is the c column of the previous position's cache row (a different packed row: no overlap).
        cp = cache[(p.off_prev + row) * 7u * H + 4u * H + j];
      }
      let cn = fg * cp + ig * gg;
      y[pr * p.ld_y + p.col_y + j] = og * tanh_c(cn);
      let base = pr * 7u * H;
      cache[base + j] = ig;
      cache[base + H + j] = fg;
      cache[base + 2u * H + j] = gg;
      cache[base + 3u * H + j] = og;
      cache[base + 4u * H + j] = cn;
      cache[base + 5u * H + j] = hp;
      cache[base + 6u * H + j] = cp;
    }
  }
}
