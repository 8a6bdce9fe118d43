// CPU twin: src/cpu/kernels/rnn_seq_bwd.ts
// Entry point and time-schedule walk: shaders/lib/seq_walk.wgsl (prepended); this file supplies seq_position.
// rnn_seq_bwd.wgsl — backpropagation through time of a whole tanh-RNN recurrence in ONE dispatch. It
// computes exactly what rnn_step_bwd.wgsl computes over the step schedule, last step of the reading order
// first: at each target position tgt, for every active row,
//   dh = ext[tgt] + (row also active at cur ? dg[cur] W_hh^T : 0)
//   dg[tgt] = dh * (1 - h[tgt]^2)            (gradient of the pre-activation; same for W_ih and W_hh)
// "cur" is the position after tgt in the forward reading order (forward: tgt + 1; reverse: tgt - 1), the
// position processed just before tgt here. Sorted row b is active at t when lengths[b] > t (packed row
// offsets[t] + b); ints holds offsets and lengths. Weight gradients are summed after this kernel.
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions; invocations stride over the H units (k = lid, lid + WG, …), the
// same units at every position. Rows are independent, so workgroups never synchronize with each other.
// State between positions: when H <= DS, dg of the block's rows lives in workgroup memory, two buffers of
// [RB, DS] (written at one position, read at the next): one workgroupBarrier per position. Otherwise dg[cur]
// is read back from dg, where this workgroup wrote it at the previous position: one storageBarrier (a
// control and storage-memory barrier) per position.
// Limits: WG <= 256; workgroup memory 2 * RB * DS * 4 bytes <= 16 KiB.
// Loop-local accumulators have an explicit zero initializer: declared without one inside the loops,
// Dawn on lavapipe kept the previous iteration's values.

struct Params {
  h: u32,
  steps: u32,        // positions T
  reverse: u32,      // 1: this is the backward direction (forward reading order T-1..0)
  batch: u32,        // rows of the batch
  ld_ext: u32,       // row stride of ext and y
  col_ext: u32,      // this direction's first column in ext and y
  off_w: u32,        // W_hh at w[off_w ..]: [H, H]
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;        // batch integers (offsets, lengths)
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, H])
@group(0) @binding(2) var<storage, read> y: array<f32>;           // [N, ld_ext] layer output h
@group(0) @binding(3) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(4) var<storage, read_write> dg: array<f32>;    // [N, H] pre-activation gradient
@group(1) @binding(0) var<uniform> p: Params;

const WG = 128u; // tunable
const RB = 4u; // tunable
const DS = 512u; // tunable

var<workgroup> ds: array<f32, 2u * RB * DS>;

const SEQ_BACKWARD = true;

// Whether the state carried between positions (the recurrent gate gradients of the next position read ('cur')) fits workgroup memory.
fn seq_state_in_ws() -> bool {
  return p.h <= DS;
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
        for (var j = 0u; j < H; j++) {
          let wv = w[p.off_w + kk * H + j];
          for (var i = 0u; i < RB; i++) { acc[i] = fma(ds[rd + i * DS + j], wv, acc[i]); }
        }
      } else {
        for (var j = 0u; j < H; j++) {
          let wv = w[p.off_w + kk * H + j];
          for (var i = 0u; i < RB; i++) {
            let row = off_cur + r0 + select(0u, i, has_cur[i]);
            acc[i] = fma(dg[row * H + j], wv, acc[i]);
          }
        }
      }
    }
    if (k < H) {
      for (var i = 0u; i < RB; i++) {
        if (len[i] <= pos) { break; } // active rows are a prefix
        let pt = off + r0 + i;
        var d = ext[pt * p.ld_ext + p.col_ext + k];
        if (has_cur[i]) { d += acc[i]; }
        let h = y[pt * p.ld_ext + p.col_ext + k];
        let g = d * (1.0 - h * h);
        dg[pt * H + k] = g;
        if (in_ws) { ds[wr + i * DS + k] = g; }
      }
    }
  }
}
