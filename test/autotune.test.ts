// Autotuning (src/tune/autotune.ts, cache.ts, train/tune_run.ts): what is measured, what is kept, and that a
// tuned run computes bit for bit what the fixed table's run does (results never depend on the cache).
import { describe, expect, it } from 'vitest';
import type { AdapterSummary } from '../src/core/backend.js';
import { resolveTunables, type Tunables } from '../src/core/kernel.js';
import { Rng } from '../src/core/rng.js';
import { GpuBackend } from '../src/gpu/backend.js';
import { DispatchRecorder } from '../src/gpu/recorder.js';
import { ALL_KERNELS, adamK, gemmK, gruStepFwdK } from '../src/kernels.js';
import type { ModelConfig } from '../src/model/config.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type TrainOptions } from '../src/train/trainer.js';
import { tuneForTraining } from '../src/train/tune_run.js';
import { autotune, groupDispatches, groupKey, sameTunables, TunedTuning, type GroupResult } from '../src/tune/autotune.js';
import { CacheFormatError, choicesFor, emptyCache, parseCache, withResults, type TuningCache, type TuningStore } from '../src/tune/cache.js';
import { GPU_TUNING, tuningFor } from '../src/tune/tuning.js';
import { testSeed } from './helpers/compare.js';
import { testDevice } from './helpers/device.js';
import { letterNames } from './helpers/batches.js';

const seed = testSeed();

const names = (rng: Rng, n: number) => letterNames(rng, n, 14, 4);
const data = (rng: Rng) => ({ train: names(rng, 120), test: names(rng, 30), languages: ['A', 'B', 'C', 'D'], split: { seed: 1, testFraction: 0.2, dedup: false } });
const options = (over: Partial<ModelConfig & TrainOptions>): TrainOptions => ({ ...DEFAULT_TRAIN_OPTIONS, epochs: 1, batchSize: 24, evalBatchSize: 48, seed, ...over });

function memoryStore(initial: TuningCache | null = null): TuningStore & { saved: number; cache: TuningCache | null } {
  return {
    where: 'memory', saved: 0, cache: initial,
    async load() {
      return this.cache;
    },
    async save(c) {
      this.cache = c;
      this.saved++;
    },
  };
}

describe('groups and the tuned table (no device)', () => {
  const fixed = tuningFor({ vendor: 'mesa', architecture: 'software', description: 'llvmpipe', software: true });
  it('a gemm group is its table choice and its n, k, not its rows', () => {
    const t = resolveTunables(gemmK, fixed.tunablesFor(gemmK, { m: 100, n: 384, k: 59 }));
    const a = groupKey(gemmK, t, { m: 100, n: 384, k: 59 });
    expect(groupKey(gemmK, t, { m: 7, n: 384, k: 59 })).toBe(a);
    expect(groupKey(gemmK, t, { m: 100, n: 384, k: 60 })).not.toBe(a);
    // A weight gradient (A transposed) reduces over the rows: k varies, m does not.
    const tt = { ...t, TRANS_A: 1 };
    expect(groupKey(gemmK, tt, { m: 128, n: 384, k: 300 })).toBe(groupKey(gemmK, tt, { m: 128, n: 384, k: 77 }));
    expect(groupKey(gemmK, tt, { m: 128, n: 384, k: 300 })).not.toBe(groupKey(gemmK, tt, { m: 64, n: 384, k: 300 }));
  });

  it('TunedTuning replaces the table choice only in the measured group', () => {
    const p = { n: 5000 };
    const base = resolveTunables(adamK, fixed.tunablesFor(adamK, p));
    const other = resolveTunables(adamK, { ...base, ...adamK.candidates![1]! });
    expect(sameTunables(base, other)).toBe(false);
    const tuned = new TunedTuning(fixed, new Map([[groupKey(adamK, base, p), other]]));
    expect(resolveTunables(adamK, tuned.tunablesFor(adamK, p))).toEqual(other);
    expect(resolveTunables(adamK, tuned.tunablesFor(adamK, { n: 5001 }))).toEqual(base);
    expect(tuned.tunablesFor(gruStepFwdK, { h: 32, n_cur: 4, n_prev: 4 })).toEqual(fixed.tunablesFor(gruStepFwdK, { h: 32, n_cur: 4, n_prev: 4 }));
  });

  it('every kernel with candidates says what its shape is, in params it has', () => {
    for (const k of ALL_KERNELS.filter((x) => x.candidates?.length)) {
      expect(k.tuneShape, k.name).toBeTypeOf('function');
    }
  });
});

describe('the cache', () => {
  const A: AdapterSummary = { vendor: 'v', architecture: 'a', description: 'd', software: false, id: 'v | a | x | d' };
  const B: AdapterSummary = { ...A, id: 'v | a | y | d' };
  const result = (key: string, best: Tunables): GroupResult => ({
    key, kernel: 'adam', shape: 'n=1', base: { WG: 8 }, best, baseUs: 2, bestUs: 1, dispatches: 1, params: {}, candidates: [],
  });
  it('keeps results per adapter, newer replacing older, and reads back what it wrote', () => {
    let c = withResults(null, A, [result('k1', { WG: 64 }), result('k2', { WG: 8 })]);
    c = withResults(c, B, [result('k1', { WG: 256 })]);
    c = withResults(c, A, [result('k1', { WG: 32 })]);
    const back = parseCache(JSON.stringify(c));
    expect(choicesFor(back, A)).toEqual(new Map([['k1', { WG: 32 }], ['k2', { WG: 8 }]]));
    expect(choicesFor(back, B)).toEqual(new Map([['k1', { WG: 256 }]]));
    expect(choicesFor(back, { ...A, id: 'another' }).size).toBe(0);
  });
  it('refuses what is not its format, and drops entries it cannot use', () => {
    expect(() => parseCache('{')).toThrow(CacheFormatError);
    expect(() => parseCache('{"format":"other"}')).toThrow(/not a webgpu-rnn-tuning file/);
    expect(() => parseCache(JSON.stringify({ ...emptyCache(), version: 2 }))).toThrow(/version 2/);
    const c = withResults(null, A, [result('good', { WG: 64 })]);
    (c.adapters[A.id!]!.groups as Record<string, unknown>).bad = { kernel: 'adam', best: { WG: -1 }, baseUs: 1, bestUs: 1 };
    expect([...choicesFor(parseCache(JSON.stringify(c)), A).keys()]).toEqual(['good']);
  });
});

describe(`autotuning on this adapter (TEST_SEED=${seed})`, () => {
  const models: [string, Partial<ModelConfig & TrainOptions>][] = [
    ['gru', { cell: 'gru', hidden: 24 }],
    ['bidirectional 2-layer lstm with attention and dropout', { cell: 'lstm', hidden: 12, layers: 2, bidirectional: true, attention: true, dropout: 0.3 }],
    ['rnn with sgd', { cell: 'rnn', hidden: 20, optimizer: 'sgd', momentum: 0.9 }],
    ['language model: gru x2', { task: 'generate', cell: 'gru', hidden: 16, layers: 2 }],
  ];
  for (const [label, over] of models) {
    it(`${label}: a run with any accepted candidate trains bit for bit like the fixed table`, async () => {
      const h = await testDevice();
      const rng = new Rng(seed);
      const d = data(rng);
      const opts = options(over);
      const fixed = tuningFor(h.summary);
      // Record one real step and measure every candidate of every group.
      const be0 = new GpuBackend(h.device, { adapter: h.summary });
      const rec = new DispatchRecorder(be0);
      const t0 = new Trainer(rec, opts, d);
      let measured: GroupResult[];
      try {
        rec.log = [];
        await t0.timeSteps({ seconds: 0, minSteps: 0, maxSteps: 0 });
        const groups = groupDispatches(rec.log);
        expect(groups.length).toBeGreaterThan(3);
        const r = await autotune(be0, rec.log, { budgetMs: Infinity });
        measured = r.measured;
        expect(r.left).toBe(0);
        expect(measured.map((g) => g.key).sort()).toEqual(groups.map((g) => g.key).sort());
      } finally {
        t0.dispose();
        be0.dispose();
      }
      // A choice per group that is NOT the fastest, only accepted: the first timed candidate.
      const choices = new Map<string, Tunables>();
      for (const g of measured) {
        const c = g.candidates.find((x) => x.us !== null);
        if (c) choices.set(g.key, c.tunables);
      }
      expect(choices.size).toBeGreaterThan(0);
      const run = async (tuned: boolean) => {
        const be = new GpuBackend(h.device, { adapter: h.summary });
        if (tuned) be.tuning = new TunedTuning(fixed, choices);
        const t = new Trainer(be, opts, d);
        try {
          const pre = await t.precompile();
          const epochs = await t.run();
          expect(be.pipelineCount(), 'pipelines the plan missed').toBe(pre.pipelines);
          return { params: await t.net.getParams(), loss: epochs[0]!.trainLoss, keys: be.pipelineCount() };
        } finally {
          t.dispose();
          be.dispose();
        }
      };
      const a = await run(false), b = await run(true);
      const ua = new Uint32Array(a.params.buffer), ub = new Uint32Array(b.params.buffer);
      expect(ub.length).toBe(ua.length);
      expect(ua.filter((x, i) => x !== ub[i]).length, 'parameters that differ in any bit').toBe(0);
      expect(b.loss).toBe(a.loss);
    });
  }

  it('a candidate that computes something else is rejected (grad_sumsq sums in another order)', async () => {
    const h = await testDevice();
    const be = new GpuBackend(h.device, { adapter: h.summary });
    const rec = new DispatchRecorder(be);
    const t = new Trainer(rec, options({ cell: 'gru', hidden: 16 }), data(new Rng(seed)));
    try {
      rec.log = [];
      await t.timeSteps({ seconds: 0, minSteps: 0, maxSteps: 0 });
      const r = await autotune(be, rec.log.filter((x) => x.k.name === 'grad_sumsq'), { budgetMs: Infinity });
      expect(r.measured).toHaveLength(1);
      const g = r.measured[0]!;
      expect(g.candidates.length).toBeGreaterThan(0);
      for (const c of g.candidates) expect(c.note).toBe('different results');
      expect(g.best).toBe(g.base);
    } finally {
      t.dispose();
      be.dispose();
    }
  });

  it('tuneForTraining measures what the cache lacks, within the budget, and keeps it', async () => {
    const h = await testDevice();
    const be = new GpuBackend(h.device, { adapter: h.summary });
    const store = memoryStore();
    const d = data(new Rng(seed));
    const opts = options({ cell: 'gru', hidden: 20 });
    try {
      // No budget: nothing measured, nothing saved, the table is the fixed one.
      const none = await tuneForTraining(be, opts, d, store, { budgetSeconds: 0 });
      expect(none.result.measured).toHaveLength(0);
      expect(none.result.left).toBe(none.groups);
      expect(store.saved).toBe(0);
      const first = await tuneForTraining(be, opts, d, store, { budgetSeconds: 600 });
      expect(first.result.measured.length).toBe(first.groups);
      expect(store.saved).toBe(1);
      const again = await tuneForTraining(be, opts, d, store, { budgetSeconds: 600 });
      expect(again.result.measured).toHaveLength(0);
      expect(again.result.known).toBe(first.groups);
      expect(store.saved).toBe(1);
      // Another hidden size is another shape: measured anew.
      const other = await tuneForTraining(be, { ...opts, hidden: 28 }, d, store, { budgetSeconds: 600 });
      expect(other.result.measured.length).toBeGreaterThan(0);
      // A store that cannot be read: the run goes on, measures, and does not save over it.
      const broken: TuningStore = { where: 'broken', load: async () => { throw new CacheFormatError('not JSON'); }, save: async () => { throw new Error('must not save'); } };
      const r = await tuneForTraining(be, opts, d, broken, { budgetSeconds: 600 });
      expect(r.problem).toMatch(/ignoring the tuning cache broken: not JSON/);
      expect(r.result.measured.length).toBe(r.groups);
      expect(r.tuning).not.toBe(GPU_TUNING);
    } finally {
      be.dispose();
    }
  });
});
