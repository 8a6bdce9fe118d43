// Autotuning for a training run (the CLI's `train` and `tune`, the page): one real training step of the
// model on its own data on a throwaway Trainer, recorded; then autotune.ts measures the candidates of every
// dispatch group the cache does not hold yet, within the budget; the results join the cache, and the
// returned Tuning (the fixed table with every cached choice of this adapter) is what the real run uses.
// Platform-neutral: the caller brings the backend and where the cache lives.
import type { GpuBackend } from '../gpu/backend.js';
import { DispatchRecorder } from '../gpu/recorder.js';
import { autotune, groupDispatches, sameTunables, TunedTuning, type AutotuneResult } from '../tune/autotune.js';
import { choicesFor, withResults, type TuningCache, type TuningStore } from '../tune/cache.js';
import { tuningFor, type Tuning } from '../tune/tuning.js';
import { Trainer, type TrainData, type TrainOptions } from './trainer.js';

/** The default budget of a training run's autotuning (`webgpu-rnn tune` takes longer by default). */
export const TRAIN_TUNE_SECONDS = 20;

export interface TuneRunOptions {
  budgetSeconds: number;
  /** Measure every group again, cached or not. */
  force?: boolean;
  onProgress?: (phase: 'compiling' | 'tuning', done: number, total: number) => void;
}

export interface TuneRun {
  tuning: Tuning;
  result: AutotuneResult;
  /** Groups of this model that use another choice than the fixed table's (cached and new). */
  changed: number;
  /** Groups of this model in all (with candidates). */
  groups: number;
  /** The model's pipelines compiled before the recorded step (they stay compiled on the backend). */
  compiled: { pipelines: number; seconds: number };
  where: string;
  /** Set when the cache could not be read or written (the run goes on with what it measured). */
  problem?: string;
}

export async function tuneForTraining(be: GpuBackend, opts: TrainOptions, data: TrainData, store: TuningStore, o: TuneRunOptions): Promise<TuneRun> {
  const adapter = be.adapter;
  if (!adapter) throw new Error('autotuning needs the GpuBackend to know its adapter');
  const fixed = tuningFor(adapter);
  let cache: TuningCache | null = null, problem: string | undefined;
  try {
    cache = await store.load();
  } catch (e) {
    problem = `ignoring the tuning cache ${store.where}: ${(e as Error).message} (measurements are not kept until it is removed)`;
  }
  const before = choicesFor(cache, adapter);
  const rec = new DispatchRecorder(be, adapter);
  const trainer = new Trainer(rec, { ...opts, epochs: 1 }, data);
  try {
    const pre = await trainer.precompile((d, t) => o.onProgress?.('compiling', d, t));
    rec.log = [];
    await trainer.timeSteps({ seconds: 0, minSteps: 0, maxSteps: 0 }); // one real step
    const log = rec.log;
    rec.log = null;
    const result = await autotune(be, log, {
      budgetMs: o.budgetSeconds * 1000, ...(o.force ? {} : { known: new Set(before.keys()) }),
      onProgress: (d, t) => o.onProgress?.('tuning', d, t),
    });
    if (result.measured.length) {
      cache = withResults(cache, adapter, result.measured);
      if (!problem) {
        try {
          await store.save(cache);
        } catch (e) {
          problem = `could not save the tuning cache ${store.where}: ${(e as Error).message}`;
        }
      }
    }
    const choices = choicesFor(cache, adapter);
    const tuning = new TunedTuning(fixed, choices);
    // This model's groups, and how many of them run with another choice than the fixed table's.
    const groups = groupDispatches(log);
    const changed = groups.filter((g) => choices.has(g.key) && !sameTunables(choices.get(g.key)!, g.base)).length;
    return { tuning, result, changed, groups: groups.length, compiled: pre, where: store.where, ...(problem ? { problem } : {}) };
  } finally {
    trainer.dispose();
  }
}
