// Compiling up front (train/plan.ts + GpuBackend.precompile): the plan, made without a device, names every
// pipeline a real run then dispatches — training steps over every batch shape and the evaluation — so no
// compile is left for the first epoch. The adapter's own tuning is used (on lavapipe: its register blocks).
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { GpuBackend } from '../src/gpu/backend.js';
import type { ModelConfig } from '../src/model/config.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type TrainOptions } from '../src/train/trainer.js';
import { testSeed } from './helpers/compare.js';
import { testDevice } from './helpers/device.js';
import { letterNames } from './helpers/batches.js';

const seed = testSeed();

const names = (rng: Rng, n: number) => letterNames(rng, n, 19, 5);

describe(`compiling every pipeline before training (TEST_SEED=${seed})`, () => {
  const cases: [string, Partial<ModelConfig & TrainOptions>][] = [
    ['gru (layer 0 stepped with the fused input gather)', { cell: 'gru', hidden: 16 }],
    ['bidirectional 2-layer lstm with attention and dropout', { cell: 'lstm', hidden: 12, layers: 2, bidirectional: true, attention: true, dropout: 0.3 }],
    ['rnn, whole-sequence recurrence, sgd', { cell: 'rnn', hidden: 10, recurrence: 'sequence', optimizer: 'sgd', momentum: 0.9 }],
    ['language model (task generate): gru x2 with dropout', { task: 'generate', cell: 'gru', hidden: 14, layers: 2, dropout: 0.2 }],
  ];
  for (const [label, over] of cases) {
    it(`${label}: the first epoch creates no pipeline the plan missed`, async () => {
      const rng = new Rng(seed);
      const data = { train: names(rng, 150), test: names(rng, 40), languages: ['A', 'B', 'C', 'D', 'E'], split: { seed: 1, testFraction: 0.2, dedup: false } };
      const h = await testDevice();
      const be = new GpuBackend(h.device, { adapter: h.summary });
      const trainer = new Trainer(be, { ...DEFAULT_TRAIN_OPTIONS, epochs: 1, batchSize: 32, evalBatchSize: 64, ...over }, data);
      try {
        const seen: number[] = [];
        const pre = await trainer.precompile((done, total) => seen.push(done / total));
        expect(pre.pipelines).toBe(be.pipelineCount());
        expect(pre.pipelines).toBeGreaterThan(5);
        expect(seen.at(-1)).toBe(1);
        await trainer.run();
        expect(be.pipelineCount(), 'pipelines created during the epoch').toBe(pre.pipelines);
        // A second call finds everything compiled.
        expect((await trainer.precompile()).pipelines).toBe(0);
      } finally {
        trainer.dispose();
        be.dispose();
      }
    });
  }
});
