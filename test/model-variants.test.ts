// Whole-model checks for every model variant (cells, stacked layers, directions, attention): float64 finite differences of the CPU reference,
// Adam steps on the GPU against the CPU, attention weights (a distribution over each row's real characters,
// independent of the rest of the batch), and every cell x layers x direction x attention combination.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import type { Backend } from '../src/core/backend.js';
import { Rng } from '../src/core/rng.js';
import { CELL_TYPES, type ModelConfig } from '../src/model/config.js';
import { Network } from '../src/model/network.js';
import { packBatch, type PackedBatch } from '../src/model/packing.js';
import { initParams } from '../src/model/params.js';
import { expectClose, testSeed } from './helpers/compare.js';
import { withDevice } from './helpers/device.js';
import { ADAM_LR, expectAdamClose, finiteDifferenceCheck, randomBatches, tinyConfig, trainSteps } from './helpers/model.js';

const seed = testSeed();

const VARIANTS: Partial<ModelConfig>[] = [
  { cell: 'lstm' },
  { cell: 'lstm', layers: 2, bidirectional: true },
  { cell: 'gru', attention: true },
  { cell: 'rnn', attention: true },
  { cell: 'gru', bidirectional: true, attention: true },
  { cell: 'lstm', attention: true },
  { cell: 'lstm', layers: 2, bidirectional: true, attention: true },
];

/** Attention weights as a padded [batch, steps] matrix in sorted row order; 0 where a row has no character. */
function paddedView(b: PackedBatch, alphas: Float32Array[]): Float32Array {
  const m = new Float32Array(b.batch * b.steps);
  alphas.forEach((a, r) => m.set(a, r * b.steps));
  return m;
}

describe(`model variants (TEST_SEED=${seed})`, () => {
  for (const v of VARIANTS) {
    it(`CPU reference gradients match float64 finite differences: ${JSON.stringify(v)}`, () => {
      const worst = finiteDifferenceCheck(tinyConfig(v), seed);
      expect(worst.err, `seed ${seed}; worst: ${worst.name}[${worst.i}] finite difference ${worst.fd} vs analytic ${worst.an}`).toBeLessThan(1);
    });
  }

  for (const v of VARIANTS) {
    it(`3 Adam steps on the GPU match the CPU reference: ${JSON.stringify(v)}`, async () => {
      const cfg: ModelConfig = { ...tinyConfig(v), hidden: 32, vocabSize: 58, numClasses: 18 };
      const batches = randomBatches(new Rng(seed + 1), [37, 64, 1], 20, 58, 18);
      const cpu = await trainSteps(new CpuBackend(), cfg, batches, 'adam');
      const gpu = await withDevice((be) => trainSteps(be, cfg, batches, 'adam'));
      expectClose(`losses (seed ${seed})`, gpu.losses, cpu.losses, { abs: 1e-5, rel: 1e-5 });
      expectAdamClose(`parameters after 3 Adam steps (seed ${seed})`, gpu.params, cpu.params, { abs: 1e-6, rel: 1e-4 }, ADAM_LR);
    });
  }

  it('attention weights are a distribution over each row\'s real characters, none on padding', async () => {
    const cfg: ModelConfig = { ...tinyConfig({ cell: 'lstm', bidirectional: true, layers: 2, attention: true }), hidden: 16, vocabSize: 58, numClasses: 18 };
    const [b] = randomBatches(new Rng(seed + 2), [13], 20, 58, 18);
    await withDevice(async (be) => {
      const net = new Network(be, cfg, { batch: 13, rows: b!.rows });
      net.setParams(initParams(net.layout, 5));
      net.forward(b!, false);
      const alphas = await net.readAttention(b!);
      expect(alphas.map((a) => a.length)).toEqual(b!.lengths);
      for (const [r, a] of alphas.entries()) {
        expect(a.every((x) => x > 0 && x <= 1), `row ${r}: ${a}`).toBe(true);
        expect(a.reduce((s, x) => s + x, 0), `row ${r}`).toBeCloseTo(1, 5);
      }
      // Every packed row is a real character, so the weights of the whole batch sum to the number of rows.
      expect(alphas.reduce((s, a) => s + a.length, 0)).toBe(b!.rows);
      const m = paddedView(b!, alphas);
      for (let r = 0; r < b!.batch; r++) {
        const row = m.subarray(r * b!.steps, (r + 1) * b!.steps);
        expect(row.subarray(b!.lengths[r]!).every((x) => x === 0), `padding of row ${r}`).toBe(true);
        expect(row.reduce((s, x) => s + x, 0), `row ${r} of the padded view`).toBeCloseTo(1, 5);
      }
      net.dispose();
    });
  });

  for (const v of [{ cell: 'gru', attention: true }, { cell: 'lstm', bidirectional: true, layers: 2, attention: true }] as Partial<ModelConfig>[]) {
    it(`a name gets the same logits and attention alone and inside a batch: ${JSON.stringify(v)}`, async () => {
      const cfg: ModelConfig = { ...tinyConfig(v), hidden: 16, vocabSize: 58, numClasses: 18 };
      await withDevice(async (be) => {
        const net = new Network(be, cfg, { batch: 8, rows: 8 * 20 });
        net.setParams(initParams(net.layout, 3));
        const name = [3, 14, 15, 9, 2];
        const alone = packBatch([name], [0], 58);
        net.forward(alone, false);
        const l1 = await net.readLogits(alone);
        const [a1] = await net.readAttention(alone);
        const rng = new Rng(seed + 3);
        const others = [[...name, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1], [4, 4], name.slice(0, 3), Array.from({ length: 20 }, () => rng.int(58))];
        const batch = packBatch([others[0]!, others[1]!, name, others[2]!, others[3]!, others[4]!], [0, 0, 0, 0, 0, 0], 58);
        net.forward(batch, false);
        const all = await net.readLogits(batch);
        const alphas = await net.readAttention(batch);
        const r = batch.order.indexOf(2);
        expectClose('logits in a batch vs alone', all.subarray(r * 18, r * 18 + 18), l1, { abs: 1e-6, rel: 1e-5 });
        expectClose('attention in a batch vs alone', alphas[r]!, a1!, { abs: 1e-6, rel: 1e-5 });
        net.dispose();
      });
    });
  }

  it('every cell x 1-3 layers x direction x attention: a training step on the GPU matches the CPU', async () => {
    const rng = new Rng(seed + 4);
    const batches = randomBatches(rng, [5, 11], 12, 58, 18);
    /** Loss and gradients of each batch, from a network that starts too small and has to grow. */
    async function run(be: Backend, cfg: ModelConfig): Promise<{ losses: number[]; grads: Float32Array[] }> {
      const net = new Network(be, cfg, { batch: 1, rows: 1 });
      net.setParams(initParams(net.layout, 11));
      const losses: number[] = [], grads: Float32Array[] = [];
      for (const b of batches) {
        net.forward(b, true);
        net.backward(b);
        const s = await net.takeStats();
        losses.push(s.lossSum / s.count);
        grads.push((await be.read(net.grads)) as Float32Array);
      }
      net.dispose();
      expect(be.liveBuffers()).toBe(0);
      return { losses, grads };
    }
    await withDevice(async (gpu) => {
      for (const cell of CELL_TYPES) for (const layers of [1, 2, 3]) for (const bidirectional of [false, true]) for (const attention of [false, true]) {
        const cfg: ModelConfig = { cell, layers, bidirectional, attention, hidden: 7, vocabSize: 58, numClasses: 18 };
        const what = `${JSON.stringify({ cell, layers, bidirectional, attention })} (seed ${seed})`;
        const cpu = await run(new CpuBackend(), cfg);
        const got = await run(gpu, cfg);
        expectClose(`losses ${what}`, got.losses, cpu.losses, { abs: 1e-6, rel: 1e-5 });
        got.grads.forEach((g, i) => expectClose(`gradients of batch ${i} ${what}`, g, cpu.grads[i]!, { abs: 1e-6, rel: 1e-3 }));
      }
    });
  });
});
