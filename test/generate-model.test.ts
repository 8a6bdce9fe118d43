// The language model (task 'generate') as a whole: the CPU reference's gradients of the per-position loss
// against float64 finite differences through every cell (stacked, dropout, both recurrence strategies), and
// whole training steps on the GPU against the CPU.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { Rng } from '../src/core/rng.js';
import { packLmBatch } from '../src/train/lm_batches.js';
import { END, START, languageRow } from '../src/train/lm_symbols.js';
import { Network, type Dropout, type Recurrence } from '../src/model/network.js';
import type { ModelConfig } from '../src/model/config.js';
import { testSeed } from './helpers/compare.js';
import { withDevice } from './helpers/device.js';
import { randomLmBatch, tinyLmConfig } from './helpers/lm.js';
import { compareSteps, worstFdError } from './helpers/model.js';

const seed = testSeed();

function fdCheck(cfg: ModelConfig, s: number, recurrence: Recurrence, dropout?: Dropout) {
  const rng = new Rng(s);
  const b = randomLmBatch(rng, 4, 4, cfg.conditions!);
  const net = new Network(new CpuBackend('f64'), cfg, { batch: 4, rows: b.rows }, { recurrence });
  // Every parameter except the W_ih rows of symbols absent from the batch (their gradient is exactly 0 in
  // both and there are ~60 of them: checking a sample keeps the test fast).
  const used = new Set(Array.from(b.tokens));
  const G = net.layout.entries.find((e) => e.name === 'l0.W_ih')!.shape[1] ?? 1;
  return worstFdError(net, b, s, dropout, (name, i) => name === 'l0.W_ih' && !used.has(Math.floor(i / G)) && Math.floor(i / G) % 10 !== 0);
}

const VARIANTS: [string, ModelConfig, Recurrence, number][] = [
  ['rnn', tinyLmConfig('rnn'), 'step', 0],
  ['gru', tinyLmConfig('gru'), 'step', 0],
  ['lstm', tinyLmConfig('lstm'), 'step', 0],
  ['gru x2, sequence kernels', tinyLmConfig('gru', 3, 2), 'sequence', 0],
  ['lstm x2, dropout', tinyLmConfig('lstm', 3, 2), 'step', 0.3],
  ['rnn x2, dropout, sequence kernels', tinyLmConfig('rnn', 3, 2), 'sequence', 0.3],
];

describe(`language model (TEST_SEED=${seed})`, () => {
  it('packLmBatch: START + name in, name + END out, two-hot CSR lists every packed row twice', () => {
    const b = packLmBatch([[3, 4], [], [7]], [2, 0, 1], 3);
    expect(b.lengths).toEqual([3, 2, 1]);
    expect(b.rows).toBe(6);
    // Position 0: three START rows; position 1: rows of [3,4] and [7]; position 2: the row of [3,4].
    expect(Array.from(b.tokens.subarray(0, 6))).toEqual([START, START, START, 3, 7, 4]);
    expect(Array.from(b.tokens.subarray(6))).toEqual([languageRow(2), languageRow(1), languageRow(0), languageRow(2), languageRow(1), languageRow(2)]);
    expect(Array.from(b.targets!)).toEqual([3, 7, END, 4, END, END]);
    expect(b.csrRows.length).toBe(12);
    for (let c = 0; c + 1 < b.csrStart.length; c++) {
      for (let k = b.csrStart[c]!; k < b.csrStart[c + 1]!; k++) {
        const row = b.csrRows[k]!;
        expect(b.tokens[row] === c || b.tokens[6 + row] === c).toBe(true);
      }
    }
  });

  for (const [what, cfg, recurrence, rate] of VARIANTS) {
    it(`per-position loss: CPU gradients match float64 finite differences (${what})`, () => {
      const w = fdCheck(cfg, seed, recurrence, rate ? { rate, seed: seed ^ 77 } : undefined);
      expect(w.err, `worst: ${w.name}[${w.i}] finite difference ${w.fd} vs analytic ${w.an}`).toBeLessThan(1);
    });
  }

  it('refuses bidirectional and attention language models with one clear line', () => {
    expect(() => new Network(new CpuBackend(), { ...tinyLmConfig(), bidirectional: true }, { batch: 1, rows: 1 })).toThrow(/left to right/);
    expect(() => new Network(new CpuBackend(), { ...tinyLmConfig(), attention: true }, { batch: 1, rows: 1 })).toThrow(/classifiers/);
  });

  const STEPS: [string, ModelConfig, Recurrence, number][] = [
    ['gru', tinyLmConfig('gru', 37, 1, 18), 'step', 0],
    ['lstm x2, dropout', tinyLmConfig('lstm', 19, 2, 5), 'step', 0.25],
    ['rnn, sequence kernels', tinyLmConfig('rnn', 33, 1, 4), 'sequence', 0],
    ['gru x2, sequence kernels, dropout', tinyLmConfig('gru', 16, 2, 3), 'sequence', 0.2],
  ];
  for (const [what, cfg, recurrence, rate] of STEPS) {
    it(`whole training steps, GPU vs CPU (${what})`, async () => {
      const rng = new Rng(seed + 5);
      const batches = [13, 1, 64, 7].map((n) => randomLmBatch(rng, n, 1 + rng.int(19), cfg.conditions!));
      // Step by step from the CPU's parameters: the loss and raw gradients, then the Adam update.
      await withDevice((be) => compareSteps(be, cfg, batches, 'adam', { opts: { recurrence }, dropout: rate, what: `seed ${seed}` }));
    });
  }
});
