// CPU twin: src/cpu/kernels/lstm_seq_fwd.ts
// Entry point and time-schedule walk: shaders/lib/seq_walk.wgsl (prepended); this file supplies seq_position.
// lstm_seq_fwd.wgsl — a whole LSTM recurrence (every position of one direction) in ONE dispatch. It
// computes exactly what lstm_step_fwd.wgsl computes over the step schedule (same buffers, layout and cache):
// at each position in reading order (0..T-1, or T-1..0 when reverse = 1), for every active row,
//   hh = h_prev W_hh + b_hh                                  (one [H, 4H] product for all four gates)
//   i = sigmoid(xg_i + hh_i)   f = sigmoid(xg_f + hh_f)   g = tanh(xg_g + hh_g)   o = sigmoid(xg_o + hh_o)
//   c = f * c_prev + i * g     h = o * tanh(c)            cache = i | f | g | o | c | h_prev | c_prev
// Sorted row b is active at position t when lengths[b] > t; its packed row there is offsets[t] + b. It has a
// previous state when it was active at the previous position in reading order (forward: t > 0; reverse:
// lengths[b] > t + 1), else h_prev = c_prev = 0. Offsets and lengths come from the batch's integer buffer.
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions; its invocations stride over the H units (j = lid, lid + WG, …),
// the same units at every position. Rows are independent, so workgroups never synchronize with each other.
// State between positions: when H <= HS, h of the block's rows lives in workgroup memory, two buffers of
// [RB, HS] (written at one position, read at the next; rows without a state read the zeros they start
// with): one workgroupBarrier per position. Otherwise h_prev is read back from y, where this workgroup wrote
// it at the previous position: one storageBarrier (a control and storage-memory barrier) per position.
// c_prev (the c column of the previous position's cache row) and the invocation's own units of h_prev are
// read only by the invocation that wrote them: no barrier.
// Limits: WG <= 256; workgroup memory 2 * RB * HS * 4 bytes <= 16 KiB.
// Loop-local accumulators have an explicit zero initializer: declared without one inside the loops,
// Dawn on lavapipe kept the previous iteration's values.

struct Params {
  h: u32,            // hidden size H
  steps: u32,        // positions T (the longest row's length)
  reverse: u32,      // 1: reading order T-1..0 (the backward direction)
  batch: u32,        // rows of the batch
  ld_y: u32,         // row stride of y (directions x H)
  col_y: u32,        // this direction's first column in y
  off_w: u32,        // W_hh at w[off_w ..]: [H, 4H]
  off_b: u32,        // b_hh at w[off_b ..]: [4H]
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;          // batch integers (offsets, lengths)
@group(0) @binding(1) var<storage, read> xg: array<f32>;            // [N, 4H] x W_ih + b_ih, gates i|f|g|o
@group(0) @binding(2) var<storage, read> w: array<f32>;             // parameters (W_hh [H, 4H], b_hh [4H])
@group(0) @binding(3) var<storage, read_write> y: array<f32>;       // [N, ld_y] layer output h
@group(0) @binding(4) var<storage, read_write> cache: array<f32>;   // [N, 7H] i | f | g | o | c | h_prev | c_prev
@group(1) @binding(0) var<uniform> p: Params;

const WG = 128u; // tunable
const RB = 4u; // tunable
const HS = 512u; // tunable

var<workgroup> hs: array<f32, 2u * RB * HS>;

const SEQ_BACKWARD = false;

// Whether the state carried between positions (h of the previous position read) fits workgroup memory.
fn seq_state_in_ws() -> bool {
  return p.h <= HS;
}

// Zeroes the block's state buffers: rows without a previous state read zeros.
fn seq_begin_block(lid: u32) {
  if (seq_state_in_ws()) {
    for (var e = lid; e < 2u * RB * HS; e += WG) { hs[e] = 0.0; }
    workgroupBarrier();
  }
}

// One position of the walk (shaders/lib/seq_walk.wgsl main): st.pos, step s, for the block's rows from r0
// (lengths len); the walk puts a barrier after it.
fn seq_position(lid: u32, r0: u32, len: array<u32, RB>, st: SeqStep, s: u32) {
  let H = p.h;
  let in_ws = seq_state_in_ws();
  let pos = st.pos;
  let len0 = len[0];
  let off = st.off;
  let off_prev = st.off_nb;
  let any_prev = st.nb_ok && len0 > st.nb_pos;
  var has_prev = seq_has_nb(len, st);
  var prev: array<u32, RB>;
  for (var i = 0u; i < RB; i++) {
    prev[i] = select(0u, (off_prev + r0 + i) * p.ld_y + p.col_y, has_prev[i]);
  }
  let rd = (s & 1u) * RB * HS; // this position reads h_prev here ...
  let wr = RB * HS - rd;       // ... and writes h there
  for (var j0 = 0u; j0 < H; j0 += WG) {
    let j = j0 + lid;
    let jj = min(j, H - 1u); // out-of-range lanes compute a valid column and do not write
    var ai = array<f32, RB>();
    var af = array<f32, RB>();
    var ag = array<f32, RB>();
    var ao = array<f32, RB>();
    if (any_prev) {
      if (in_ws) {
        for (var k = 0u; k < H; k++) {
          let wrow = p.off_w + k * 4u * H + jj;
          let wi = w[wrow];
          let wf = w[wrow + H];
          let wgg = w[wrow + 2u * H];
          let wo = w[wrow + 3u * H];
          for (var i = 0u; i < RB; i++) {
            let hp = hs[rd + i * HS + k];
            ai[i] = fma(hp, wi, ai[i]);
            af[i] = fma(hp, wf, af[i]);
            ag[i] = fma(hp, wgg, ag[i]);
            ao[i] = fma(hp, wo, ao[i]);
          }
        }
      } else {
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
      }
    }
    if (j < H) {
      let bi = w[p.off_b + j];
      let bf = w[p.off_b + H + j];
      let bg = w[p.off_b + 2u * H + j];
      let bo = w[p.off_b + 3u * H + j];
      for (var i = 0u; i < RB; i++) {
        if (len[i] <= pos) { break; } // active rows are a prefix
        let pr = off + r0 + i;
        let x = pr * 4u * H;
        let ig = sigmoid_c(xg[x + j] + ai[i] + bi);
        let fg = sigmoid_c(xg[x + H + j] + af[i] + bf);
        let gg = tanh_c(xg[x + 2u * H + j] + ag[i] + bg);
        let og = sigmoid_c(xg[x + 3u * H + j] + ao[i] + bo);
        var hp = 0.0;
        if (in_ws) { hp = hs[rd + i * HS + j]; } else { hp = select(0.0, y[prev[i] + j], has_prev[i]); }
        // c_prev: the c column of the previous position's cache row, written by this invocation.
        let cpi = select(0u, (off_prev + r0 + i) * 7u * H + 4u * H + j, has_prev[i]);
        let cp = select(0.0, cache[cpi], has_prev[i]);
        let c = fg * cp + ig * gg;
        let h = og * tanh_c(c);
        y[pr * p.ld_y + p.col_y + j] = h;
        if (in_ws) { hs[wr + i * HS + j] = h; }
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
  }
}
