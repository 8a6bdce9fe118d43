// CPU twin: src/cpu/kernels/lstm_seq_bwd.ts
// Entry point and time-schedule walk: shaders/lib/seq_walk.wgsl (prepended); this file supplies seq_position.
// lstm_seq_bwd.wgsl — backpropagation through time of a whole LSTM recurrence in ONE dispatch. It computes
// exactly what lstm_step_bwd.wgsl computes over the step schedule, last step of the reading order first:
// at each target position tgt, for every active row,
//   dh = ext[tgt] + (row also active at cur ? dg[cur] W_hh^T : 0)
//   dc = dh * o * (1 - tanh(c)^2) + (row also active at cur ? dc[cur] * f[cur] : 0)
//   dai = dc * g * i (1 - i)    daf = dc * c_prev * f (1 - f)    dag = dc * i * (1 - g^2)
//   dao = dh * tanh(c) * o (1 - o)
//   dg = [dai, daf, dag, dao]   (w.r.t. x W_ih + b_ih and h W_hh + b_hh alike)
// "cur" is the position after tgt in the forward reading order (forward: tgt + 1; reverse: tgt - 1), the
// position processed just before tgt here. Sorted row b is active at t when lengths[b] > t (packed row
// offsets[t] + b); ints holds offsets and lengths. Weight gradients are summed after this kernel.
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions; invocations stride over the H units (k = lid, lid + WG, …), the
// same units at every position. Rows are independent, so workgroups never synchronize with each other.
// State between positions: when 4H <= DS, dg of the block's rows lives in workgroup memory, two buffers of
// [RB, DS] (written at one position, read at the next): one workgroupBarrier per position. Otherwise dg[cur]
// is read back from dg, where this workgroup wrote it at the previous position: one storageBarrier (a
// control and storage-memory barrier) per position. dc[cur] and the cache are read only at the
// invocation's own units (written by itself, or by the forward pass): no barrier.
// Limits: WG <= 256; workgroup memory 2 * RB * DS * 4 bytes <= 16 KiB.
// Loop-local accumulators have an explicit zero initializer: declared without one inside the loops,
// Dawn on lavapipe kept the previous iteration's values.

struct Params {
  h: u32,
  steps: u32,        // positions T
  reverse: u32,      // 1: this is the backward direction (forward reading order T-1..0)
  batch: u32,        // rows of the batch
  ld_ext: u32,       // ext row stride (directions x H)
  col_ext: u32,      // this direction's first column in ext
  off_w: u32,        // W_hh at w[off_w ..]: [H, 4H]
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;        // batch integers (offsets, lengths)
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 4H])
@group(0) @binding(2) var<storage, read> cache: array<f32>;       // [N, 7H] i | f | g | o | c | h_prev | c_prev
@group(0) @binding(3) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(4) var<storage, read_write> dh: array<f32>;    // [N, 2H] total gradients dh | dc
@group(0) @binding(5) var<storage, read_write> dg: array<f32>;    // [N, 4H] gate gradients i|f|g|o
@group(1) @binding(0) var<uniform> p: Params;

const WG = 128u; // tunable
const RB = 4u; // tunable
const DS = 512u; // tunable

var<workgroup> ds: array<f32, 2u * RB * DS>;

const SEQ_BACKWARD = true;

// Whether the state carried between positions (the recurrent gate gradients of the next position read ('cur')) fits workgroup memory.
fn seq_state_in_ws() -> bool {
  return 4u * p.h <= DS;
}

// Nothing to reset per block: rows without a 'cur' never read the state.
fn seq_begin_block(lid: u32) {}

// One position of the walk (shaders/lib/seq_walk.wgsl main): st.pos, step s, for the block's rows from r0
// (lengths len); the walk puts a barrier after it.
fn seq_position(lid: u32, r0: u32, len: array<u32, RB>, st: SeqStep, s: u32) {
  let H = p.h;
  let in_ws = seq_state_in_ws();
  let pos = st.pos;
  let len0 = len[0];
  let off = st.off;
  let off_cur = st.off_nb;
  let any_cur = st.nb_ok && len0 > st.nb_pos;
  var has_cur = seq_has_nb(len, st);
  let rd = (s & 1u) * RB * DS; // this position reads dg[cur] here ...
  let wr = RB * DS - rd;       // ... and writes dg[tgt] there
  for (var k0 = 0u; k0 < H; k0 += WG) {
    let k = k0 + lid;
    let kk = min(k, H - 1u);
    var acc = array<f32, RB>();
    if (any_cur) {
      if (in_ws) {
        for (var j = 0u; j < 4u * H; j++) {
          let wv = w[p.off_w + kk * 4u * H + j];
          for (var i = 0u; i < RB; i++) { acc[i] = fma(ds[rd + i * DS + j], wv, acc[i]); }
        }
      } else {
        for (var j = 0u; j < 4u * H; j++) {
          let wv = w[p.off_w + kk * 4u * H + j];
          for (var i = 0u; i < RB; i++) {
            let row = off_cur + r0 + select(0u, i, has_cur[i]);
            acc[i] = fma(dg[row * 4u * H + j], wv, acc[i]);
          }
        }
      }
    }
    if (k < H) {
      for (var i = 0u; i < RB; i++) {
        if (len[i] <= pos) { break; } // active rows are a prefix
        let pt = off + r0 + i;
        let base = pt * 7u * H;
        let ig = cache[base + k];
        let fg = cache[base + H + k];
        let gg = cache[base + 2u * H + k];
        let og = cache[base + 3u * H + k];
        let tc = tanh_c(cache[base + 4u * H + k]);
        let cp = cache[base + 6u * H + k];
        var d = ext[pt * p.ld_ext + p.col_ext + k];
        var dc = 0.0;
        if (has_cur[i]) {
          let pc = off_cur + r0 + i;
          d += acc[i];
          dc = dh[pc * 2u * H + H + k] * cache[pc * 7u * H + H + k];
        }
        dc += d * og * (1.0 - tc * tc);
        dh[pt * 2u * H + k] = d;
        dh[pt * 2u * H + H + k] = dc;
        let gb = pt * 4u * H;
        let dai = dc * gg * ig * (1.0 - ig);
        let daf = dc * cp * fg * (1.0 - fg);
        let dag = dc * ig * (1.0 - gg * gg);
        let dao = d * tc * og * (1.0 - og);
        dg[gb + k] = dai;
        dg[gb + H + k] = daf;
        dg[gb + 2u * H + k] = dag;
        dg[gb + 3u * H + k] = dao;
        if (in_ws) {
          ds[wr + i * DS + k] = dai;
          ds[wr + i * DS + H + k] = daf;
          ds[wr + i * DS + 2u * H + k] = dag;
          ds[wr + i * DS + 3u * H + k] = dao;
        }
      }
    }
  }
}
