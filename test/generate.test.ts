// Sampling names from a language model: the same seed gives the same names on the CPU and the GPU (and
// whatever the decoding batch), the log-probabilities agree with the training forward pass, the sampled
// distribution at a fixed state is softmax(logits / T) (a wrong temperature fails), and bad requests get one
// clear line.
import { describe, expect, it } from 'vitest';
import { CpuBackend, type CpuBuf } from '../src/cpu/backend.js';
import type { Backend } from '../src/core/backend.js';
import { Rng } from '../src/core/rng.js';
import { encodeName, VOCAB_SIZE } from '../src/data/vocab.js';
import { packLmBatch } from '../src/train/lm_batches.js';
import { Generator, type GenerateOptions } from '../src/generate/generator.js';
import { temperedWeights } from '../src/cpu/kernels/sample.js';
import { sampleK } from '../src/kernels.js';
import { Network } from '../src/model/network.js';
import { initParams, paramLayout } from '../src/model/params.js';
import type { CellType, ModelConfig } from '../src/model/config.js';
import type { Model } from '../src/train/modelfile.js';
import { VOCAB } from '../src/data/vocab.js';
import { withDevice } from './helpers/device.js';
import { tinyLmConfig } from './helpers/lm.js';
import { runKernel } from './helpers/kernel-harness.js';

const LANGS = ['Arabic', 'Czech', 'Russian'];

/** A random language model; weights scaled up so that its distributions are peaked, as trained ones are. */
function randomModel(cfg: ModelConfig, seed: number, scale = 4): Model {
  return { config: cfg, vocab: VOCAB, languages: LANGS.slice(0, cfg.conditions), params: initParams(paramLayout(cfg), seed).map((x) => x * scale) };
}

async function names(be: Backend, m: Model, o: GenerateOptions, batch?: number) {
  const g = new Generator(be, m, batch ? { batch } : {});
  const out = await g.generate(o);
  g.dispose();
  return out;
}

const CASES: [CellType, number, number, GenerateOptions][] = [
  ['gru', 16, 1, { language: 'russian', count: 40, temperature: 0.8, seed: 1 }],
  ['gru', 24, 2, { language: ['Arabic', 'czech', 'RUSSIAN', 0, 1], temperature: 1.2, topK: 5, seed: 12345 }],
  ['lstm', 20, 2, { language: 2, count: 17, temperature: 0.5, start: 'Ka', seed: 99 }],
  ['rnn', 13, 1, { language: 'Czech', count: 9, temperature: 1, maxLength: 6, seed: 4000000000 }],
];

describe('generation', () => {
  for (const [cell, hidden, layers, o] of CASES) {
    it(`the same names and log-probs on the CPU and the GPU (${cell} x${layers}, ${JSON.stringify(o)})`, async () => {
      const m = randomModel(tinyLmConfig(cell, hidden, layers, 3), 3);
      const ref = await names(new CpuBackend(), m, o);
      const got = await withDevice((be) => names(be, m, o));
      expect(got.map((n) => n.name)).toEqual(ref.map((n) => n.name));
      expect(got.map((n) => n.complete)).toEqual(ref.map((n) => n.complete));
      for (let i = 0; i < ref.length; i++) {
        for (let t = 0; t < ref[i]!.logProbs.length; t++) expect(Math.abs(got[i]!.logProbs[t]! - ref[i]!.logProbs[t]!)).toBeLessThan(1e-4);
      }
      if (o.start) for (const n of ref) expect(n.name.startsWith(o.start)).toBe(true);
      if (o.maxLength) for (const n of ref) expect(n.name.length).toBeLessThanOrEqual(o.maxLength);
      // Different names for a different seed (the stream depends on it).
      const other = await names(new CpuBackend(), m, { ...o, seed: (o.seed ?? 1) + 1 });
      expect(other.map((n) => n.name)).not.toEqual(ref.map((n) => n.name));
    });
  }

  it('a name does not depend on how many are decoded together', async () => {
    const m = randomModel(tinyLmConfig('gru', 12, 1, 3), 8);
    const o: GenerateOptions = { language: 'Arabic', count: 23, temperature: 0.9, seed: 7 };
    const all = await names(new CpuBackend(), m, o);
    const chunked = await names(new CpuBackend(), m, o, 5);
    expect(chunked.map((n) => n.name)).toEqual(all.map((n) => n.name));
  });

  it("the sampler's log-probs are the training forward pass's per-symbol losses", async () => {
    const cfg = tinyLmConfig('lstm', 10, 2, 3);
    const m = randomModel(cfg, 5, 2);
    const gen = (await names(new CpuBackend(), m, { language: [0, 1, 2, 1, 0, 2], temperature: 1, seed: 3 })).filter((n) => n.complete);
    expect(gen.length).toBeGreaterThan(2);
    const b = packLmBatch(gen.map((n) => encodeName(n.name)), gen.map((n) => n.language), 3);
    const net = new Network(new CpuBackend('f64'), cfg, { batch: gen.length, rows: b.rows });
    net.setParams(m.params);
    net.forward(b, false);
    const stats = (net.stats as CpuBuf).data;
    const sampled = gen.reduce((a, n) => a - n.logProb, 0);
    expect(stats[2]).toBe(gen.reduce((a, n) => a + n.name.length + 1, 0));
    expect(Math.abs(stats[0]! - sampled)).toBeLessThan(1e-4 * (1 + sampled));
  });

  it('sampled frequencies at a fixed state match softmax(logits / T) (and not another temperature), top-k keeps the k largest', async () => {
    const C = VOCAB_SIZE + 1, B = 20000;
    // One row of logits, repeated: the draws differ only by their row in the counter-based stream.
    const rng = new Rng(2024);
    const row = Float32Array.from({ length: C }, (_, c) => (c < 6 ? 2.5 - 0.5 * c : -2 + rng.uniform(-1, 1)));
    const logits = new Float32Array(B * C);
    for (let r = 0; r < B; r++) logits.set(row, r * C);
    const freq = async (be: Backend, temperature: number, topK: number) => {
      const ints = new Uint32Array(2 * B + B + 1);
      const out = await runKernel(be as CpuBackend, sampleK, { logits, ints, logp: new Float32Array(B) },
        { batch: B, classes: C, pos: 0, off_next: B, off_done: 2 * B, off_prefix: 3 * B, n_prefix: 0, end_id: C - 1, top_k: topK, seed: 77, row_base: 0, temperature: Math.fround(temperature) });
      const f = new Float64Array(C);
      for (let r = 0; r < B; r++) f[(out.ints as Uint32Array)[B + r]!]! += 1 / B;
      return f;
    };
    const probs = (temperature: number, topK: number) => {
      const q = temperedWeights(row, temperature, topK);
      const s = q.reduce((a, b) => a + b, 0);
      return Array.from(q, (x) => x / s);
    };
    // Within 4.5 standard deviations for every symbol (fixed seed: deterministic).
    const fits = (f: Float64Array, p: number[]) => p.every((pc, c) => Math.abs(f[c]! - pc) <= 4.5 * Math.sqrt((pc * (1 - pc)) / B) + 1e-9);
    await withDevice(async (be) => {
      for (const [T, wrong] of [[0.8, 1], [1, 0.9], [1.5, 1.3]] as const) {
        const f = await freq(be, T, 0);
        expect(fits(f, probs(T, 0)), `T=${T}`).toBe(true);
        expect(fits(f, probs(wrong, 0)), `T=${T} must not fit T=${wrong}`).toBe(false);
      }
      const f = await freq(be, 1, 3);
      expect(fits(f, probs(1, 3))).toBe(true);
      expect(f.slice(3).every((x) => x === 0)).toBe(true);
    });
  });

  it('bad requests: one clear line each', async () => {
    const be = new CpuBackend();
    const m = randomModel(tinyLmConfig('gru', 4, 1, 3), 1);
    const g = new Generator(be, m);
    await expect(g.generate({ language: 'Klingon' })).rejects.toThrow("unknown language 'Klingon' (languages: Arabic, Czech, Russian, or all)");
    await expect(g.generate({ language: 'Czech', count: 0 })).rejects.toThrow(/--count must be .* at least 1, got 0/);
    await expect(g.generate({ language: 'Czech', temperature: 0 })).rejects.toThrow(/--temperature must be a number above 0, got 0/);
    await expect(g.generate({ language: 'Czech', temperature: -1 })).rejects.toThrow(/above 0, got -1/);
    await expect(g.generate({ language: 'Czech', start: 'Kø' })).rejects.toThrow("--start 'Kø': character 'ø' is not in the vocabulary");
    await expect(g.generate({ language: 'Czech', start: 'Abc', maxLength: 2 })).rejects.toThrow(/longer than --max-length 2/);
    g.dispose();
    const classifier: Model = { config: { cell: 'gru', hidden: 4, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: 3 }, vocab: VOCAB, languages: LANGS, params: new Float32Array(0) };
    expect(() => new Generator(be, classifier)).toThrow(/classifier .* --task generate/);
    expect(be.liveBuffers()).toBe(0);
  });
});
