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
import { compareSteps, finiteDifferenceCheck, randomBatches, tinyConfig } from './helpers/model.js';
import { balancedWeights, DEFAULT_TRAIN_OPTIONS } from '../src/train/trainer.js';

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
    for (const recurrence of ['step', 'sequence'] as const) {
      it(`3 Adam steps on the GPU (recurrence ${recurrence}) match the CPU reference, raw gradients then updates: ${JSON.stringify(v)}`, async () => {
        const cfg: ModelConfig = { ...tinyConfig(v), hidden: 32, vocabSize: 58, numClasses: 18 };
        const batches = randomBatches(new Rng(seed + 1), [37, 64, 1], 20, 58, 18);
        await withDevice((be) => compareSteps(be, cfg, batches, 'adam', { opts: { recurrence }, what: `(seed ${seed})` }));
      });
    }
  }

  it('the class-balanced loss (default --balance 0.3) through a whole network: gradients of the weighted mean, GPU = CPU', async () => {
    const cfg: ModelConfig = { ...tinyConfig({ cell: 'gru', layers: 2, bidirectional: true }), hidden: 16, vocabSize: 58, numClasses: 18 };
    const rng = new Rng(seed + 5);
    const batches = randomBatches(rng, [40, 23], 12, 58, 18);
    const labels = batches.flatMap((b) => Array.from(b.labels));
    const w = balancedWeights(labels, 18, DEFAULT_TRAIN_OPTIONS.balance);
    expect(DEFAULT_TRAIN_OPTIONS.balance).toBe(0.3);
    // GPU against CPU with the weights, step by step.
    await withDevice((be) => compareSteps(be, cfg, batches, 'adam', { classWeights: w, what: `balanced (seed ${seed})` }));
    // The CPU's gradient is the gradient of sum_i w[y_i] CE_i / sum_i w[y_i] (finite differences on the
    // logits' objective through the head), and differs from the unweighted one.
    const b = batches[0]!;
    const net = new Network(new CpuBackend('f64'), cfg, { batch: 64, rows: 64 * 20 });
    net.setParams(initParams(net.layout, 3));
    const weighted = async (weights: Float32Array) => {
      net.setClassWeights(weights);
      net.forward(b, true);
      net.backward(b);
      const s = await net.takeStats();
      return { grads: Float64Array.from((await net.be.read(net.grads)) as Float32Array), loss: s.lossSum / s.count, logits: Float64Array.from(await net.readLogits(b)) };
    };
    const bal = await weighted(w);
    const flat = await weighted(new Float32Array(18).fill(1));
    // The reported loss stays the plain mean (what the progress line shows); only the gradient is weighted.
    expect(bal.loss).toBeCloseTo(flat.loss, 12);
    let differs = 0;
    for (let i = 0; i < bal.grads.length; i++) if (Math.abs(bal.grads[i]! - flat.grads[i]!) > 1e-6) differs++;
    expect(differs, 'weights change the gradient').toBeGreaterThan(bal.grads.length / 4);
    // Head bias gradient in closed form: sum_i w[y_i] (softmax_i - onehot_i) / sum_i w[y_i].
    const C = 18, want = new Float64Array(C);
    let wsum = 0;
    for (let r = 0; r < b.batch; r++) {
      const y = b.labels[r]!, wy = w[y]!;
      wsum += wy;
      const z = bal.logits.subarray(r * C, (r + 1) * C);
      const m = Math.max(...z), e = Array.from(z, (x) => Math.exp(x - m)), s = e.reduce((a, x) => a + x, 0);
      for (let c = 0; c < C; c++) want[c]! += wy * (e[c]! / s - (c === y ? 1 : 0));
    }
    const hb = net.layout.entries.find((e) => e.name === 'head.b')!;
    for (let c = 0; c < C; c++) expect(bal.grads[hb.offset + c]!).toBeCloseTo(want[c]! / wsum, 7);
    net.dispose();
  });

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
