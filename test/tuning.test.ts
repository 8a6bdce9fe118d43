// The tuning table (src/tune/tuning.ts): which entry an adapter gets, that every entry gives every kernel
// only tunables its WGSL declares (within the portability limits), that the step kernels' register blocks
// follow the active rows, and that whole networks train the same with every entry as on the CPU (the kernel
// tests run every combination of tunables the entries produce against the CPU twins).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { resolveTunables, type Params } from '../src/core/kernel.js';
import { Rng } from '../src/core/rng.js';
import { GpuBackend } from '../src/gpu/backend.js';
import { GPU_TUNING, TUNINGS, tuningFor, tuningForBackend } from '../src/tune/tuning.js';
import { ALL_KERNELS, gruStepBwdK, gruStepFwdK } from '../src/kernels.js';
import type { ModelConfig } from '../src/model/config.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer } from '../src/train/trainer.js';
import { testSeed } from './helpers/compare.js';
import { testDevice, withDevice } from './helpers/device.js';
import { compareSides, randomBatches, tinyConfig } from './helpers/model.js';

const seed = testSeed();
const LAVAPIPE = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)', software: true };
const H100 = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100', software: false };

/** Params of a dispatch of each kernel at a training-like shape (only what tunablesFor may read). */
function shapes(kernel: string): Params[] {
  if (/_step_fwd$/.test(kernel)) return [1, 3, 35, 64, 256].map((n) => ({ h: 128, n_cur: n, n_prev: n }));
  if (/_step_bwd$/.test(kernel)) return [1, 3, 35, 64, 256].map((n) => ({ h: 130, n_tgt: n, n_cur: n }));
  if (/_seq_/.test(kernel)) return [{ h: 13 }, { h: 128 }, { h: 512 }];
  if (kernel === 'gemm') return [{ m: 453, n: 384, k: 128 }, { m: 64, n: 18, k: 128 }, { m: 128, n: 1, k: 453 }];
  return [{}];
}

describe('tuning table', () => {
  it('lavapipe gets its entry; real GPUs, unknown adapters and the CPU backend the defaults', () => {
    expect(tuningFor(LAVAPIPE).name).toBe('lavapipe');
    expect(tuningFor(H100)).toBe(GPU_TUNING);
    expect(tuningFor(undefined)).toBe(GPU_TUNING);
    expect(tuningForBackend(new CpuBackend())).toBe(GPU_TUNING);
    expect(tuningForBackend({ kind: 'gpu', adapter: LAVAPIPE }).name).toBe('lavapipe');
    expect(tuningForBackend({ kind: 'gpu' })).toBe(GPU_TUNING);
  });

  it('every entry gives every kernel only declared tunables, within 256 invocations, and the fixed ones win', () => {
    for (const t of TUNINGS) {
      for (const k of ALL_KERNELS) {
        for (const p of shapes(k.name)) {
          const fixed: Record<string, number> = k.name === 'gemm' ? { TRANS_A: 1, ACCUMULATE: 1 } : {};
          const got = t.tunablesFor(k, p, fixed);
          const all = resolveTunables(k, got); // throws on a name the WGSL does not declare
          expect(all.WG ?? all.WG_X! * all.WG_Y!, `${t.name} ${k.name}`).toBeLessThanOrEqual(256);
          for (const [name, v] of Object.entries(fixed)) expect(got[name]).toBe(v);
        }
      }
    }
  });

  it('step kernels: register blocks follow the active rows (lavapipe: fewer rows and more units for small steps)', () => {
    const t = tuningFor(LAVAPIPE);
    const fwd = (n: number) => t.tunablesFor(gruStepFwdK, { h: 128, n_cur: n });
    const bwd = (n: number) => t.tunablesFor(gruStepBwdK, { h: 128, n_tgt: n });
    expect(fwd(1)).toMatchObject({ RB: 4, TN: 4, WG: 8 });
    expect(bwd(1)).toMatchObject({ RB: 2, TK: 8 });
    expect(fwd(64)).toMatchObject({ RB: 12, TN: 4 });
    expect(bwd(64)).toMatchObject({ RB: 16, TK: 8 });
    for (let n = 1; n <= 300; n++) {
      const f = fwd(n), b = bwd(n);
      expect(3 * f.TN! * f.RB!).toBeLessThanOrEqual(144); // accumulators per invocation
      expect(b.TK! * b.RB!).toBeLessThanOrEqual(128);
      // Never mostly idle rows (few blocks per kernel, see tuning.ts: up to 2/3 of a small step's block).
      expect(Math.max(f.RB!, b.RB!), `n ${n}`).toBeLessThanOrEqual(Math.max(4, 3 * n));
    }
    // Real GPUs: one unit per invocation, 64 invocations, small blocks for small steps.
    expect(GPU_TUNING.tunablesFor(gruStepFwdK, { h: 128, n_cur: 3 })).toEqual({ WG: 64, RB: 1, TN: 1 });
  });
});

describe(`every tuning trains like the CPU reference (TEST_SEED=${seed})`, () => {
  const variants: Partial<ModelConfig>[] = [
    { cell: 'gru', attention: true },
    { cell: 'lstm', layers: 2, bidirectional: true },
    { cell: 'rnn', bidirectional: true },
  ];
  for (const v of variants) {
    it(`3 Adam steps with each tuning: ${JSON.stringify(v)}`, async () => {
      // H = 36: not a multiple of 8 units x 8 invocations; batches of 37, 64 and 1 names: every block size.
      const cfg: ModelConfig = { ...tinyConfig(v), hidden: 36, vocabSize: 58, numClasses: 18 };
      const batches = randomBatches(new Rng(seed + 40), [37, 64, 1], 20, 58, 18);
      // One network per tuning beside the CPU reference: each step's loss and raw gradients from the same
      // parameters, then the Adam update from the same gradients.
      await withDevice((be) => compareSides(cfg, batches, 'adam',
        [{ be: new CpuBackend() }, ...TUNINGS.map((tuning) => ({ be, opts: { tuning }, what: `tuning ${tuning.name}` }))], { what: `seed ${seed}` }));
    });
  }

  it('the trainer passes the tuning of the backend\'s adapter to the network', async () => {
    const data = {
      train: [{ name: 'abc', label: 0 }, { name: 'de', label: 1 }], test: [{ name: 'f', label: 0 }],
      languages: ['A', 'B'], split: { seed: 1, testFraction: 0.2, dedup: false },
    };
    const opts = { ...DEFAULT_TRAIN_OPTIONS, hidden: 4, batchSize: 2, evalBatchSize: 2 };
    const cpu = new Trainer(new CpuBackend(), opts, data);
    expect(cpu.net.tuning).toBe(GPU_TUNING);
    cpu.dispose();
    const h = await testDevice();
    const be = new GpuBackend(h.device, { adapter: LAVAPIPE });
    const gpu = new Trainer(be, opts, data);
    expect(gpu.net.tuning.name).toBe('lavapipe');
    gpu.dispose();
    be.dispose();
  });
});
