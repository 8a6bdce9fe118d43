// The network as a sequence of kernel calls on a Backend: the same code records WGSL dispatches on a GPU
// or runs the CPU twins. Layout of activations (all packed, see packing.ts; N = packed rows):
//   y[l]      [N, D]       output of layer l (D = directions x H; backward direction in columns H..2H)
//   ext[l]    [N, D]       gradient of the loss w.r.t. y[l] arriving from above (head, attention, layer l+1)
//   cache[l][d] [N, S*H]   what the forward step saved for the backward step
//   xg        [N, G*H]     input projection of the layer being run (scratch; not used by a GRU's layer 0
//                          stepped per position, whose step kernel gathers W_ih[tok] + b_ih itself)
//   dg        [N, DG*H]    gate gradients of the layer being differentiated (scratch)
//   dstate    [N, DS*H]    state gradient carried through time (scratch; DS = CellSpec.dstate: dh, and dc for LSTM)
//   att/datt  [N]          attention weight and score gradient of each packed row (attention only)
//   feat/dfeat [B, D], logits/dlogits [B, C], stats [8]: loss sum, correct, count, |g|, clip scale, #non-finite
// A language model (cfg.task 'generate', src/generate/) has a head at every packed row instead: its layer-0
// input is two-hot (symbol + language row of W_ih: embed_gather with hots = 2, embed_grad over a CSR listing
// every packed row twice), logits/dlogits are [N, C] = y_top head.W + head.b, row_ce gives each row's loss
// against its target (the next symbol) and row_stats sums them (part [2N]); backward writes dlogits head.W^T
// straight into ext[top]. With dropout, featIn/dfeatIn are [N, D] (the head's input at every row).
//   xin/dxin  [N, D]       dropped-out input of a layer above the first, and its gradient (dropout, layers > 1)
//   featIn/dfeatIn [B, D]  dropped-out head input and its gradient (dropout)
// Dropout (training only, forward(b, true, {rate, seed})) is inverted dropout with a counter-based mask
// (shaders/dropout.wgsl): on each layer's input above the first and on the head's input, as PyTorch's
// nn.GRU(dropout=p) followed by nn.Dropout(p). The mask depends only on (seed, index), so backward recomputes
// it instead of storing it, and the CPU backend draws the same mask bit for bit.
// feat is the top layer's final states (final_gather) or, with attention, the attention-weighted sum of its
// outputs over each row's positions (attention_fwd).
// Recurrences run one of two ways (the same results; see NetworkOptions.recurrence): 'step', one dispatch
// per position (<cell>_step_*), or 'sequence', one dispatch per layer and direction (<cell>_seq_*).
// Every dispatch's tunables come from one Tuning (src/tune/tuning.ts, NetworkOptions.tuning), asked with the
// dispatch's kernel and params: register blocks per step from its active rows, gemm tiles by shape.
import type { Backend, Buf } from '../core/backend.js';
import type { KernelDef, Params, Tunables } from '../core/kernel.js';
import { stepSchedule } from '../core/schedule.js';
import { attentionBwdK, attentionFwdK, colsumK, dropoutK, dropoutParams, embedGatherK, embedGradK, finalGatherK, finalScatterK, gemmK, gruStepFwdK, rowCeK, rowStatsK, softmaxCeK } from '../kernels.js';
import type { Recurrence } from '../tune/recurrence.js';
import { tuningForBackend, type Tuning } from '../tune/tuning.js';
import { cellSpec, type CellSpec } from './cells.js';
import { dirsOf, inputRows, isGenerative, outWidth, validateConfig, type ModelConfig } from './config.js';
import { intsLayout, packInts, type IntsLayout, type PackedBatch } from './packing.js';
import { entry, layerName, paramLayout, type ParamLayout } from './params.js';

/** The recurrence strategy's type lives with its policy (tune/recurrence.ts); re-exported for callers. */
export type { Recurrence };

export interface Capacity {
  /** Most rows (names) in a batch. */
  batch: number;
  /** Most packed rows (sum of lengths) in a batch. */
  rows: number;
}

export interface NetworkOptions {
  /** Recurrence strategy for every layer and direction, forward and backward (default 'step'). */
  recurrence?: Recurrence;
  /** Overrides of the sequence kernels' tunables (WG, RB, HS forward / DS backward); see tune/tuning.ts seqTunables. */
  seqTunables?: { fwd?: Tunables; bwd?: Tunables };
  /**
   * Where every dispatch's tunables come from (src/tune/tuning.ts): workgroup sizes, register blocks, row
   * blocks chosen per step from its active rows, gemm tiles by shape. Default: the entry for the backend's
   * adapter (a GpuBackend given `adapter`), else the defaults. Tunables never change results.
   */
  tuning?: Tuning;
}

/** Dropout of one training step: the fraction of values zeroed, and the step's seed (a new one each step). */
export interface Dropout {
  rate: number;
  seed: number;
}

export const STATS = { loss: 0, correct: 1, count: 2, gradNorm: 3, clipScale: 4, nonFinite: 5, size: 8 } as const;

interface Activations {
  cap: Capacity;
  ints: Buf;
  y: Buf[];
  ext: Buf[];
  cache: Buf[][];
  xg: Buf;
  dg: Buf;
  dstate: Buf;
  /** Attention weights and score gradients, [N] each; null without attention. */
  att: Buf | null;
  datt: Buf | null;
  feat: Buf;
  dfeat: Buf;
  featIn: Buf;
  dfeatIn: Buf;
  /** Dropped-out layer input and its gradient, [N, D] each; null with one layer. */
  xin: Buf | null;
  dxin: Buf | null;
  logits: Buf;
  dlogits: Buf;
  /** Per-row losses and correct flags of a language model, [2N]; null for a classifier. */
  part: Buf | null;
}

export class Network {
  readonly cfg: ModelConfig;
  readonly layout: ParamLayout;
  readonly cell: CellSpec;
  readonly params: Buf;
  readonly grads: Buf;
  readonly stats: Buf;
  /** Loss weight per class (all 1 unless setClassWeights), on the device and on the host. */
  readonly classWeights: Buf;
  private classW: Float32Array;
  /** Recurrence strategy of the next forward/backward (may be changed between steps). */
  recurrence: Recurrence;
  /** Tunables of every dispatch (see NetworkOptions.tuning). */
  readonly tuning: Tuning;
  /** Tunables of the sequence kernels for this model's hidden size (the tuning's, with the overrides). */
  readonly seqTunables: { fwd: Tunables; bwd: Tunables };
  /** A language model: loss at every packed row (see the header). */
  readonly lm: boolean;
  private act: Activations | null = null;
  private disposed = false;
  /** The dropout of the last forward pass (null: none), which backward applies again. */
  private drop: Dropout | null = null;

  constructor(
    readonly be: Backend,
    cfg: ModelConfig,
    cap: Capacity,
    opts: NetworkOptions = {},
  ) {
    this.cfg = validateConfig(cfg);
    this.lm = isGenerative(cfg);
    this.cell = cellSpec(cfg.cell);
    this.recurrence = opts.recurrence ?? 'step';
    this.tuning = opts.tuning ?? tuningForBackend(be);
    const h = { h: cfg.hidden };
    this.seqTunables = {
      fwd: this.tuning.tunablesFor(this.cell.seqFwd, h, opts.seqTunables?.fwd),
      bwd: this.tuning.tunablesFor(this.cell.seqBwd, h, opts.seqTunables?.bwd),
    };
    this.layout = paramLayout(cfg);
    this.params = be.create('params', this.layout.total);
    this.grads = be.create('grads', this.layout.total);
    this.stats = be.create('stats', STATS.size);
    this.classWeights = be.create('class-weights', cfg.numClasses);
    this.classW = new Float32Array(cfg.numClasses).fill(1);
    be.write(this.classWeights, this.classW);
    this.allocate(cap);
  }

  get capacity(): Capacity {
    return this.act!.cap;
  }

  /** Weights of each class in the loss (e.g. inverse frequency, to balance rare languages). */
  setClassWeights(w: Float32Array): void {
    if (w.length !== this.cfg.numClasses || !w.every((x) => x >= 0 && Number.isFinite(x))) throw new Error('class weights: one non-negative weight per class');
    this.classW = Float32Array.from(w);
    this.be.write(this.classWeights, this.classW);
  }

  setParams(values: Float32Array): void {
    if (values.length !== this.layout.total) throw new Error(`expected ${this.layout.total} parameters, got ${values.length}`);
    this.be.write(this.params, values);
  }

  async getParams(): Promise<Float32Array> {
    return (await this.be.read(this.params)) as Float32Array;
  }

  /**
   * Records the forward pass: input projections, recurrences, head and loss (stats accumulate). `dropout`
   * applies only when training (see the header).
   */
  forward(b: PackedBatch, train: boolean, dropout?: Dropout): void {
    if (dropout && !(dropout.rate >= 0 && dropout.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${dropout.rate}`);
    this.ensureCapacity(b);
    const a = this.act!;
    this.upload(b);
    const { cfg, cell } = this;
    const H = cfg.hidden, D = outWidth(cfg), G = cell.gates * H;
    const drop = (this.drop = train && dropout && dropout.rate > 0 ? dropout : null);
    for (let l = 0; l < cfg.layers; l++) {
      const input = l > 0 && drop ? a.xin! : a.y[l - 1];
      if (l > 0 && drop) this.dropout(a.y[l - 1]!, a.xin!, b.rows * D, drop, l);
      for (let d = 0; d < dirsOf(cfg); d++) {
        const n = layerName(l, d);
        const wih = entry(this.layout, `${n}.W_ih`), bih = entry(this.layout, `${n}.b_ih`);
        // Layer 0 of a GRU stepped per position gathers its input gates inside the step kernel
        // (gru_step_fwd with EMB = 1: no embed_gather dispatch, no xg round trip); everything else projects first.
        // A language model's two-hot input always takes the separate gather.
        const emb = cell.fwd === gruStepFwdK;
        const fused = l === 0 && this.recurrence === 'step' && emb && !this.lm;
        if (l === 0 && !fused) {
          this.run(embedGatherK, { tok: a.ints, w: this.params, out: a.xg },
            { n: b.rows, width: G, off_tok: this.off.tokens, off_w: wih.offset, off_b: bih.offset, off_out: 0, ld_out: G,
              hots: this.lm ? 2 : 1, off_tok2: this.off.tokens + b.rows });
        } else if (l > 0) {
          this.gemm({ a: input!, b: this.params, c: a.xg, bias: this.params },
            { m: b.rows, n: G, k: D, lda: D, off_b: wih.offset, ldb: G, ldc: G, off_bias: bih.offset, has_bias: 1 });
        }
        const whh = entry(this.layout, `${n}.W_hh`), bhh = entry(this.layout, `${n}.b_hh`);
        if (this.recurrence === 'sequence') {
          this.run(cell.seqFwd, { ints: a.ints, xg: a.xg, w: this.params, y: a.y[l]!, cache: a.cache[l]![d]! },
            { h: H, steps: b.steps, reverse: d, batch: b.batch, ld_y: D, col_y: d * H, off_w: whh.offset, off_b: bhh.offset,
              off_offsets: this.off.offsets, off_lengths: this.off.lengths }, this.seqTunables.fwd);
        } else {
          for (const st of stepSchedule(b, d === 1)) {
            const sp = { h: H, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: D, col_y: d * H, off_w: whh.offset, off_b: bhh.offset };
            const bufs = { xg: a.xg, w: this.params, y: a.y[l]!, cache: a.cache[l]![d]! };
            if (emb) {
              this.run(cell.fwd, { ...bufs, tok: a.ints }, { ...sp, off_tok: this.off.tokens, off_wih: wih.offset, off_bih: bih.offset }, { EMB: fused ? 1 : 0 });
            } else {
              this.run(cell.fwd, bufs, sp);
            }
          }
        }
      }
    }
    const top = a.y[cfg.layers - 1]!;
    if (this.lm) return this.lmHead(b, top, train, drop);
    if (cfg.attention) {
      this.run(attentionFwdK, { ints: a.ints, w: this.params, y: top, alpha: a.att!, feat: a.feat },
        { batch: b.batch, d: D, ld_y: D, off_offsets: this.off.offsets, off_lengths: this.off.lengths,
          off_w: entry(this.layout, 'att.w').offset, off_b: entry(this.layout, 'att.b').offset });
    } else {
      this.run(finalGatherK, { ints: a.ints, y: top, feat: a.feat }, { batch: b.batch, h: H, dirs: dirsOf(cfg), ld_y: D, off_last: this.off.last });
    }
    const hw = entry(this.layout, 'head.W'), hb = entry(this.layout, 'head.b');
    const C = cfg.numClasses;
    if (drop) this.dropout(a.feat, a.featIn, b.batch * D, drop, cfg.layers);
    this.gemm({ a: drop ? a.featIn : a.feat, b: this.params, c: a.logits, bias: this.params },
      { m: b.batch, n: C, k: D, lda: D, off_b: hw.offset, ldb: C, ldc: C, off_bias: hb.offset, has_bias: 1 });
    let wsum = 0;
    for (const l of b.labels) wsum += this.classW[l]!;
    this.run(softmaxCeK, { ints: a.ints, logits: a.logits, dlogits: a.dlogits, class_w: this.classWeights, stats: this.stats },
      { batch: b.batch, classes: C, off_labels: this.off.labels, scale: wsum > 0 ? 1 / wsum : 0, write_grad: train ? 1 : 0 });
  }

  /** Records the backward pass for the batch of the last forward(train = true): fills `grads`. */
  backward(b: PackedBatch): void {
    const a = this.act!;
    for (const e of a.ext) this.be.clear(e);
    if (this.lm) this.lmHeadBackward(b);
    else this.headBackward(b);
    this.recurrentBackward(b);
  }

  /** The language model's head at every packed row: logits, per-row loss against the next symbol, sums. */
  private lmHead(b: PackedBatch, top: Buf, train: boolean, drop: Dropout | null): void {
    const a = this.act!;
    const D = outWidth(this.cfg), C = this.cfg.numClasses;
    if (!b.targets || b.targets.length !== b.rows) throw new Error('a language model needs a batch with one target per packed row (packLmBatch)');
    const hw = entry(this.layout, 'head.W'), hb = entry(this.layout, 'head.b');
    if (drop) this.dropout(top, a.featIn, b.rows * D, drop, this.cfg.layers);
    this.gemm({ a: drop ? a.featIn : top, b: this.params, c: a.logits, bias: this.params },
      { m: b.rows, n: C, k: D, lda: D, off_b: hw.offset, ldb: C, ldc: C, off_bias: hb.offset, has_bias: 1 });
    this.run(rowCeK, { ints: a.ints, logits: a.logits, dlogits: a.dlogits, part: a.part! },
      { rows: b.rows, classes: C, off_targets: this.off.targets, scale: 1 / b.rows, write_grad: train ? 1 : 0 });
    this.run(rowStatsK, { part: a.part!, stats: this.stats }, { rows: b.rows });
  }

  /** dW = x^T dlogits, db = colsum(dlogits), ext[top] = dlogits W^T at every packed row. */
  private lmHeadBackward(b: PackedBatch): void {
    const a = this.act!;
    const D = outWidth(this.cfg), C = this.cfg.numClasses, top = this.cfg.layers - 1;
    const hw = entry(this.layout, 'head.W'), hb = entry(this.layout, 'head.b');
    const drop = this.drop;
    this.gemm({ a: drop ? a.featIn : a.y[top]!, b: a.dlogits, c: this.grads, bias: this.params },
      { m: D, n: C, k: b.rows, lda: D, ldb: C, off_c: hw.offset, ldc: C }, { TRANS_A: 1 });
    this.run(colsumK, { a: a.dlogits, out: this.grads }, { rows: b.rows, width: C, off_a: 0, lda: C, off_out: hb.offset, split: C, off_out2: 0, from2: C });
    this.gemm({ a: a.dlogits, b: this.params, c: drop ? a.dfeatIn : a.ext[top]!, bias: this.params },
      { m: b.rows, n: D, k: C, lda: C, off_b: hw.offset, ldb: C, ldc: D }, { TRANS_B: 1 });
    if (drop) this.dropout(a.dfeatIn, a.ext[top]!, b.rows * D, drop, this.cfg.layers);
  }

  /** The classifier's head backward: into the top layer's ext at each row's final states (or attention). */
  private headBackward(b: PackedBatch): void {
    const a = this.act!;
    const { cfg } = this;
    const H = cfg.hidden, D = outWidth(cfg), C = cfg.numClasses;
    // Head: dW = feat^T dlogits, db = colsum(dlogits), dfeat = dlogits W^T.
    const hw = entry(this.layout, 'head.W'), hb = entry(this.layout, 'head.b');
    const drop = this.drop;
    this.gemm({ a: drop ? a.featIn : a.feat, b: a.dlogits, c: this.grads, bias: this.params },
      { m: D, n: C, k: b.batch, lda: D, ldb: C, off_c: hw.offset, ldc: C }, { TRANS_A: 1 });
    this.run(colsumK, { a: a.dlogits, out: this.grads }, { rows: b.batch, width: C, off_a: 0, lda: C, off_out: hb.offset, split: C, off_out2: 0, from2: C });
    this.gemm({ a: a.dlogits, b: this.params, c: drop ? a.dfeatIn : a.dfeat, bias: this.params },
      { m: b.batch, n: D, k: C, lda: C, off_b: hw.offset, ldb: C, ldc: D }, { TRANS_B: 1 });
    if (drop) this.dropout(a.dfeatIn, a.dfeat, b.batch * D, drop, cfg.layers);
    const top = cfg.layers - 1;
    if (cfg.attention) {
      const aw = entry(this.layout, 'att.w'), ab = entry(this.layout, 'att.b');
      this.run(attentionBwdK, { ints: a.ints, w: this.params, y: a.y[top]!, alpha: a.att!, dfeat: a.dfeat, ext: a.ext[top]!, dscore: a.datt! },
        { batch: b.batch, d: D, ld_y: D, off_offsets: this.off.offsets, off_lengths: this.off.lengths, off_w: aw.offset });
      // d(att.w) = y^T de over all packed rows: a column vector (the tuning gives n = 1 a one-column tile).
      this.gemm({ a: a.y[top]!, b: a.datt!, c: this.grads, bias: this.params },
        { m: D, n: 1, k: b.rows, lda: D, ldb: 1, off_c: aw.offset, ldc: 1 }, { TRANS_A: 1 });
      // d(att.b) = sum of de is exactly 0 (a score bias cancels in the softmax). Summing de would give only
      // rounding noise, which Adam's per-parameter normalization would turn into steps of ±lr that differ
      // between devices, so it is written as exactly 0: a column sum over no rows.
      this.run(colsumK, { a: a.datt!, out: this.grads }, { rows: 0, width: 1, off_a: 0, lda: 1, off_out: ab.offset, split: 1, off_out2: 0, from2: 1 });
    } else {
      this.run(finalScatterK, { ints: a.ints, dfeat: a.dfeat, ext: a.ext[top]! },
        { batch: b.batch, h: H, dirs: dirsOf(cfg), ld_y: D, off_last: this.off.last });
    }
  }

  /** Backpropagation through every layer and direction, from the top layer's ext down. */
  private recurrentBackward(b: PackedBatch): void {
    const a = this.act!;
    const { cfg, cell, be } = this;
    const H = cfg.hidden, D = outWidth(cfg), G = cell.gates * H;
    const DG = cell.dg * H;
    const drop = this.drop;
    for (let l = cfg.layers - 1; l >= 0; l--) {
      // With dropout, the layer's input is recomputed (the same mask) and its gradient gathered in dxin,
      // then masked into the layer below's ext after both directions.
      const input = l > 0 && drop ? a.xin! : a.y[l - 1];
      if (l > 0 && drop) {
        this.dropout(a.y[l - 1]!, a.xin!, b.rows * D, drop, l);
        be.clear(a.dxin!);
      }
      for (let d = 0; d < dirsOf(cfg); d++) {
        const n = layerName(l, d);
        const wih = entry(this.layout, `${n}.W_ih`), bih = entry(this.layout, `${n}.b_ih`);
        const whh = entry(this.layout, `${n}.W_hh`), bhh = entry(this.layout, `${n}.b_hh`);
        const cache = a.cache[l]![d]!;
        // Backpropagation through time, last step first.
        if (this.recurrence === 'sequence') {
          this.run(cell.seqBwd, { ints: a.ints, w: this.params, cache, y: a.y[l]!, ext: a.ext[l]!, dh: a.dstate, dg: a.dg },
            { h: H, steps: b.steps, reverse: d, batch: b.batch, ld_ext: D, col_ext: d * H, off_w: whh.offset,
              off_offsets: this.off.offsets, off_lengths: this.off.lengths }, this.seqTunables.bwd);
        } else {
          const sched = stepSchedule(b, d === 1);
          for (let s = sched.length - 1; s >= 0; s--) {
            const tgt = sched[s]!, cur = sched[s + 1];
            this.run(cell.bwd, { w: this.params, cache, y: a.y[l]!, ext: a.ext[l]!, dh: a.dstate, dg: a.dg },
              { h: H, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: D, col_ext: d * H, off_w: whh.offset });
          }
        }
        // Weight gradients of all steps at once. dW_hh skips the forward direction's first position (packed
        // rows 0..offsets[1]-1): its h_prev is 0, so those rows add nothing (~1/mean length of the product).
        const p0 = d === 0 && b.steps > 0 ? b.offsets[1]! : 0;
        this.gemm({ a: cache, b: a.dg, c: this.grads, bias: this.params },
          { m: H, n: G, k: b.rows - p0, off_a: (p0 * cell.cache + cell.hprevCol) * H, lda: cell.cache * H, off_b: p0 * DG + cell.dghCol * H, ldb: DG, off_c: whh.offset, ldc: G }, { TRANS_A: 1 });
        // Both bias gradients in one dispatch: b_ih = colsum(dgx), b_hh = colsum(dgh). GRU: dg = [dgx | dgh],
        // 2G columns split in the middle; RNN/LSTM: dgx = dgh, G columns written to both.
        const twoHalves = cell.dghCol * H === G;
        this.run(colsumK, { a: a.dg, out: this.grads },
          { rows: b.rows, width: twoHalves ? 2 * G : G, off_a: 0, lda: DG, off_out: bih.offset, split: G, off_out2: bhh.offset, from2: twoHalves ? G : 0 });
        if (l === 0) {
          this.run(embedGradK, { ints: a.ints, dg: a.dg, out: this.grads },
            { vocab: inputRows(cfg), width: G, off_start: this.off.csrStart, off_rows: this.off.csrRows, off_dg: 0, ld_dg: DG, off_out: wih.offset });
        } else {
          this.gemm({ a: input!, b: a.dg, c: this.grads, bias: this.params },
            { m: D, n: G, k: b.rows, lda: D, ldb: DG, off_c: wih.offset, ldc: G }, { TRANS_A: 1 });
          // Gradient w.r.t. the layer's input, summed over directions into the layer below's ext.
          this.gemm({ a: a.dg, b: this.params, c: drop ? a.dxin! : a.ext[l - 1]!, bias: this.params },
            { m: b.rows, n: D, k: G, lda: DG, off_b: wih.offset, ldb: G, ldc: D }, { TRANS_B: 1, ACCUMULATE: 1 });
        }
      }
      if (l > 0 && drop) this.dropout(a.dxin!, a.ext[l - 1]!, b.rows * D, drop, l);
    }
  }

  /** Logits of the last forward pass, rows in the batch's sorted order (a language model: every packed row). */
  async readLogits(b: PackedBatch): Promise<Float32Array> {
    return (await this.be.read(this.act!.logits, 0, (this.lm ? b.rows : b.batch) * this.cfg.numClasses)) as Float32Array;
  }

  /**
   * Attention weights of the last forward pass: per row in the batch's sorted order (as readLogits), its
   * weights over positions 0..len-1 (they sum to 1; no position beyond a row's length has one).
   */
  async readAttention(b: PackedBatch): Promise<Float32Array[]> {
    if (!this.act!.att) throw new Error('this model has no attention');
    const att = (await this.be.read(this.act!.att, 0, b.rows)) as Float32Array;
    return b.lengths.map((len, r) => Float32Array.from({ length: len }, (_, t) => att[b.offsets[t]! + r]!));
  }

  /** Reads and resets the accumulated loss/accuracy counters. */
  async takeStats(): Promise<{ lossSum: number; correct: number; count: number; gradNorm: number; nonFinite: number }> {
    const s = await this.be.read(this.stats);
    this.be.clear(this.stats);
    return { lossSum: s[STATS.loss]!, correct: s[STATS.correct]!, count: s[STATS.count]!, gradNorm: s[STATS.gradNorm]!, nonFinite: s[STATS.nonFinite]! };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.freeActivations();
    for (const b of [this.params, this.grads, this.stats, this.classWeights]) this.be.destroy(b);
  }

  // ---- internals --------------------------------------------------------------------------------

  /** Offsets of the batch's integer sections inside `ints` (packing.ts intsLayout). */
  private off: IntsLayout = intsLayout({ rows: 0, batch: 0 }, 0);

  /**
   * Records one dispatch with the tuning's tunables for its shape. `fixed`: tunables that are part of the
   * call's meaning (gemm transposes, accumulation) or explicit overrides (the sequence kernels'); they win.
   */
  private run(k: KernelDef, bufs: Record<string, Buf>, p: Params, fixed?: Tunables): void {
    this.be.run(k, bufs, p, this.tuning.tunablesFor(k, p, fixed));
  }

  /** y = dropout(x) over n values with the step's mask number `site` (layer input l, or `layers` for the head). */
  private dropout(x: Buf, y: Buf, n: number, drop: Dropout, site: number): void {
    const seed = (drop.seed + Math.imul(site + 1, 0x9e3779b9)) >>> 0;
    this.run(dropoutK, { x, y }, { ...dropoutParams(n, drop.rate, seed), off_x: 0, off_y: 0 });
  }

  private gemm(bufs: { a: Buf; b: Buf; c: Buf; bias: Buf }, p: Partial<Record<string, number>>, fixed?: Tunables): void {
    const full = { off_a: 0, off_b: 0, off_c: 0, off_bias: 0, has_bias: 0, ...p } as Record<string, number>;
    this.run(gemmK, bufs, full, fixed);
  }

  private ensureCapacity(b: PackedBatch): void {
    const cap = this.act!.cap;
    if (b.batch <= cap.batch && b.rows <= cap.rows) return;
    this.freeActivations();
    this.allocate({ batch: Math.max(cap.batch, b.batch), rows: Math.max(cap.rows, b.rows) });
  }

  private allocate(cap: Capacity): void {
    const { cfg, cell, be } = this;
    const H = cfg.hidden, D = outWidth(cfg), C = cfg.numClasses;
    const N = cap.rows, B = cap.batch;
    this.off = intsLayout(cap, inputRows(cfg), this.lm);
    // The head's input and output are per name (classifier) or per packed row (language model).
    const HR = this.lm ? N : B;
    this.act = {
      cap,
      ints: be.create('batch-ints', this.off.total, 'u32'),
      y: Array.from({ length: cfg.layers }, (_, l) => be.create(`y${l}`, N * D)),
      ext: Array.from({ length: cfg.layers }, (_, l) => be.create(`ext${l}`, N * D)),
      cache: Array.from({ length: cfg.layers }, (_, l) => Array.from({ length: dirsOf(cfg) }, (_, d) => be.create(`cache-${layerName(l, d)}`, N * cell.cache * H))),
      xg: be.create('xg', N * cell.gates * H),
      dg: be.create('dg', N * cell.dg * H),
      dstate: be.create('dstate', N * cell.dstate * H),
      att: cfg.attention ? be.create('att', N) : null,
      datt: cfg.attention ? be.create('datt', N) : null,
      feat: be.create('feat', B * D),
      dfeat: be.create('dfeat', B * D),
      featIn: be.create('feat-in', HR * D),
      dfeatIn: be.create('dfeat-in', HR * D),
      xin: cfg.layers > 1 ? be.create('xin', N * D) : null,
      dxin: cfg.layers > 1 ? be.create('dxin', N * D) : null,
      logits: be.create('logits', HR * C),
      dlogits: be.create('dlogits', HR * C),
      part: this.lm ? be.create('row-loss', 2 * N) : null,
    };
  }

  private freeActivations(): void {
    const a = this.act;
    if (!a) return;
    for (const b of [a.ints, ...a.y, ...a.ext, ...a.cache.flat(), a.xg, a.dg, a.dstate, a.att, a.datt, a.feat, a.dfeat, a.featIn, a.dfeatIn, a.xin, a.dxin, a.logits, a.dlogits, a.part]) {
      if (b) this.be.destroy(b);
    }
    this.act = null;
  }

  private upload(b: PackedBatch): void {
    if (this.lm && (b.tokens.length !== 2 * b.rows || !b.targets)) throw new Error('a language model needs a batch packed by packLmBatch (two-hot inputs and targets)');
    this.be.write(this.act!.ints, packInts(b, this.off));
  }
}
