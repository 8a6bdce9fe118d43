// CPU twin: src/cpu/kernels/gru_seq_fwd.ts
// Entry point and time-schedule walk: shaders/lib/seq_walk.wgsl (prepended); this file supplies seq_position.
// gru_seq_fwd.wgsl — a whole GRU recurrence (every position of one direction) in ONE dispatch. It computes
// exactly what gru_step_fwd.wgsl computes over the step schedule (same buffers, packed layout and cache):
// at each position in reading order (0..T-1, or T-1..0 when reverse = 1), for every active row,
//   hh = h_prev W_hh + b_hh                                  (one [H, 3H] product for all three gates)
//   r = sigmoid(xg_r + hh_r)   z = sigmoid(xg_z + hh_z)   n = tanh(xg_n + r * hh_n)
//   h = (1 - z) * n + z * h_prev                             cache = r | z | n | hh_n | h_prev
// Sorted row b is active at position t when lengths[b] > t; its packed row there is offsets[t] + b. It has a
// previous state when it was active at the previous position in reading order (forward: t > 0; reverse:
// lengths[b] > t + 1), else h_prev = 0 — the per-step kernels' n_prev. Offsets and lengths come from the
// batch's integer buffer, so the whole schedule is one dispatch whatever the batch.
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions; its invocations stride over the H units (j = lid, lid + WG, …),
// the same units at every position. Rows are independent, so workgroups never synchronize with each other.
// State between positions: when H <= HS, h of the block's rows lives in workgroup memory, two buffers of
// [RB, HS] (written at one position, read at the next; rows without a state read the zeros they start
// with): one workgroupBarrier per position. Otherwise h_prev is read back from y, where this workgroup wrote
// it at the previous position: one storageBarrier (a control and storage-memory barrier) per position.
// Each invocation rereads only its own units of h_prev (the z h_prev term, the cache), which needs no barrier.
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
  off_w: u32,        // W_hh at w[off_w ..]: [H, 3H]
  off_b: u32,        // b_hh at w[off_b ..]: [3H]
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;          // batch integers (offsets, lengths)
@group(0) @binding(1) var<storage, read> xg: array<f32>;            // [N, 3H] x W_ih + b_ih, gates r|z|n
@group(0) @binding(2) var<storage, read> w: array<f32>;             // parameters (W_hh [H, 3H], b_hh [3H])
@group(0) @binding(3) var<storage, read_write> y: array<f32>;       // [N, ld_y] layer output h
@group(0) @binding(4) var<storage, read_write> cache: array<f32>;   // [N, 5H] r | z | n | hh_n | h_prev
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
    var ar = array<f32, RB>();
    var az = array<f32, RB>();
    var an = array<f32, RB>();
    if (any_prev) {
      if (in_ws) {
        for (var k = 0u; k < H; k++) {
          let wr_ = w[p.off_w + k * 3u * H + jj];
          let wz = w[p.off_w + k * 3u * H + H + jj];
          let wn = w[p.off_w + k * 3u * H + 2u * H + jj];
          for (var i = 0u; i < RB; i++) {
            let hp = hs[rd + i * HS + k];
            ar[i] = fma(hp, wr_, ar[i]);
            az[i] = fma(hp, wz, az[i]);
            an[i] = fma(hp, wn, an[i]);
          }
        }
      } else {
        for (var k = 0u; k < H; k++) {
          let wr_ = w[p.off_w + k * 3u * H + jj];
          let wz = w[p.off_w + k * 3u * H + H + jj];
          let wn = w[p.off_w + k * 3u * H + 2u * H + jj];
          for (var i = 0u; i < RB; i++) {
            let hp = select(0.0, y[prev[i] + k], has_prev[i]);
            ar[i] = fma(hp, wr_, ar[i]);
            az[i] = fma(hp, wz, az[i]);
            an[i] = fma(hp, wn, an[i]);
          }
        }
      }
    }
    if (j < H) {
      let br = w[p.off_b + j];
      let bz = w[p.off_b + H + j];
      let bn = w[p.off_b + 2u * H + j];
      for (var i = 0u; i < RB; i++) {
        if (len[i] <= pos) { break; } // active rows are a prefix
        let pr = off + r0 + i;
        let x = pr * 3u * H;
        let r = sigmoid_c(xg[x + j] + ar[i] + br);
        let z = sigmoid_c(xg[x + H + j] + az[i] + bz);
        let hn = an[i] + bn;
        let n = tanh_c(xg[x + 2u * H + j] + r * hn);
        var hp = 0.0;
        if (in_ws) { hp = hs[rd + i * HS + j]; } else { hp = select(0.0, y[prev[i] + j], has_prev[i]); }
        let h = (1.0 - z) * n + z * hp;
        y[pr * p.ld_y + p.col_y + j] = h;
        if (in_ws) { hs[wr + i * HS + j] = h; }
        let c = pr * 5u * H;
        cache[c + j] = r;
        cache[c + H + j] = z;
        cache[c + 2u * H + j] = n;
        cache[c + 3u * H + j] = hn;
        cache[c + 4u * H + j] = hp;
      }
    }
  }
}
