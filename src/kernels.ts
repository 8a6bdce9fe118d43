// The kernel registry: ONE entry per kernel, everything the runtime, the tuner and the bench know about it:
// shaders/<name>.wgsl, its CPU twin src/cpu/kernels/<name>.ts, its dispatch geometry (grid), how the tuner
// chooses its tunables (tune) and what else is worth measuring (candidates), and its cost model (cost: FLOPs
// and least bytes, for the bench). Bindings, params and tunable defaults are read from the WGSL text
// (core/kernel.ts). Adding a kernel: ARCHITECTURE.md, "Adding a kernel".
import { ceilDiv, type Cost, type KernelDef, type Params, type StepBlock, type Tunables } from './core/kernel.js';
import { adam } from './cpu/kernels/adam.js';
import { attentionBwd } from './cpu/kernels/attention_bwd.js';
import { attentionFwd } from './cpu/kernels/attention_fwd.js';
import { colsum } from './cpu/kernels/colsum.js';
import { dropout } from './cpu/kernels/dropout.js';
import { embedGather } from './cpu/kernels/embed_gather.js';
import { embedGrad } from './cpu/kernels/embed_grad.js';
import { finalGather } from './cpu/kernels/final_gather.js';
import { finalScatter } from './cpu/kernels/final_scatter.js';
import { gemm } from './cpu/kernels/gemm.js';
import { gradClip } from './cpu/kernels/grad_clip.js';
import { gradSumsq } from './cpu/kernels/grad_sumsq.js';
import { gruSeqBwd } from './cpu/kernels/gru_seq_bwd.js';
import { gruSeqFwd } from './cpu/kernels/gru_seq_fwd.js';
import { gruStepBwd } from './cpu/kernels/gru_step_bwd.js';
import { gruStepFwd } from './cpu/kernels/gru_step_fwd.js';
import { lstmSeqBwd } from './cpu/kernels/lstm_seq_bwd.js';
import { lstmSeqFwd } from './cpu/kernels/lstm_seq_fwd.js';
import { lstmStepBwd } from './cpu/kernels/lstm_step_bwd.js';
import { lstmStepFwd } from './cpu/kernels/lstm_step_fwd.js';
import { rnnSeqBwd } from './cpu/kernels/rnn_seq_bwd.js';
import { rnnSeqFwd } from './cpu/kernels/rnn_seq_fwd.js';
import { rnnStepBwd } from './cpu/kernels/rnn_step_bwd.js';
import { rnnStepFwd } from './cpu/kernels/rnn_step_fwd.js';
import { sgd } from './cpu/kernels/sgd.js';
import { rowCe } from './cpu/kernels/row_ce.js';
import { rowStats } from './cpu/kernels/row_stats.js';
import { sample } from './cpu/kernels/sample.js';
import { softmaxCe } from './cpu/kernels/softmax_ce.js';
import adamWgsl from '../shaders/adam.wgsl';
import attentionBwdWgsl from '../shaders/attention_bwd.wgsl';
import attentionFwdWgsl from '../shaders/attention_fwd.wgsl';
import colsumWgsl from '../shaders/colsum.wgsl';
import dropoutWgsl from '../shaders/dropout.wgsl';
import embedGatherWgsl from '../shaders/embed_gather.wgsl';
import embedGradWgsl from '../shaders/embed_grad.wgsl';
import finalGatherWgsl from '../shaders/final_gather.wgsl';
import finalScatterWgsl from '../shaders/final_scatter.wgsl';
import gemmWgsl from '../shaders/gemm.wgsl';
import gradClipWgsl from '../shaders/grad_clip.wgsl';
import gradSumsqWgsl from '../shaders/grad_sumsq.wgsl';
import gruSeqBwdWgsl from '../shaders/gru_seq_bwd.wgsl';
import gruSeqFwdWgsl from '../shaders/gru_seq_fwd.wgsl';
import gruStepBwdWgsl from '../shaders/gru_step_bwd.wgsl';
import gruStepFwdWgsl from '../shaders/gru_step_fwd.wgsl';
import lstmSeqBwdWgsl from '../shaders/lstm_seq_bwd.wgsl';
import lstmSeqFwdWgsl from '../shaders/lstm_seq_fwd.wgsl';
import lstmStepBwdWgsl from '../shaders/lstm_step_bwd.wgsl';
import lstmStepFwdWgsl from '../shaders/lstm_step_fwd.wgsl';
import rnnSeqBwdWgsl from '../shaders/rnn_seq_bwd.wgsl';
import rowCeWgsl from '../shaders/row_ce.wgsl';
import rowStatsWgsl from '../shaders/row_stats.wgsl';
import sampleWgsl from '../shaders/sample.wgsl';
import rnnSeqFwdWgsl from '../shaders/rnn_seq_fwd.wgsl';
import rnnStepBwdWgsl from '../shaders/rnn_step_bwd.wgsl';
import rnnStepFwdWgsl from '../shaders/rnn_step_fwd.wgsl';
import sgdWgsl from '../shaders/sgd.wgsl';
import softmaxCeWgsl from '../shaders/softmax_ce.wgsl';
import seqWalkWgsl from '../shaders/lib/seq_walk.wgsl';

/** Bytes per element (f32 and u32 alike). */
const F = 4;
const one = (): [number] => [1];
type Cpu = KernelDef['cpu'];

export const embedGatherK: KernelDef = {
  name: 'embed_gather', wgsl: embedGatherWgsl, cpu: embedGather,
  grid: (p, t) => [ceilDiv(p.width!, t.WG!), Math.min(p.n!, t.ROWS!, 65535)],
  // One workgroup row per packed row (the WGSL default), and fewer rows.
  tuneShape: (p) => ({ width: p.width!, hots: p.hots! }),
  candidates: [{ ROWS: 65535 }, { ROWS: 8 }],
  // hots = 2 (a language model's two-hot input): a second row gathered and added per output.
  cost: (p) => {
    const h = p.hots ?? 1;
    return { flops: h * p.n! * p.width!, bytes: F * (h * p.n! + (h + 1) * p.n! * p.width!) };
  },
};

export const gemmK: KernelDef = {
  name: 'gemm', wgsl: gemmWgsl, cpu: gemm,
  grid: (p, t) => [ceilDiv(p.n!, t.WG_X! * t.TN!), ceilDiv(p.m!, t.WG_Y! * t.TM!)],
  tune: { kind: 'gemm' },
  // The previous probe's 1024^3 winner and the WGSL default tile.
  // The packed rows are m, or k for a weight gradient (A transposed).
  tuneShape: (p, t): Params => (t.TRANS_A ? { m: p.m!, n: p.n! } : { n: p.n!, k: p.k! }),
  candidates: [{ WG_X: 32, WG_Y: 1, TM: 4, TN: 8 }, { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 }],
  // A, B and the bias read once, C written (and read too when accumulating).
  cost: (p, _size, t) => ({
    flops: 2 * p.m! * p.n! * p.k!,
    bytes: F * (p.m! * p.k! + p.k! * p.n! + (p.has_bias ? p.n! : 0) + (t?.ACCUMULATE ? 2 : 1) * p.m! * p.n!),
  }),
};

export const colsumK: KernelDef = {
  name: 'colsum', wgsl: colsumWgsl, cpu: colsum,
  grid: (p, t) => [ceilDiv(p.width!, t.WG!)],
  // One SIMD row per workgroup (more workgroups to share between llvmpipe's threads: no gain measured).
  tuneShape: (p) => ({ width: p.width! }),
  candidates: [{ WG: 8 }],
  cost: (p) => ({ flops: p.rows! * p.width!, bytes: F * (p.rows! * p.width! + p.width!) }),
};

export const embedGradK: KernelDef = {
  name: 'embed_grad', wgsl: embedGradWgsl, cpu: embedGrad,
  grid: (p, t) => [ceilDiv(p.width!, t.WG! * t.TC!), p.vocab!],
  // One column per invocation (the WGSL default), and other columns per invocation.
  tuneShape: (p) => ({ width: p.width!, vocab: p.vocab! }),
  candidates: [{ WG: 64, TC: 1 }, { WG: 8, TC: 16 }, { WG: 8, TC: 48 }],
  cost: (p, size) => {
    const n = size('dg') / p.ld_dg!, V = p.vocab!, G = p.width!; // packed rows, from dg's extent
    return { flops: n * G, bytes: F * (2 * n + V + 1 + n * G + V * G) };
  },
};

// ---- recurrent steps: an invocation owns TN (forward) / TK (backward) units for RB rows (WGSL headers) ----
const stepFwdGrid = (p: Params, t: Tunables): [number, number] => [ceilDiv(p.h!, t.WG! * t.TN!), ceilDiv(p.n_cur!, t.RB!)];
const stepBwdGrid = (p: Params, t: Tunables): [number, number] => [ceilDiv(p.h!, t.WG! * t.TK!), ceilDiv(p.n_tgt!, t.RB!)];

/**
 * Register blocks [T, RB] within the accumulator budget (load-bound adapters pick among them per step).
 * Few per kernel: every block is a pipeline, and llvmpipe compiles each at its first dispatch (a GRU forward
 * block ~1-3 s on an idle 2-core machine). Over the names data's active-row counts (batch 64, GRU-128) the
 * load count with these is within 1.3% (forward) and 2.5% (backward) of six and seven blocks (2026-11-30,
 * bench/RESULTS.md "Warm-up"); backward blocks are powers of two (a 6-row block took 3-7x longer to compile).
 */
const GRU_FWD_BLOCKS: StepBlock[] = [[4, 4], [4, 12]]; // 3 gates x 4 x 12 = 144
const LSTM_FWD_BLOCKS: StepBlock[] = [[4, 4], [4, 8]]; // 4 gates x 4 x 8 = 128
const SQUARE_BLOCKS: StepBlock[] = [[8, 2], [8, 8], [8, 16]]; // 8 x 16 = 128
/** Other blockings worth measuring, as [WG, RB, T] (the GPU default first). */
const blocks = (T: 'TN' | 'TK', list: [number, number, number][]): Tunables[] => list.map(([WG, RB, v]) => ({ WG, RB, [T]: v }));

/** Per-cell widths in H: gates G, the cache row, dg and the carried state gradient (model/cells.ts). */
export interface CellWidths { gates: number; cache: number; dg: number; dstate: number }
export const RNN: CellWidths = { gates: 1, cache: 1, dg: 1, dstate: 1 };
export const GRU: CellWidths = { gates: 3, cache: 5, dg: 6, dstate: 1 };
export const LSTM: CellWidths = { gates: 4, cache: 7, dg: 4, dstate: 2 };

/** The recurrent product over rows with a previous state; xg, y and the cache of the active rows. */
const stepFwdCost = (c: CellWidths) => (p: Params): Cost => {
  const H = p.h!, G = c.gates * H, n = p.n_cur!, np = p.n_prev!;
  return { flops: 2 * np * H * G, bytes: F * (H * G + G + np * H + n * G + n * H + n * c.cache * H) };
};
/** The product dgh[cur] W_hh^T over rows active at cur; caches, ext, state gradients and dg at tgt. */
const stepBwdCost = (c: CellWidths) => (p: Params): Cost => {
  const H = p.h!, G = c.gates * H, n = p.n_tgt!, nc = p.n_cur!;
  return { flops: 2 * nc * H * G, bytes: F * (H * G + nc * G + (n + nc) * c.cache * H + n * H + (n + nc) * c.dstate * H + n * c.dg * H) };
};
const hOnly = (p: Params): Params => ({ h: p.h! });
const stepFwd = (name: string, wgsl: string, cpu: Cpu, c: CellWidths, bl: StepBlock[], alt: [number, number, number][]): KernelDef => ({
  name, wgsl, cpu, grid: stepFwdGrid, tune: { kind: 'step', dir: 'fwd', gates: c.gates, blocks: bl }, candidates: blocks('TN', alt), tuneShape: hOnly, cost: stepFwdCost(c),
});
const stepBwd = (name: string, wgsl: string, cpu: Cpu, c: CellWidths, bl: StepBlock[], alt: [number, number, number][]): KernelDef => ({
  name, wgsl, cpu, grid: stepBwdGrid, tune: { kind: 'step', dir: 'bwd', gates: c.gates, blocks: bl }, candidates: blocks('TK', alt), tuneShape: hOnly, cost: stepBwdCost(c),
});

export const rnnStepFwdK = stepFwd('rnn_step_fwd', rnnStepFwdWgsl, rnnStepFwd, RNN, SQUARE_BLOCKS, [[64, 2, 1], [8, 4, 8], [8, 8, 4]]);
export const rnnStepBwdK = stepBwd('rnn_step_bwd', rnnStepBwdWgsl, rnnStepBwd, RNN, SQUARE_BLOCKS, [[64, 2, 1], [8, 4, 8], [8, 8, 4]]);
/** With EMB = 1 (layer 0), the one-hot input projection is gathered in the step (no embed_gather, no xg). */
export const gruStepFwdK: KernelDef = {
  ...stepFwd('gru_step_fwd', gruStepFwdWgsl, gruStepFwd, GRU, GRU_FWD_BLOCKS, [[64, 2, 1], [8, 8, 2], [8, 5, 4], [16, 8, 4]]),
  // EMB: reads W_ih rows, tok and b_ih instead of xg.
  cost: (p, _size, t) => {
    const c = stepFwdCost(GRU)(p);
    return t?.EMB ? { flops: c.flops, bytes: c.bytes + F * (p.n_cur! + 3 * p.h!) } : c;
  },
};
export const gruStepBwdK = stepBwd('gru_step_bwd', gruStepBwdWgsl, gruStepBwd, GRU, SQUARE_BLOCKS, [[64, 2, 1], [8, 4, 8], [8, 16, 4], [8, 8, 4]]);
export const lstmStepFwdK = stepFwd('lstm_step_fwd', lstmStepFwdWgsl, lstmStepFwd, LSTM, LSTM_FWD_BLOCKS, [[64, 2, 1], [8, 4, 2], [8, 4, 4]]);
export const lstmStepBwdK = stepBwd('lstm_step_bwd', lstmStepBwdWgsl, lstmStepBwd, LSTM, SQUARE_BLOCKS, [[64, 2, 1], [8, 4, 8], [8, 8, 4]]);

// ---- whole recurrences in one dispatch: one workgroup per block of RB rows (blocks striding past the limit) ----
// Each walks the time schedule with the shared functions of shaders/lib/seq_walk.wgsl, prepended here.
const seqGrid = (p: Params, t: Tunables): [number] => [Math.min(ceilDiv(p.batch!, t.RB!), 65535)];
const seqFwd = (name: string, wgsl: string, cpu: Cpu, c: CellWidths): KernelDef => ({
  name, wgsl: `${seqWalkWgsl}\n${wgsl}`, cpu, grid: seqGrid, tune: { kind: 'seq', dir: 'fwd', gates: c.gates },
  cost: (p, size) => {
    const H = p.h!, G = c.gates * H, N = size('y') / p.ld_y!; // packed rows
    return { flops: 2 * N * H * G, bytes: F * (H * G + G + N * G + N * H + N * c.cache * H) };
  },
});
const seqBwd = (name: string, wgsl: string, cpu: Cpu, c: CellWidths): KernelDef => ({
  name, wgsl: `${seqWalkWgsl}\n${wgsl}`, cpu, grid: seqGrid, tune: { kind: 'seq', dir: 'bwd', gates: c.gates },
  cost: (p, size) => {
    const H = p.h!, G = c.gates * H, N = size('ext') / p.ld_ext!;
    return { flops: 2 * N * H * G, bytes: F * (H * G + N * c.cache * H + 2 * N * H + N * c.dstate * H + N * c.dg * H) };
  },
});
export const rnnSeqFwdK = seqFwd('rnn_seq_fwd', rnnSeqFwdWgsl, rnnSeqFwd, RNN);
export const rnnSeqBwdK = seqBwd('rnn_seq_bwd', rnnSeqBwdWgsl, rnnSeqBwd, RNN);
export const gruSeqFwdK = seqFwd('gru_seq_fwd', gruSeqFwdWgsl, gruSeqFwd, GRU);
export const gruSeqBwdK = seqBwd('gru_seq_bwd', gruSeqBwdWgsl, gruSeqBwd, GRU);
export const lstmSeqFwdK = seqFwd('lstm_seq_fwd', lstmSeqFwdWgsl, lstmSeqFwd, LSTM);
export const lstmSeqBwdK = seqBwd('lstm_seq_bwd', lstmSeqBwdWgsl, lstmSeqBwd, LSTM);

// ---- the head ----
const featGrid = (p: Params, t: Tunables): [number, number] => [ceilDiv(p.dirs! * p.h!, t.WG!), Math.min(p.batch!, 65535)];
export const finalGatherK: KernelDef = {
  name: 'final_gather', wgsl: finalGatherWgsl, cpu: finalGather, grid: featGrid,
  cost: (p) => ({ flops: 0, bytes: F * (p.batch! + 2 * p.batch! * p.dirs! * p.h!) }),
};
export const finalScatterK: KernelDef = {
  name: 'final_scatter', wgsl: finalScatterWgsl, cpu: finalScatter, grid: featGrid,
  cost: (p) => ({ flops: p.batch! * p.dirs! * p.h!, bytes: F * (p.batch! + 3 * p.batch! * p.dirs! * p.h!) }),
};
export const softmaxCeK: KernelDef = {
  name: 'softmax_ce', wgsl: softmaxCeWgsl, cpu: softmaxCe, grid: one,
  // max, exp+sum, and exp/div/sub/mul for the gradient, per logit
  cost: (p) => ({ flops: 8 * p.batch! * p.classes!, bytes: F * (p.batch! + 2 * p.batch! * p.classes!) }),
};

// One workgroup per batch row (rows striding past the dispatch limit); packed rows N from alpha's extent.
const rowGrid = (p: Params): [number] => [Math.min(p.batch!, 65535)];
export const attentionFwdK: KernelDef = {
  name: 'attention_fwd', wgsl: attentionFwdWgsl, cpu: attentionFwd, grid: rowGrid,
  cost: (p, size) => {
    const N = size('alpha'), D = p.d!;
    return { flops: 4 * N * D, bytes: F * (N * D + N + p.batch! * D) };
  },
};
export const attentionBwdK: KernelDef = {
  name: 'attention_bwd', wgsl: attentionBwdWgsl, cpu: attentionBwd, grid: rowGrid,
  cost: (p, size) => {
    const N = size('alpha'), D = p.d!;
    return { flops: 6 * N * D, bytes: F * (3 * N * D + 2 * N + p.batch! * D) };
  },
};

// Elementwise over n values, the grid folded into two dimensions past the 65535-workgroup limit.
export const dropoutK: KernelDef = {
  name: 'dropout', wgsl: dropoutWgsl, cpu: dropout,
  grid: (p, t) => {
    const groups = ceilDiv(p.n!, t.WG!);
    return [Math.max(1, Math.min(groups, 65535)), Math.max(1, ceilDiv(groups, 65535))];
  },
  // hash of the index (~10 integer ops), compare, multiply: an order of magnitude
  cost: (p) => ({ flops: 12 * p.n!, bytes: F * 2 * p.n! }),
};
/** Params for dropping a fraction `rate` of n values with a per-step seed. */
export function dropoutParams(n: number, rate: number, seed: number): { n: number; seed: number; threshold: number; scale: number } {
  return { n, seed: seed >>> 0, threshold: Math.min(0xffffffff, Math.round(rate * 2 ** 32)), scale: Math.fround(1 / (1 - rate)) }; // f32, as the uniform holds it
}

// ---- the update ----
export const gradSumsqK: KernelDef = {
  name: 'grad_sumsq', wgsl: gradSumsqWgsl, cpu: gradSumsq,
  grid: (p, t) => [ceilDiv(p.n!, t.WG! * t.ITEMS!)],
  // 256 x 16 elements per workgroup (the WGSL default), and other chunks.
  tuneShape: (p) => ({ n: p.n! }),
  candidates: [{ WG: 256, ITEMS: 16 }, { WG: 8, ITEMS: 64 }, { WG: 64, ITEMS: 64 }],
  cost: (p, _size, t) => ({ flops: 2 * p.n!, bytes: F * (p.n! + ceilDiv(p.n!, (t?.WG ?? 256) * (t?.ITEMS ?? 16))) }),
};
export const gradClipK: KernelDef = {
  name: 'grad_clip', wgsl: gradClipWgsl, cpu: gradClip, grid: one,
  cost: (p) => ({ flops: p.parts!, bytes: F * (p.parts! + 8) }),
};
export const adamK: KernelDef = {
  name: 'adam', wgsl: adamWgsl, cpu: adam,
  grid: (p, t) => [ceilDiv(p.n!, t.WG! * t.ITEMS!)],
  // One element per invocation in 256-wide workgroups (the WGSL default), and other blockings.
  tuneShape: (p) => ({ n: p.n! }),
  candidates: [{ WG: 256, ITEMS: 1 }, { WG: 64, ITEMS: 8 }, { WG: 64, ITEMS: 4 }],
  cost: (p) => ({ flops: 13 * p.n!, bytes: F * 7 * p.n! }),
};
export const sgdK: KernelDef = {
  name: 'sgd', wgsl: sgdWgsl, cpu: sgd,
  grid: (p, t) => [ceilDiv(p.n!, t.WG!)],
  cost: (p) => ({ flops: 5 * p.n!, bytes: F * 5 * p.n! }),
};

// ---- language model (src/generate/): the loss at every packed row, its deterministic sum, the sampler ----
export const rowCeK: KernelDef = {
  name: 'row_ce', wgsl: rowCeWgsl, cpu: rowCe,
  grid: (p, t) => [ceilDiv(p.rows!, t.WG!)],
  // as softmax_ce per logit, over every packed row; reads targets, writes dlogits and two partials per row
  cost: (p) => ({ flops: 8 * p.rows! * p.classes!, bytes: F * (p.rows! + 2 * p.rows! * p.classes! + 2 * p.rows!) }),
};
export const rowStatsK: KernelDef = {
  name: 'row_stats', wgsl: rowStatsWgsl, cpu: rowStats, grid: one,
  cost: (p) => ({ flops: 2 * p.rows!, bytes: F * (2 * p.rows! + 3) }),
};
export const sampleK: KernelDef = {
  name: 'sample', wgsl: sampleWgsl, cpu: sample,
  grid: (p, t) => [ceilDiv(p.batch!, t.WG!)],
  // max, exp+sum and the tempered weights per logit (top-k adds classes² compares per row); one pick per row
  cost: (p) => ({
    flops: p.batch! * p.classes! * (8 + (p.top_k ? p.classes! : 0)),
    bytes: F * (p.batch! * p.classes! + 3 * p.batch!),
  }),
};

export const ALL_KERNELS: KernelDef[] = [
  embedGatherK, gemmK, colsumK, embedGradK,
  rnnStepFwdK, rnnStepBwdK, gruStepFwdK, gruStepBwdK,
  finalGatherK, finalScatterK, softmaxCeK,
  gradSumsqK, gradClipK, adamK, sgdK,
  lstmStepFwdK, lstmStepBwdK, attentionFwdK, attentionBwdK,
  rnnSeqFwdK, rnnSeqBwdK, gruSeqFwdK, gruSeqBwdK, lstmSeqFwdK, lstmSeqBwdK,
  dropoutK, rowCeK, rowStatsK, sampleK,
];
