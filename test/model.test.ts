// Whole-model checks: the CPU reference's gradients against float64 finite differences, a training step on
// the GPU against the CPU, independence from batch composition (padding), and no GPU buffer growth.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { Rng } from '../src/core/rng.js';
import type { ModelConfig } from '../src/model/config.js';
import { Network } from '../src/model/network.js';
import { Optimizer } from '../src/model/optimizer.js';
import { packBatch } from '../src/model/packing.js';
import { initParams } from '../src/model/params.js';
import { softmaxCe } from '../src/cpu/kernels/softmax_ce.js';
import { expectClose, testSeed } from './helpers/compare.js';
import { compareSteps, finiteDifferenceCheck, randomNames, tinyConfig, trainSteps } from './helpers/model.js';
import { withDevice } from './helpers/device.js';

const seed = testSeed();

const VARIANTS: Partial<ModelConfig>[] = [
  { cell: 'rnn' },
  { cell: 'gru' },
  { cell: 'gru', layers: 2 },
  { cell: 'rnn', bidirectional: true },
  { cell: 'gru', bidirectional: true, layers: 2 },
];

describe(`model (TEST_SEED=${seed})`, () => {
  for (const v of VARIANTS) {
    it(`CPU reference gradients match float64 finite differences: ${JSON.stringify(v)}`, () => {
      const worst = finiteDifferenceCheck(tinyConfig(v), seed);
      expect(worst.err, `worst: ${worst.name}[${worst.i}] finite difference ${worst.fd} vs analytic ${worst.an}`).toBeLessThan(1);
    });
  }

  it('class-weighted softmax cross-entropy: the twin\'s gradient matches float64 finite differences', () => {
    const rng = new Rng(seed + 9);
    const B = 5, C = 4;
    const logits = Float64Array.from({ length: B * C }, () => rng.uniform(-3, 3));
    const labels = Uint32Array.from({ length: B }, () => rng.int(C));
    const w = Float64Array.from({ length: C }, () => rng.uniform(0.2, 3));
    const wsum = Array.from(labels).reduce((a, l) => a + w[l]!, 0);
    const objective = (x: Float64Array) => {
      let o = 0;
      for (let b = 0; b < B; b++) {
        const row = Array.from(x.subarray(b * C, b * C + C));
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        o += w[labels[b]!]! * (lse - row[labels[b]!]!);
      }
      return o / wsum;
    };
    const dlogits = new Float64Array(B * C);
    softmaxCe({ ints: labels, logits, dlogits, class_w: w, stats: new Float64Array(4) }, { batch: B, classes: C, off_labels: 0, scale: 1 / wsum, write_grad: 1 });
    for (let i = 0; i < B * C; i++) {
      const up = logits.slice(), down = logits.slice();
      up[i]! += 1e-6;
      down[i]! -= 1e-6;
      expect(dlogits[i]!).toBeCloseTo((objective(up) - objective(down)) / 2e-6, 7);
    }
  });

  for (const v of [{ cell: 'gru' }, { cell: 'rnn' }, { cell: 'gru', layers: 2, bidirectional: true }] as Partial<ModelConfig>[]) {
    it(`3 Adam steps on the GPU match the CPU reference (each step's loss, raw gradients, then the update): ${JSON.stringify(v)}`, async () => {
      const cfg: ModelConfig = { ...tinyConfig(v), hidden: 32, vocabSize: 58, numClasses: 18 };
      const rng = new Rng(seed + 1);
      const batches = [37, 64, 1].map((n) => {
        const { seqs, labels } = randomNames(rng, n, 20, 58, 18);
        return packBatch(seqs, labels, 58);
      });
      // Step by step from the same parameters (not parameters after 3 steps: Adam divides each gradient by
      // its own running size, so a rounding-level difference in a ~0 gradient would become an lr-sized one).
      await withDevice((be) => compareSteps(be, cfg, batches, 'adam', { what: `seed ${seed}` }));
    });
  }

  it('SGD steps on the GPU match the CPU reference', async () => {
    const cfg: ModelConfig = { ...tinyConfig({}), hidden: 20, vocabSize: 58, numClasses: 18 };
    const rng = new Rng(seed + 2);
    const batches = [5, 9].map((n) => {
      const { seqs, labels } = randomNames(rng, n, 12, 58, 18);
      return packBatch(seqs, labels, 58);
    });
    const cpu = await trainSteps(new CpuBackend(), cfg, batches, 'sgd');
    const gpu = await withDevice((be) => trainSteps(be, cfg, batches, 'sgd'));
    expectClose('parameters after 2 SGD steps', gpu.params, cpu.params, { abs: 1e-6, rel: 1e-4 });
  });

  it('a name gets the same logits alone and inside a batch of longer and shorter names', async () => {
    const cfg: ModelConfig = { ...tinyConfig({ bidirectional: true, layers: 2 }), hidden: 16, vocabSize: 58, numClasses: 18 };
    await withDevice(async (be) => {
      const net = new Network(be, cfg, { batch: 8, rows: 8 * 20 });
      net.setParams(initParams(net.layout, 3));
      const name = [3, 14, 15, 9, 2];
      const alone = packBatch([name], [0], 58);
      net.forward(alone, false);
      const l1 = await net.readLogits(alone);
      const rng = new Rng(seed + 3);
      const others = [[...name, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1], [4, 4], name.slice(0, 3)].concat([Array.from({ length: 20 }, () => rng.int(58))]);
      const batch = packBatch([others[0]!, others[1]!, name, others[2]!, others[3]!, others[4]!], [0, 0, 0, 0, 0, 0], 58);
      net.forward(batch, false);
      const all = await net.readLogits(batch);
      const r = batch.order.indexOf(2);
      expectClose('logits in a batch vs alone', all.subarray(r * 18, r * 18 + 18), l1, { abs: 1e-6, rel: 1e-5 });
      net.dispose();
    });
  });

  it('training does not grow the number of live GPU buffers', async () => {
    const cfg: ModelConfig = { ...tinyConfig({}), hidden: 16, vocabSize: 58, numClasses: 18 };
    await withDevice(async (be) => {
      const net = new Network(be, cfg, { batch: 16, rows: 16 * 20 });
      const opt = new Optimizer(be, net, { kind: 'adam', lr: 0.01, clip: 1 });
      const rng = new Rng(seed + 4);
      const counts: number[] = [];
      for (let i = 0; i < 30; i++) {
        const { seqs, labels } = randomNames(rng, 1 + rng.int(16), 20, 58, 18);
        const b = packBatch(seqs, labels, 58);
        net.forward(b, true);
        net.backward(b);
        opt.update();
        be.submit();
        if (i % 10 === 9) await net.takeStats();
        counts.push(be.liveBuffers());
      }
      expect(new Set(counts).size, `live buffers per step: ${counts.join(',')}`).toBe(1);
      opt.dispose();
      net.dispose();
      expect(be.liveBuffers()).toBe(0);
    });
  });
});
