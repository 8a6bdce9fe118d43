// The CLI's side of autotuning (src/tune/autotune.ts): which table a command uses (--tuning,
// $WEBGPU_RNN_TUNING), measuring before a training run, and the words and tables it prints.
import type { Backend } from '../core/backend.js';
import { GpuBackend } from '../gpu/backend.js';
import { nodeTuningStore } from '../node/tuning-store.js';
import { TunedTuning, type GroupResult } from '../tune/autotune.js';
import { choicesFor } from '../tune/cache.js';
import { tuningFor } from '../tune/tuning.js';
import type { TrainData, TrainOptions } from '../train/trainer.js';
import { tuneForTraining, type TuneRun } from '../train/tune_run.js';
import { UsageError } from './args.js';
import { note } from './common.js';
import type { ProgressBar } from './progress.js';

export type TuningMode = 'auto' | 'fixed';

/** --tuning, else $WEBGPU_RNN_TUNING, else auto. */
export function tuningMode(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): TuningMode {
  const v = flag ?? env.WEBGPU_RNN_TUNING ?? 'auto';
  if (v !== 'auto' && v !== 'fixed') throw new UsageError(`WEBGPU_RNN_TUNING must be auto or fixed (got '${v}')`);
  return v;
}

/**
 * Commands that do not train (eval, predict, generate) use what earlier runs measured on this adapter, and
 * measure nothing themselves (their dispatches are a forward pass: little to gain).
 */
export async function useCachedTuning(be: Backend, mode: TuningMode): Promise<void> {
  if (mode !== 'auto' || !(be instanceof GpuBackend) || !be.adapter) return;
  const store = nodeTuningStore();
  try {
    const choices = choicesFor(await store.load(), be.adapter);
    if (choices.size) be.tuning = new TunedTuning(tuningFor(be.adapter), choices);
  } catch (e) {
    note(`note: ignoring the tuning cache ${store.where}: ${(e as Error).message}`);
  }
}

/** Measures what the cache lacks for this model (within the budget) and gives the backend the result. */
export async function autotuneBackend(be: GpuBackend, opts: TrainOptions, data: TrainData, o: { budgetSeconds: number; force?: boolean; bar: ProgressBar }): Promise<TuneRun> {
  const r = await tuneForTraining(be, opts, data, nodeTuningStore(), {
    budgetSeconds: o.budgetSeconds, ...(o.force ? { force: true } : {}),
    onProgress: (phase, done, total) => o.bar.update(phase === 'compiling' ? 'compiling kernels' : 'tuning kernels', done, total,
      phase === 'compiling' ? 'pipelines (first run on this adapter; cached after)' : `kernel shapes measured (up to ${o.budgetSeconds} s, once per adapter)`),
  });
  o.bar.clear();
  if (r.problem) note(`note: ${r.problem}`);
  be.tuning = r.tuning;
  return r;
}

/** One line: what was measured now, what came from the cache, how many choices differ from the fixed table. */
export function describeTuneRun(r: TuneRun): string {
  const m = r.result.measured;
  const parts: string[] = [];
  if (m.length) {
    const gains = m.filter((g) => g.best !== g.base).map((g) => g.baseUs / g.bestUs);
    parts.push(`${m.length} kernel shape${m.length === 1 ? '' : 's'} measured in ${r.result.seconds.toFixed(1)} s` +
      (gains.length ? ` (${gains.length} faster than the fixed table, up to ${Math.max(...gains).toFixed(2)}x)` : ' (the fixed table was fastest)'));
  }
  if (r.result.known) parts.push(`${r.result.known} from ${r.where}`);
  if (r.result.left) parts.push(`${r.result.left} left for the next run or 'webgpu-rnn tune'`);
  if (!r.groups) return 'nothing to tune for this model';
  return `autotuned: ${parts.join('; ')}; ${r.changed} of ${r.groups} differ from the fixed table`;
}

const MEANING = /^(TRANS_A|TRANS_B|ACCUMULATE|EMB|HOTS)$/;

/** The tuning tunables of a choice (not the ones that say what the call computes). */
function show(t: Record<string, number>): string {
  return Object.keys(t).filter((k) => !MEANING.test(k)).sort().map((k) => `${k}=${t[k]}`).join(',');
}

/** The table `webgpu-rnn tune` prints: per kernel shape, the fixed table's choice and time, the winner's. */
export function tuneTable(measured: readonly GroupResult[]): string[] {
  const rows = measured.map((g) => {
    const rejected = g.candidates.filter((c) => c.us === null);
    const why = [...new Set(rejected.map((c) => c.note ?? ''))].join('; ');
    const flags = Object.keys(g.base).filter((k) => MEANING.test(k) && g.base[k]).sort();
    return [
      `${g.kernel}${flags.length ? ` ${flags.join(',')}` : ''} ${g.shape}`, String(g.dispatches), show(g.base), g.baseUs.toFixed(1),
      g.best === g.base ? '(fixed table)' : show(g.best), g.best === g.base ? '' : g.bestUs.toFixed(1),
      g.best === g.base ? '-' : `${(g.baseUs / g.bestUs).toFixed(2)}x`,
      `${g.candidates.length - rejected.length}/${g.candidates.length}${rejected.length ? ` (${why})` : ''}`,
    ];
  });
  const head = ['kernel and shape', 'dispatches', 'fixed table', 'µs', 'autotuned', 'µs', 'gain', 'candidates timed'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === 1 || i === 3 || i === 5 || i === 6 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd());
}
