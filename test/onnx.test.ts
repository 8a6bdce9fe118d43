// ONNX export run by ONNX Runtime (onnxruntime-node, CPU): for every cell × layers × direction × attention,
// a random model exported by encodeOnnx gives the same logits as our network (1e-5, normwise) on a ragged
// batch (lengths 1..T, padding filled with random symbols that must not matter, also past the longest row).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { CpuBackend } from '../src/cpu/backend.js';
import { Rng } from '../src/core/rng.js';
import { VOCAB_SIZE } from '../src/data/vocab.js';
import { encodeOnnx } from '../src/interop/onnx.js';
import type { Model } from '../src/train/modelfile.js';
import { testSeed } from './helpers/compare.js';
import { allConfigs, describe_, ourLogits, randomModel, randomSeqs, relErr } from './helpers/interop.js';

const seed = testSeed();

export async function onnxLogits(bytes: Uint8Array, seqs: number[][], padRng: Rng, extra = 0): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const B = seqs.length, T = Math.max(...seqs.map((s) => s.length)) + extra;
  const tokens = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) tokens[b * T + t] = BigInt(t < seqs[b]!.length ? seqs[b]![t]! : padRng.int(VOCAB_SIZE));
  const lengths = BigInt64Array.from(seqs, (s) => BigInt(s.length));
  const out = await session.run({ tokens: new ort.Tensor('int64', tokens, [B, T]), lengths: new ort.Tensor('int64', lengths, [B]) });
  await session.release();
  const logits = out.logits!;
  expect(logits.dims).toEqual([B, logits.dims[1]]);
  return logits.data as Float32Array;
}

describe(`ONNX export in onnxruntime (TEST_SEED=${seed})`, () => {
  for (const cfg of allConfigs(5, 4)) {
    it(`${describe_(cfg)}: logits match ours to 1e-5`, async () => {
      const rng = new Rng(seed);
      const model: Model = randomModel(cfg, seed);
      const seqs = randomSeqs(rng, 7, 9);
      const ours = await ourLogits(new CpuBackend(), model, seqs);
      // Padded to the longest row, and two positions further (no row reaches the last time steps).
      const theirs = await onnxLogits(encodeOnnx(model), seqs, rng);
      expect(theirs.length).toBe(ours.length);
      expect(relErr(await onnxLogits(encodeOnnx(model), seqs, rng, 2), ours)).toBeLessThan(1e-5);
      const err = relErr(theirs, ours);
      if (process.env.INTEROP_VERBOSE) console.log(`${describe_(cfg)} onnx rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5);
    });
  }
});
