// Which pipelines (kernel + tunables) a model will dispatch, found without a device: the Network and the
// Optimizer run once on a backend that only records, so the list comes from the same code and the same
// Tuning as the real run and cannot drift from it. Used to compile every pipeline up front (GpuBackend.
// precompile): software adapters compile a pipeline's machine code at its first dispatch, seconds each, and
// a run that meets them one by one stalls in its first steps with nothing on the screen.
import type { AdapterSummary, Backend, Buf, ElementType } from '../core/backend.js';
import { pipelineKey, resolveTunables, type KernelDef, type Params, type Tunables } from '../core/kernel.js';
import { VOCAB_SIZE } from '../data/vocab.js';
import { packLmBatch } from './lm_batches.js';
import { isGenerative, type ModelConfig } from '../model/config.js';
import { Network } from '../model/network.js';
import { Optimizer, type OptimizerOptions } from '../model/optimizer.js';
import { packBatch, type PackedBatch } from '../model/packing.js';
import type { Recurrence } from '../tune/recurrence.js';
import type { Tuning } from '../tune/tuning.js';

export interface PlannedPipeline {
  kernel: KernelDef;
  tunables: Tunables;
  /** pipelineKey(kernel, tunables): what GpuBackend caches the pipeline under. */
  key: string;
}

/** A Backend that records which pipelines non-empty dispatches would use, and nothing else. */
class RecordingBackend implements Backend {
  readonly kind = 'gpu' as const;
  readonly description = 'pipeline plan';
  readonly seen = new Map<string, PlannedPipeline>();
  constructor(readonly adapter?: AdapterSummary) {}
  create(label: string, size: number, type: ElementType = 'f32'): Buf {
    return { label, size, type };
  }
  destroy(): void {}
  write(): void {}
  clear(): void {}
  copy(): void {}
  run(k: KernelDef, _bufs: Record<string, Buf>, p: Params, t?: Tunables): void {
    const tunables = resolveTunables(k, t);
    const [x, y = 1, z = 1] = k.grid(p, tunables);
    if (x === 0 || y === 0 || z === 0) return; // never dispatched, never compiled
    const key = pipelineKey(k, tunables);
    if (!this.seen.has(key)) this.seen.set(key, { kernel: k, tunables, key });
  }
  submit(): void {}
  async read(buf: Buf, offset = 0, count?: number): Promise<Float32Array | Uint32Array> {
    const n = count ?? buf.size - offset;
    return buf.type === 'u32' ? new Uint32Array(n) : new Float32Array(n);
  }
  liveBuffers(): number {
    return 0;
  }
  counters(): { dispatches: number; submits: number } {
    return { dispatches: 0, submits: 0 };
  }
  resetCounters(): void {}
}

export interface PlanOptions {
  config: ModelConfig;
  recurrence: Recurrence;
  tuning: Tuning;
  /** Names per training step. */
  batchSize: number;
  optimizer: OptimizerOptions;
  /** Dropout rate while training (0: off). */
  dropout: number;
  /** The evaluation batches the run will use (their shapes pick the forward-only variants); may be empty. */
  evalBatches: readonly PackedBatch[];
  adapter?: AdapterSummary;
}

/**
 * Every pipeline a training run with these options dispatches: one training step on a batch whose names
 * have every length 1..batchSize (so each per-step kernel meets every active-row count a training batch can
 * have, hence every register block the tuning picks for one), then a forward pass over each evaluation batch.
 */
export function planPipelines(o: PlanOptions): PlannedPipeline[] {
  const be = new RecordingBackend(o.adapter);
  const B = o.batchSize;
  // A language model reads START + the name: names of 0..B-1 characters give the same lengths 1..B.
  const train = isGenerative(o.config)
    ? packLmBatch(Array.from({ length: B }, (_, i) => new Array<number>(i).fill(1)), new Array<number>(B).fill(0), o.config.conditions!)
    : packBatch(Array.from({ length: B }, (_, i) => new Array<number>(i + 1).fill(1)), new Array<number>(B).fill(0), VOCAB_SIZE);
  const rows = Math.max(train.rows, ...o.evalBatches.map((b) => b.rows));
  const batch = Math.max(B, ...o.evalBatches.map((b) => b.batch));
  const net = new Network(be, o.config, { batch, rows }, { recurrence: o.recurrence, tuning: o.tuning });
  const opt = new Optimizer(be, net, o.optimizer);
  net.forward(train, true, o.dropout > 0 ? { rate: o.dropout, seed: 1 } : undefined);
  net.backward(train);
  opt.update();
  for (const b of o.evalBatches) net.forward(b, false);
  return [...be.seen.values()];
}
