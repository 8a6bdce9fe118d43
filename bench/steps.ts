// Whole training steps and epochs, as a trainer runs them: Network.forward(train) + backward +
// Optimizer.update + submit per batch, the stats read back every 20 steps, with the adapter's tuning (or an
// alternative Tuning, bench/variants.ts). Then a per-kernel breakdown of one step: every dispatch of the
// step is replayed on its own (DispatchTimer) and the device times are summed per kernel and tunables,
// which says where the step's time goes.
import { DispatchRecorder as RecordingBackend, type RecordedDispatch as Recorded } from '../src/gpu/recorder.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import type { DispatchTimer } from '../src/gpu/timer.js';
import type { Tuning } from '../src/tune/tuning.js';
import { autotune, type AutotuneResult } from '../src/tune/autotune.js';
import { cellSpec } from '../src/model/cells.js';
import type { CellType, ModelConfig } from '../src/model/config.js';
import { Network } from '../src/model/network.js';
import type { Recurrence } from '../src/tune/recurrence.js';
import { Optimizer } from '../src/model/optimizer.js';
import type { PackedBatch } from '../src/model/packing.js';
import { initParams } from '../src/model/params.js';
import { VOCAB_SIZE } from '../src/data/vocab.js';
import { batchAt, epochBatches, lmBatchAt, type BenchData } from './data.js';
import { lmConfig } from '../src/train/lm_symbols.js';
import type { Shape } from './options.js';
import type { StepAlternative } from './variants.js';

/** How often a trainer reads the stats (loss, accuracy, NaN count) back. */
export const STATS_EVERY = 20;

export interface BreakdownRow {
  /** Kernel name plus the dispatch's tunables (e.g. 'gemm TRANS_A,TM=8,TN=8,WG_X=8,WG_Y=1'). */
  kernel: string;
  dispatches: number;
  ms: number;
  pct: number;
}

export interface Throughput {
  batches: number;
  names: number;
  seconds: number;
  msPerBatch: number;
  namesPerSec: number;
  dispatchesPerBatch: number;
  submitsPerBatch: number;
}

export interface StepRow {
  model: string;
  /** The Tuning the network ran with (src/tune/tuning.ts entry name, or an alternative's). */
  tuning: string;
  /** What the alternative measured is (bench/variants.ts), null for production. */
  alternative: string | null;
  recurrence: Recurrence;
  cell: string;
  attention: boolean;
  shape: string;
  batch: number;
  hidden: number;
  params: number;
  /** Mean packed rows (sum of name lengths) per batch in the timed steps. */
  rows: number;
  /** Steady training steps over a rolling window of real batches. */
  step: Throughput;
  epoch: (Throughput & { partial: boolean }) | null;
  /** 3 x 2·rows·H·G·H: forward and backward recurrence and dW_hh (the rest is small, see README). */
  recurrentFlopsPerBatch: number;
  gflops: number;
  roofPct: number | null;
  breakdown: BreakdownRow[];
  /** The breakdown summed per kernel name (all tunables together), largest first. */
  byKernel: BreakdownRow[];
  /** Sum of the replayed dispatches' device times (compare with step.msPerBatch). */
  breakdownMs: number;
  /**
   * For an alternative: production ms/batch over the alternative's ms/batch, measured in alternating rounds
   * of a few steps each on two networks side by side (median of the rounds), so that both see the same load
   * from other processes on a shared machine; the separate ms/batch figures do not.
   */
  pairedSpeedup: number | null;
}

export interface StepOptions {
  quick: boolean;
  epoch: boolean;
  roofGflops: number | null;
  log: (s: string) => void;
  /** The language model (--task generate): loss at every position, two-hot inputs (model name '<cell>-lm'). */
  lm?: boolean;
}

/** Network + Optimizer for one configuration; null (with the reason) when the model code lacks it. */
function makeModel(rec: RecordingBackend, cfg: ModelConfig, cap: { batch: number; rows: number }, tuning: Tuning, recurrence?: Recurrence): { net: Network; opt: Optimizer } | string {
  try {
    cellSpec(cfg.cell);
  } catch (e) {
    return (e as Error).message;
  }
  const net = new Network(rec, cfg, cap, { tuning });
  if (recurrence) net.recurrence = recurrence;
  net.setParams(initParams(net.layout, 1));
  // The trainer's defaults: Adam, clipping at norm 1.
  const opt = new Optimizer(rec, net, { kind: 'adam', lr: 0.002, clip: 1 });
  return { net, opt };
}

/**
 * The autotuner (src/tune/autotune.ts) on one training step of this cell at this shape, with the fixed
 * `tuning`: what `webgpu-rnn tune` measures for the model, without the cache (the bench measures afresh).
 */
export async function autotuneStep(be: GpuBackend, d: BenchData, cell: CellType, shape: Shape, tuning: Tuning, recurrence: Recurrence, budgetMs: number): Promise<AutotuneResult> {
  const rec = new RecordingBackend(be);
  const cfg: ModelConfig = { cell, hidden: shape.hidden, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: d.classes };
  const longest = Math.max(...d.train.map((e) => e.ids.length));
  const m = makeModel(rec, cfg, { batch: shape.batch, rows: shape.batch * longest }, tuning, recurrence);
  if (typeof m === 'string') throw new Error(m);
  try {
    const b = batchAt(d, shape.batch, 0);
    rec.log = [];
    m.net.forward(b, true);
    m.net.backward(b);
    m.opt.update();
    rec.submit();
    await be.finish();
    return await autotune(be, rec.log, { budgetMs });
  } finally {
    m.opt.dispose();
    m.net.dispose();
    await be.finish();
  }
}

/** Whether the network records an attention kernel for an attention config (else it ignores the flag). */
export async function attentionSupported(be: GpuBackend, d: BenchData, tuning: Tuning): Promise<string | null> {
  const rec = new RecordingBackend(be);
  const cfg: ModelConfig = { cell: 'gru', hidden: 8, layers: 1, bidirectional: false, attention: true, vocabSize: VOCAB_SIZE, numClasses: d.classes };
  let net: Network | null = null;
  try {
    const b = batchAt(d, 4, 0);
    const m = makeModel(rec, cfg, { batch: 4, rows: b.rows }, tuning);
    if (typeof m === 'string') return m;
    net = m.net;
    rec.log = [];
    net.forward(b, true);
    net.backward(b);
    rec.submit();
    m.opt.dispose();
    if (!rec.log.some((r) => r.k.name.includes('attention'))) return 'Network does not dispatch an attention kernel for config.attention yet';
    return null;
  } catch (e) {
    return `attention config failed: ${(e as Error).message}`;
  } finally {
    net?.dispose();
    await be.finish();
  }
}

/** See StepRow.pairedSpeedup. */
async function pairedSpeedup(be: GpuBackend, d: BenchData, cfg: ModelConfig, shape: Shape, prod: Tuning, alt: Tuning, quick: boolean, recurrence: Recurrence): Promise<number | null> {
  const longest = Math.max(...d.train.map((e) => e.ids.length));
  const make = (t: Tuning) => {
    const rec = new RecordingBackend(be);
    const m = makeModel(rec, cfg, { batch: shape.batch, rows: shape.batch * longest }, t, recurrence);
    if (typeof m === 'string') throw new Error(m);
    return { rec, ...m };
  };
  const pair = [make(prod), make(alt)];
  const batches = Array.from({ length: 8 }, (_, j) => batchAt(d, shape.batch, j));
  let k = 0;
  const run = async (m: (typeof pair)[number], n: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const b = batches[k++ % batches.length]!;
      m.net.forward(b, true);
      m.net.backward(b);
      m.opt.update();
      m.rec.submit();
    }
    await be.finish();
    return (performance.now() - t0) / n;
  };
  try {
    for (const m of pair) await run(m, 1); // warm-up
    // Rounds of about 0.5 s per network at the production speed.
    const probe = await run(pair[0]!, 1);
    const n = Math.max(1, Math.min(8, Math.round(500 / probe)));
    const ratios: number[] = [];
    for (let r = 0; r < (quick ? 1 : 6); r++) ratios.push((await run(pair[0]!, n)) / (await run(pair[1]!, n)));
    ratios.sort((a, b) => a - b);
    return ratios[Math.floor(ratios.length / 2)]!;
  } finally {
    for (const m of pair) {
      m.opt.dispose();
      m.net.dispose();
    }
  }
}

/** 'gemm TRANS_A,TM=8,…', 'gru_step_fwd RB=10,TN=2,WG=8': the kernel and the dispatch's tunables. */
function breakdownKey(r: Recorded): string {
  const flags = Object.entries(r.t ?? {})
    .filter(([k, v]) => !(/^(TRANS_A|TRANS_B|ACCUMULATE)$/.test(k) && v === 0))
    .map(([k, v]) => (/^(TRANS_A|TRANS_B|ACCUMULATE)$/.test(k) ? k : `${k}=${v}`));
  return flags.length ? `${r.k.name} ${flags.join(',')}` : r.k.name;
}

/**
 * `recurrence`: the network's strategy ('step': a dispatch per position; 'sequence': one per layer and
 * direction); the caller passes what the CLI would choose for this adapter (src/tune/recurrence.ts) or the
 * other one for comparison.
 */
export async function runStepConfig(be: GpuBackend, timer: DispatchTimer, d: BenchData, cell: CellType, attention: boolean, shape: Shape, o: StepOptions, tuning: Tuning, alt: StepAlternative | undefined, recurrence: Recurrence, label = ''): Promise<StepRow | string> {
  const rec = new RecordingBackend(be);
  const cfg: ModelConfig = o.lm ? lmConfig({ cell, hidden: shape.hidden, layers: 1 }, d.classes)
    : { cell, hidden: shape.hidden, layers: 1, bidirectional: false, attention, vocabSize: VOCAB_SIZE, numClasses: d.classes };
  const longest = Math.max(...d.train.map((e) => e.ids.length)) + (o.lm ? 1 : 0);
  const batchOf = o.lm ? lmBatchAt : batchAt;
  const m = makeModel(rec, cfg, { batch: shape.batch, rows: shape.batch * longest }, alt?.tuning ?? tuning, recurrence);
  if (typeof m === 'string') return m;
  const { net, opt } = m;
  const spec = cellSpec(cell);
  const G = spec.gates * shape.hidden;
  const model = `${cell}${o.lm ? '-lm' : ''}${attention ? '+att' : ''}${alt ? `/${alt.label}` : ''}${label}`;
  let i = 0;
  const step = async (b: PackedBatch) => {
    net.forward(b, true);
    net.backward(b);
    opt.update();
    rec.submit();
    if (++i % STATS_EVERY === 0) await net.takeStats();
  };
  try {
    // Warm-up: pipelines compiled, bind groups made, buffers touched.
    for (let w = 0; w < (o.quick ? 1 : 3); w++) await step(batchOf(d, shape.batch, w));
    await be.finish();

    // Steady steps over a rolling window of real batches (packed up front: the step alone is timed).
    const nSteps = o.quick ? 3 : 40;
    const batches = Array.from({ length: nSteps }, (_, j) => batchOf(d, shape.batch, 3 + j));
    be.resetCounters();
    const t0 = performance.now();
    let done = 0;
    for (const b of batches) {
      await step(b);
      done++;
      // Long configurations: stop after ~6 s of steps (at least 10).
      if (!o.quick && done >= 10 && performance.now() - t0 > 6000) break;
    }
    await be.finish();
    const sec = (performance.now() - t0) / 1000;
    const used = batches.slice(0, done);
    const c = be.counters();
    const names = used.reduce((s, b) => s + b.batch, 0);
    const rows = used.reduce((s, b) => s + b.rows, 0) / done;
    const stepT: Throughput = {
      batches: done, names, seconds: sec, msPerBatch: (1000 * sec) / done, namesPerSec: names / sec,
      dispatchesPerBatch: c.dispatches / done, submitsPerBatch: c.submits / done,
    };
    o.log(`${model} ${shape.label}: ${stepT.msPerBatch.toFixed(1)} ms/batch, ${stepT.namesPerSec.toFixed(0)} names/s`);

    // Breakdown: record one step's dispatches, replay each alone, sum device time per kernel.
    const b0 = batches[0]!;
    rec.log = [];
    net.forward(b0, true);
    net.backward(b0);
    opt.update();
    const recorded = rec.log;
    rec.log = null;
    rec.submit();
    const per = new Map<string, BreakdownRow>();
    let sumMs = 0;
    for (const r of recorded) {
      const t = await timer.time(r.k, r.bufs, r.p, r.t, o.quick ? { reps: 1, samples: 1 } : { targetMs: 4, maxReps: 64, samples: 1 });
      if (!t) continue;
      const key = breakdownKey(r);
      const e = per.get(key) ?? { kernel: key, dispatches: 0, ms: 0, pct: 0 };
      e.dispatches++;
      e.ms += t.ms;
      sumMs += t.ms;
      per.set(key, e);
    }
    const breakdown = [...per.values()].sort((a, b) => b.ms - a.ms);
    for (const e of breakdown) e.pct = (100 * e.ms) / sumMs;
    const perName = new Map<string, BreakdownRow>();
    for (const e of breakdown) {
      const name = e.kernel.split(' ')[0]!;
      const t = perName.get(name) ?? { kernel: name, dispatches: 0, ms: 0, pct: 0 };
      t.dispatches += e.dispatches;
      t.ms += e.ms;
      t.pct += e.pct;
      perName.set(name, t);
    }
    const byKernel = [...perName.values()].sort((a, b) => b.ms - a.ms);
    await net.takeStats();

    // The epoch: every training batch of the shuffled split, packed on the fly as a trainer does.
    let epoch: StepRow['epoch'] = null;
    if (o.epoch) {
      const limit = o.quick ? 5 : Infinity;
      be.resetCounters();
      const e0 = performance.now();
      let nb = 0, nn = 0;
      for (const b of epochBatches(d, shape.batch, o.lm)) {
        if (nb >= limit) break;
        await step(b);
        nb++;
        nn += b.batch;
      }
      await net.takeStats();
      await be.finish();
      const es = (performance.now() - e0) / 1000;
      const ec = be.counters();
      epoch = {
        batches: nb, names: nn, seconds: es, msPerBatch: (1000 * es) / nb, namesPerSec: nn / es,
        dispatchesPerBatch: ec.dispatches / nb, submitsPerBatch: ec.submits / nb, partial: nb < Math.ceil(d.train.length / shape.batch),
      };
      o.log(`${model} ${shape.label}: epoch ${es.toFixed(1)} s (${nb} batches${epoch.partial ? ', partial' : ''})`);
    }

    const H = shape.hidden;
    const recurrentFlopsPerBatch = 3 * 2 * rows * H * G;
    const gflops = recurrentFlopsPerBatch / (stepT.msPerBatch * 1e6);
    return {
      model, tuning: (alt?.tuning ?? tuning).name, alternative: alt?.describe ?? null, recurrence, cell, attention, shape: shape.label, batch: shape.batch, hidden: H, params: net.layout.total, rows,
      step: stepT, epoch, recurrentFlopsPerBatch, gflops, roofPct: o.roofGflops ? (100 * gflops) / o.roofGflops : null,
      breakdown, byKernel, breakdownMs: sumMs,
      pairedSpeedup: alt ? await pairedSpeedup(be, d, cfg, shape, tuning, alt.tuning, o.quick, recurrence) : null,
    };
  } finally {
    opt.dispose();
    net.dispose();
    await be.finish();
  }
}
