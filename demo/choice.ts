// Which device trains: the form's Device ('auto' by default) and, for 'auto', a measurement — a few real
// training steps of the chosen model on WebGPU and on the CPU path (src/train/choose.ts, as the CLI's
// --device auto) — then the faster, with both rates and an estimated time shown under the form. Software
// adapters (SwiftShader in Chrome without a GPU) are often slower than the CPU path for small models, so
// no fixed rule would do. Measurements are kept per settings (a changed model measures again).
import { GpuBackend } from '../src/gpu/backend.js';
import { chooseFaster, measureTraining, type DeviceRate } from '../src/train/choose.js';
import { tuneForTraining } from '../src/train/tune_run.js';
import { browserTuningStore } from './tuning-store.js';
import { SettingsError, type Settings } from './controls.js';
import type { LoadedNames } from './data.js';
import { trainData } from './data.js';
import { byId, int } from './dom.js';
import type { Engine } from './engine.js';

export interface Choice {
  engine: Engine;
  /** Both rates when measured ('auto' with WebGPU present). */
  gpu: DeviceRate | null;
  cpu: DeviceRate | null;
  reason: string;
  /** Estimated seconds for the whole run at the chosen rate (training and the per-epoch tests). */
  estimate: number | null;
  /** WebGPU: what the autotuner did for this model. */
  tuned?: string;
}

/** The page's autotuning budget (the CLI's train: 20 s). */
const TUNE_SECONDS = 10;

const BUDGET = { seconds: 1.5, minSteps: 2, maxSteps: 20 };

export class DeviceChooser {
  private cache = new Map<string, Choice>();
  /** Measurements one at a time (a preview and a Train press share the backends). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly box = byId('device-choice');

  constructor(private readonly engines: () => { gpu: Engine | null; cpu: Engine }) {}

  /** The engine for these settings, measuring when 'auto' needs it; shows the choice and the estimate. */
  choose(names: LoadedNames, s: Settings): Promise<Choice> {
    const next = this.queue.then(() => this.chooseNow(names, s));
    this.queue = next.catch(() => {});
    return next;
  }

  private async chooseNow(names: LoadedNames, s: Settings): Promise<Choice> {
    const key = JSON.stringify([s.options, s.limit, s.device, Boolean(this.engines().gpu)]);
    const hit = this.cache.get(key);
    if (hit) return this.show(hit, s);
    const { gpu, cpu } = this.engines();
    const data = trainData(names.data, s.limit, s.options.seed);
    const estimate = (rate: DeviceRate | null) =>
      rate && rate.namesPerSec > 0 ? s.options.epochs * (data.train.length + data.test.length / 3) / rate.namesPerSec : null;
    let c: Choice;
    if (s.device === 'cpu' || (s.device === 'auto' && !gpu)) {
      c = { engine: cpu, gpu: null, cpu: null, reason: s.device === 'cpu' ? 'the CPU path, as set in the form' : 'the CPU path: no WebGPU here', estimate: null };
    } else if (s.device === 'gpu') {
      if (!gpu) throw new SettingsError('Device: this browser has no WebGPU adapter; choose auto or the CPU path', 'device');
      c = { engine: gpu, gpu: null, cpu: null, reason: 'WebGPU, as set in the form', estimate: null };
    } else {
      this.box.dataset.choice = 'measuring';
      this.box.textContent = 'Measuring a few training steps of this model on WebGPU and on the CPU path…';
      const opts = { ...s.options };
      const g = await measureTraining(gpu!.be, opts, data, BUDGET);
      const p = await measureTraining(cpu.be, opts, data, BUDGET);
      const f = chooseFaster(g, p);
      c = { engine: f.kind === 'gpu' ? gpu! : cpu, gpu: g, cpu: p, reason: f.reason, estimate: estimate(f.kind === 'gpu' ? g : p) };
    }
    if (c.engine.kind === 'gpu' && c.engine.be instanceof GpuBackend && c.engine.be.adapter) {
      // Tuned for this adapter and model once the GPU is the choice (src/tune/autotune.ts; kept in browser
      // storage, so only a model's first run measures).
      this.box.dataset.choice = 'tuning';
      this.box.textContent = `Runs on WebGPU. Measuring this model's kernels on this adapter (once per model, up to ${TUNE_SECONDS} s)…`;
      try {
        const r = await tuneForTraining(c.engine.be, { ...s.options }, data, browserTuningStore(), { budgetSeconds: TUNE_SECONDS });
        c.engine.be.tuning = r.tuning;
        c.tuned = `kernels tuned for this adapter: ${r.changed} of ${r.groups} shapes run faster settings than the built-in table${r.result.left ? ` (${r.result.left} left for the next run)` : ''}`;
      } catch (e) {
        c.tuned = `kernel tuning skipped: ${(e as Error).message}`;
      }
    }
    this.cache.set(key, c);
    return this.show(c, s);
  }

  /** The last choice no longer holds (settings changed): say so until the next measurement. */
  stale(): void {
    this.box.dataset.choice = 'none';
    this.box.textContent = 'The device is chosen (and the time estimated) for these settings when you press Train.';
  }

  private show(c: Choice, s: Settings): Choice {
    const where = c.engine.kind === 'gpu' ? 'WebGPU' : 'the CPU path';
    this.box.dataset.choice = c.engine.kind;
    if (c.gpu) this.box.dataset.gpuRate = c.gpu.namesPerSec.toFixed(1);
    else delete this.box.dataset.gpuRate;
    if (c.cpu) this.box.dataset.cpuRate = c.cpu.namesPerSec.toFixed(1);
    else delete this.box.dataset.cpuRate;
    if (c.estimate !== null) this.box.dataset.estimate = c.estimate.toFixed(1);
    else delete this.box.dataset.estimate;
    const measured = c.gpu && c.cpu ? `${c.reason}.` : `${c.reason[0]!.toUpperCase()}${c.reason.slice(1)}.`;
    this.box.textContent = `Runs on ${where}. ${measured}` +
      (c.tuned ? ` ${c.tuned[0]!.toUpperCase()}${c.tuned.slice(1)}.` : '') +
      (c.estimate !== null ? ` Estimated time for ${s.options.epochs} epoch${s.options.epochs === 1 ? '' : 's'}: ${formatSeconds(c.estimate)}.` : '');
    return c;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `about ${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `about ${int(Math.round(s / 60))} min`;
  return `about ${(s / 3600).toFixed(1)} h`;
}
