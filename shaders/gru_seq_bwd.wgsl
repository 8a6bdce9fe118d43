// CPU twin: src/cpu/kernels/gru_seq_bwd.ts
// Entry point and time-schedule walk: shaders/lib/seq_walk.wgsl (prepended); this file supplies seq_position.
// gru_seq_bwd.wgsl — backpropagation through time of a whole GRU recurrence in ONE dispatch. It computes
// exactly what gru_step_bwd.wgsl computes over the step schedule, last step of the reading order first:
// at each target position tgt, for every active row,
//   dh = ext[tgt] + (row also active at cur ?  dh[cur] * z[cur] + dgh[cur] W_hh^T : 0)
//   dn = dh (1 - z)    dz = dh (h_prev - n)    dan = dn (1 - n^2)
//   dar = dan * hh_n * r (1 - r)    daz = dz * z (1 - z)
//   dgx = [dar, daz, dan]  (w.r.t. x W_ih + b_ih)     dgh = [dar, daz, dan * r]  (w.r.t. h W_hh + b_hh)
// "cur" is the position after tgt in the forward reading order (forward: tgt + 1; reverse: tgt - 1), the
// position processed just before tgt here. Sorted row b is active at t when lengths[b] > t (packed row
// offsets[t] + b); ints holds offsets and lengths. Weight gradients are summed after this kernel, as with
// the per-step kernels.
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions; invocations stride over the H units (k = lid, lid + WG, …), the
// same units at every position. Rows are independent, so workgroups never synchronize with each other.
// State between positions: when 3H <= DS, the dgh of the block's rows lives in workgroup memory, two
// buffers of [RB, DS] (written at one position, read at the next): one workgroupBarrier per position.
// Otherwise dgh[cur] is read back from dg, where this workgroup wrote it at the previous position: one
// storageBarrier (a control and storage-memory barrier) per position. dh[cur] and the cache are read only at
// the invocation's own units (written by itself, or by the forward pass): no barrier.
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
  off_w: u32,        // W_hh at w[off_w ..]: [H, 3H]
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;        // batch integers (offsets, lengths)
@group(0) @binding(1) var<storage, read> w: array<f32>;           // parameters (W_hh [H, 3H])
@group(0) @binding(2) var<storage, read> cache: array<f32>;       // [N, 5H] r | z | n | hh_n | h_prev
@group(0) @binding(3) var<storage, read> ext: array<f32>;         // [N, ld_ext] gradient from outside
@group(0) @binding(4) var<storage, read_write> dh: array<f32>;    // [N, H] total gradient of h
@group(0) @binding(5) var<storage, read_write> dg: array<f32>;    // [N, 6H] dgx r|z|n, dgh r|z|n
@group(1) @binding(0) var<uniform> p: Params;

const WG = 128u; // tunable
const RB = 4u; // tunable
const DS = 512u; // tunable

var<workgroup> ds: array<f32, 2u * RB * DS>;

const SEQ_BACKWARD = true;

// Whether the state carried between positions (the recurrent gate gradients of the next position read ('cur')) fits workgroup memory.
fn seq_state_in_ws() -> bool {
  return 3u * p.h <= DS;
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
  let rd = (s & 1u) * RB * DS; // this position reads dgh[cur] here ...
  let wr = RB * DS - rd;       // ... and writes dgh[tgt] there
  for (var k0 = 0u; k0 < H; k0 += WG) {
    let k = k0 + lid;
    let kk = min(k, H - 1u);
    var acc = array<f32, RB>();
    if (any_cur) {
      if (in_ws) {
        for (var j = 0u; j < 3u * H; j++) {
          let wv = w[p.off_w + kk * 3u * H + j];
          for (var i = 0u; i < RB; i++) { acc[i] = fma(ds[rd + i * DS + j], wv, acc[i]); }
        }
      } else {
        for (var j = 0u; j < 3u * H; j++) {
          let wv = w[p.off_w + kk * 3u * H + j];
          for (var i = 0u; i < RB; i++) {
            let row = off_cur + r0 + select(0u, i, has_cur[i]);
            acc[i] = fma(dg[row * 6u * H + 3u * H + j], wv, acc[i]);
          }
        }
      }
    }
    if (k < H) {
      for (var i = 0u; i < RB; i++) {
        if (len[i] <= pos) { break; } // active rows are a prefix
        let pt = off + r0 + i;
        var d = ext[pt * p.ld_ext + p.col_ext + k];
        if (has_cur[i]) {
          let pc = off_cur + r0 + i;
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
        if (in_ws) {
          ds[wr + i * DS + k] = dar;
          ds[wr + i * DS + H + k] = daz;
          ds[wr + i * DS + 2u * H + k] = dan * r;
        }
      }
    }
  }
}
