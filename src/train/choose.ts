// `--device auto` (CLI) and the page's automatic choice: time a few real training steps of the chosen model
// on each backend and train on the faster. Software WebGPU adapters (lavapipe, SwiftShader) and the plain
// TypeScript CPU path trade places with the model's size and the machine, so no fixed rule picks well; a
// measurement of the very model and batch does. Platform-neutral: the caller brings the backends.
import type { Backend } from '../core/backend.js';
import { Trainer, type TrainData, type TrainOptions } from './trainer.js';

export interface DeviceRate {
  kind: 'gpu' | 'cpu';
  /** Training names per second over the timed steps (compilation and a first warm-up step excluded). */
  namesPerSec: number;
  /** Steps timed. */
  steps: number;
  /** Seconds compiling the GPU's pipelines first (0 on the CPU); they stay compiled on that backend. */
  compileSeconds: number;
}

export interface MeasureBudget {
  /** Stop timing after this many seconds once `minSteps` are done. */
  seconds: number;
  minSteps: number;
  maxSteps: number;
}

export const DEFAULT_BUDGET: MeasureBudget = { seconds: 2, minSteps: 2, maxSteps: 30 };

/**
 * Names/s of training steps of this model on `be`: a throwaway Trainer (same options and data, so the real
 * run's state is untouched), its pipelines compiled first, one warm-up step, then timed steps until the
 * budget. `onCompile` reports compilation progress (GPU only).
 */
export async function measureTraining(be: Backend, opts: TrainOptions, data: TrainData, budget: MeasureBudget = DEFAULT_BUDGET,
  onCompile?: (done: number, total: number) => void): Promise<DeviceRate> {
  const trainer = new Trainer(be, { ...opts, epochs: 1 }, data);
  try {
    const pre = await trainer.precompile(onCompile);
    const r = await trainer.timeSteps(budget);
    return { kind: be.kind, namesPerSec: r.namesPerSec, steps: r.steps, compileSeconds: pre.seconds };
  } finally {
    trainer.dispose();
  }
}

/** The faster of the measured backends, and why, in words (both rates and the ratio). */
export function chooseFaster(gpu: DeviceRate | null, cpu: DeviceRate): { kind: 'gpu' | 'cpu'; reason: string } {
  const r = (x: DeviceRate) => `${Math.round(x.namesPerSec).toLocaleString('en-US')} names/s`;
  if (!gpu) return { kind: 'cpu', reason: `no WebGPU adapter; CPU path ${r(cpu)}` };
  const kind = gpu.namesPerSec >= cpu.namesPerSec ? 'gpu' : 'cpu';
  const fast = kind === 'gpu' ? gpu : cpu, slow = kind === 'gpu' ? cpu : gpu;
  const times = fast.namesPerSec / Math.max(1e-9, slow.namesPerSec);
  return { kind, reason: `WebGPU ${r(gpu)}, CPU path ${r(cpu)} (${gpu.steps} and ${cpu.steps} timed steps of this model): ${kind === 'gpu' ? 'WebGPU' : 'the CPU path'} is ${times.toFixed(1)}x faster` };
}
