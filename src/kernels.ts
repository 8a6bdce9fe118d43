// The kernel registry: each entry pairs one WGSL file with its CPU twin and its dispatch geometry.
// Bindings, params and tunables are read from the WGSL text itself (core/kernel.ts).
import { ceilDiv, type KernelDef } from './core/kernel.js';
import { attentionBwd, attentionFwd } from './cpu/kernels/attention.js';
import { colsum } from './cpu/kernels/colsum.js';
import { dropout } from './cpu/kernels/dropout.js';
import { embedGather } from './cpu/kernels/embed_gather.js';
import { embedGrad } from './cpu/kernels/embed_grad.js';
import { gemm } from './cpu/kernels/gemm.js';
import { gruStepBwd, gruStepFwd, gruStepFwdEmb } from './cpu/kernels/gru_step.js';
import { finalGather, finalScatter, softmaxCe } from './cpu/kernels/head.js';
import { rowCe, rowStats, sample } from './cpu/kernels/lm.js';
import { lstmStepBwd, lstmStepFwd } from './cpu/kernels/lstm_step.js';
import { adam, gradClip, gradSumsq, sgd } from './cpu/kernels/optim.js';
import { rnnStepBwd, rnnStepFwd } from './cpu/kernels/rnn_step.js';
import { gruSeqBwd, gruSeqFwd, lstmSeqBwd, lstmSeqFwd, rnnSeqBwd, rnnSeqFwd } from './cpu/kernels/seq.js';
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
import gruStepFwdEmbWgsl from '../shaders/gru_step_fwd_emb.wgsl';
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

const one = (): [number] => [1];

export const embedGatherK: KernelDef = {
  name: 'embed_gather',
  wgsl: embedGatherWgsl,
  cpu: embedGather,
  grid: (p, t) => [ceilDiv(p.width!, t.WG!), Math.min(p.n!, t.ROWS!, 65535)],
};

export const gemmK: KernelDef = {
  name: 'gemm',
  wgsl: gemmWgsl,
  cpu: gemm,
  grid: (p, t) => [ceilDiv(p.n!, t.WG_X! * t.TN!), ceilDiv(p.m!, t.WG_Y! * t.TM!)],
};

export const colsumK: KernelDef = {
  name: 'colsum',
  wgsl: colsumWgsl,
  cpu: colsum,
  grid: (p, t) => [ceilDiv(p.width!, t.WG!)],
};

export const embedGradK: KernelDef = {
  name: 'embed_grad',
  wgsl: embedGradWgsl,
  cpu: embedGrad,
  grid: (p, t) => [ceilDiv(p.width!, t.WG! * t.TC!), p.vocab!],
};

// Step kernels: an invocation owns TN (forward) / TK (backward) units for RB rows; see the WGSL headers.
const stepFwdGrid = (p: Record<string, number>, t: Record<string, number>): [number, number] => [ceilDiv(p.h!, t.WG! * t.TN!), ceilDiv(p.n_cur!, t.RB!)];
const stepBwdGrid = (p: Record<string, number>, t: Record<string, number>): [number, number] => [ceilDiv(p.h!, t.WG! * t.TK!), ceilDiv(p.n_tgt!, t.RB!)];

export const rnnStepFwdK: KernelDef = { name: 'rnn_step_fwd', wgsl: rnnStepFwdWgsl, cpu: rnnStepFwd, grid: stepFwdGrid };
export const rnnStepBwdK: KernelDef = { name: 'rnn_step_bwd', wgsl: rnnStepBwdWgsl, cpu: rnnStepBwd, grid: stepBwdGrid };
export const gruStepFwdK: KernelDef = { name: 'gru_step_fwd', wgsl: gruStepFwdWgsl, cpu: gruStepFwd, grid: stepFwdGrid };
export const gruStepBwdK: KernelDef = { name: 'gru_step_bwd', wgsl: gruStepBwdWgsl, cpu: gruStepBwd, grid: stepBwdGrid };
/** Layer 0's GRU step with the one-hot input projection folded in (replaces embed_gather + gru_step_fwd). */
export const gruStepFwdEmbK: KernelDef = { name: 'gru_step_fwd_emb', wgsl: gruStepFwdEmbWgsl, cpu: gruStepFwdEmb, grid: stepFwdGrid };

const featGrid = (p: Record<string, number>, t: Record<string, number>): [number, number] => [ceilDiv(p.dirs! * p.h!, t.WG!), Math.min(p.batch!, 65535)];
export const finalGatherK: KernelDef = { name: 'final_gather', wgsl: finalGatherWgsl, cpu: finalGather, grid: featGrid };
export const finalScatterK: KernelDef = { name: 'final_scatter', wgsl: finalScatterWgsl, cpu: finalScatter, grid: featGrid };

export const softmaxCeK: KernelDef = { name: 'softmax_ce', wgsl: softmaxCeWgsl, cpu: softmaxCe, grid: one };

export const gradSumsqK: KernelDef = {
  name: 'grad_sumsq',
  wgsl: gradSumsqWgsl,
  cpu: gradSumsq,
  grid: (p, t) => [ceilDiv(p.n!, t.WG! * t.ITEMS!)],
};
export const gradClipK: KernelDef = { name: 'grad_clip', wgsl: gradClipWgsl, cpu: gradClip, grid: one };
export const adamK: KernelDef = { name: 'adam', wgsl: adamWgsl, cpu: adam, grid: (p, t) => [ceilDiv(p.n!, t.WG! * t.ITEMS!)] };
export const sgdK: KernelDef = { name: 'sgd', wgsl: sgdWgsl, cpu: sgd, grid: (p, t) => [ceilDiv(p.n!, t.WG!)] };

export const lstmStepFwdK: KernelDef = { name: 'lstm_step_fwd', wgsl: lstmStepFwdWgsl, cpu: lstmStepFwd, grid: stepFwdGrid };
export const lstmStepBwdK: KernelDef = { name: 'lstm_step_bwd', wgsl: lstmStepBwdWgsl, cpu: lstmStepBwd, grid: stepBwdGrid };

// Whole recurrences in one dispatch: one workgroup per block of RB rows (blocks striding past the limit).
const seqGrid = (p: Record<string, number>, t: Record<string, number>): [number] => [Math.min(ceilDiv(p.batch!, t.RB!), 65535)];
export const rnnSeqFwdK: KernelDef = { name: 'rnn_seq_fwd', wgsl: rnnSeqFwdWgsl, cpu: rnnSeqFwd, grid: seqGrid };
export const rnnSeqBwdK: KernelDef = { name: 'rnn_seq_bwd', wgsl: rnnSeqBwdWgsl, cpu: rnnSeqBwd, grid: seqGrid };
export const gruSeqFwdK: KernelDef = { name: 'gru_seq_fwd', wgsl: gruSeqFwdWgsl, cpu: gruSeqFwd, grid: seqGrid };
export const gruSeqBwdK: KernelDef = { name: 'gru_seq_bwd', wgsl: gruSeqBwdWgsl, cpu: gruSeqBwd, grid: seqGrid };
export const lstmSeqFwdK: KernelDef = { name: 'lstm_seq_fwd', wgsl: lstmSeqFwdWgsl, cpu: lstmSeqFwd, grid: seqGrid };
export const lstmSeqBwdK: KernelDef = { name: 'lstm_seq_bwd', wgsl: lstmSeqBwdWgsl, cpu: lstmSeqBwd, grid: seqGrid };

// One workgroup per batch row (rows striding past the dispatch limit).
const rowGrid = (p: Record<string, number>): [number] => [Math.min(p.batch!, 65535)];
export const attentionFwdK: KernelDef = { name: 'attention_fwd', wgsl: attentionFwdWgsl, cpu: attentionFwd, grid: rowGrid };
export const attentionBwdK: KernelDef = { name: 'attention_bwd', wgsl: attentionBwdWgsl, cpu: attentionBwd, grid: rowGrid };

// Elementwise over n values, the grid folded into two dimensions past the 65535-workgroup limit.
export const dropoutK: KernelDef = {
  name: 'dropout',
  wgsl: dropoutWgsl,
  cpu: dropout,
  grid: (p, t) => {
    const groups = ceilDiv(p.n!, t.WG!);
    return [Math.max(1, Math.min(groups, 65535)), Math.max(1, ceilDiv(groups, 65535))];
  },
};

// Language model (src/generate/): the loss at every packed row, its deterministic sum, and the sampler.
export const rowCeK: KernelDef = { name: 'row_ce', wgsl: rowCeWgsl, cpu: rowCe, grid: (p, t) => [ceilDiv(p.rows!, t.WG!)] };
export const rowStatsK: KernelDef = { name: 'row_stats', wgsl: rowStatsWgsl, cpu: rowStats, grid: one };
export const sampleK: KernelDef = { name: 'sample', wgsl: sampleWgsl, cpu: sample, grid: (p, t) => [ceilDiv(p.batch!, t.WG!)] };

export const ALL_KERNELS: KernelDef[] = [
  embedGatherK, gemmK, colsumK, embedGradK,
  rnnStepFwdK, rnnStepBwdK, gruStepFwdK, gruStepBwdK, gruStepFwdEmbK,
  finalGatherK, finalScatterK, softmaxCeK,
  gradSumsqK, gradClipK, adamK, sgdK,
  lstmStepFwdK, lstmStepBwdK, attentionFwdK, attentionBwdK,
  rnnSeqFwdK, rnnSeqBwdK, gruSeqFwdK, gruSeqBwdK, lstmSeqFwdK, lstmSeqBwdK,
  dropoutK, rowCeK, rowStatsK, sampleK,
];
