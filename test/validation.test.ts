// The validation set (stratified, disjoint, deterministic; the test split unchanged), early stopping on its
// NLL, the temperature in the model file and in predictions, and the out-of-vocabulary flag.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { parseNamesZip } from '../src/data/names.js';
import { carveValidation, DEFAULT_SPLIT_SEED, splitNames, type Example } from '../src/data/split.js';
import { VOCAB, VOCAB_SIZE } from '../src/data/vocab.js';
import type { ModelConfig } from '../src/model/config.js';
import { initParams, paramLayout } from '../src/model/params.js';
import { nll } from '../src/train/calibration.js';
import { softmax } from '../src/train/metrics.js';
import { MODEL_VERSION, parseModel, serializeModel, temperatureOf, type Model } from '../src/train/modelfile.js';
import { oovShare, Predictor } from '../src/train/predict.js';
import { buildTrainData, DEFAULT_VAL_FRACTION } from '../src/train/traindata.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type EpochResult } from '../src/train/trainer.js';
import { sharedData } from './helpers/cli.js';

const data = parseNamesZip(readFileSync(sharedData()), 'names.zip');
const split = { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false };
const key = (e: Example) => `${e.name}\t${e.label}`;
const sha256 = (examples: Example[]) => createHash('sha256').update(examples.map(key).join('\n')).digest('hex');
const countBy = (examples: Example[]) => {
  const n = new Array<number>(data.languages.length).fill(0);
  for (const e of examples) n[e.label]!++;
  return n;
};
/** Python's round() on the values that occur here (ties to even). */
const pyRound = (x: number) => (Math.abs(x - Math.trunc(x) - 0.5) < 1e-12 ? 2 * Math.round(x / 2) : Math.round(x));

describe('validation split', () => {
  const { train: trainPart, test } = splitNames(data, split);
  const t = buildTrainData(data, { split, valFraction: DEFAULT_VAL_FRACTION, seed: 1 });

  it('leaves the test split as it was, name for name (the hash of the peer-identical split)', () => {
    expect(t.test.map(key)).toEqual(test.map(key));
    expect(sha256(t.test)).toBe('07a1c5977018d10dd60a3cda77452d97d94569c7b33088f6b0408cedf2ae4404');
    for (const dedup of [true, false]) {
      const s = { ...split, dedup, testFraction: 0.25 };
      expect(buildTrainData(data, { split: s, valFraction: 0.3, seed: 4 }).test).toEqual(splitNames(data, s).test);
    }
  });

  it('is stratified: round(fraction * n) of every language\'s training names', () => {
    const perLanguage = countBy(trainPart);
    expect(countBy(t.val!)).toEqual(perLanguage.map((n) => pyRound(0.1 * n)));
    expect(t.val!.length).toBe(1607);
    expect(t.train.length + t.val!.length).toBe(trainPart.length);
  });

  it('is disjoint from training and together they are the training part, order kept', () => {
    // By position (the same name can occur twice in the data): the very objects of the training part.
    const carved = carveValidation(trainPart, { fraction: 0.1, seed: DEFAULT_SPLIT_SEED + 1 });
    expect(carved).toEqual({ train: t.train, val: t.val });
    const index = new Map(trainPart.map((e, i) => [e, i]));
    const trainIdx = carved.train.map((e) => index.get(e)!), valIdx = carved.val.map((e) => index.get(e)!);
    expect(new Set([...trainIdx, ...valIdx]).size).toBe(trainPart.length);
    expect(trainIdx.every((x) => x !== undefined) && valIdx.every((x) => x !== undefined)).toBe(true);
    expect(trainIdx).toEqual([...trainIdx].sort((a, b) => a - b));
    expect(valIdx).toEqual([...valIdx].sort((a, b) => a - b));
  });

  it('is deterministic in the seed, and another seed picks other names', () => {
    const again = buildTrainData(data, { split, valFraction: DEFAULT_VAL_FRACTION, seed: 99 });
    expect(again.val).toEqual(t.val); // the training seed does not move it: only the split seed does
    expect(sha256(t.val!)).toBe(sha256(carveValidation(trainPart, { fraction: 0.1, seed: DEFAULT_SPLIT_SEED + 1 }).val));
    const other = carveValidation(trainPart, { fraction: 0.1, seed: 5 }).val;
    expect(countBy(other)).toEqual(countBy(t.val!));
    expect(other.map(key)).not.toEqual(t.val!.map(key));
  });

  it('fraction 0 gives no validation names and the training part unchanged; bad fractions are refused', () => {
    const none = buildTrainData(data, { split, valFraction: 0, seed: 1 });
    expect(none.val).toEqual([]);
    expect(none.train).toEqual(trainPart);
    expect(() => carveValidation(trainPart, { fraction: 1, seed: 1 })).toThrow(/validation fraction/);
    expect(() => carveValidation(trainPart, { fraction: -0.1, seed: 1 })).toThrow(/validation fraction/);
  });
});

function model(over: Partial<ModelConfig> = {}, calibration?: Model['calibration']): Model {
  const config: ModelConfig = { cell: 'gru', hidden: 8, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: 4, ...over };
  return { config, vocab: VOCAB, languages: ['A', 'B', 'C', 'D'], params: initParams(paramLayout(config), 3), calibration };
}

describe('temperature in the model file and in predictions', () => {
  const cal = { temperature: 1.7, names: 123, nllBefore: 0.9, nllAfter: 0.8 };

  it('round-trips the calibration', () => {
    const m = model({}, cal);
    const text = serializeModel(m);
    expect(JSON.parse(text).version).toBe(MODEL_VERSION);
    const back = parseModel(text, 'm.json');
    expect(back.calibration).toEqual(cal);
    expect(temperatureOf(back)).toBe(1.7);
    expect(Array.from(back.params)).toEqual(Array.from(m.params));
  });

  it('reads a version-1 file (no calibration) with temperature 1, and refuses a bad temperature', () => {
    const doc = JSON.parse(serializeModel(model()));
    const v1 = parseModel(JSON.stringify({ ...doc, version: 1 }), 'old.json');
    expect(v1.calibration).toBeUndefined();
    expect(temperatureOf(v1)).toBe(1);
    for (const temperature of [0, -1, 'x', null]) {
      expect(() => parseModel(JSON.stringify({ ...doc, calibration: { temperature } }), 'bad.json')).toThrow(/bad\.json: "calibration\.temperature" must be a positive number/);
    }
  });

  it('Predictor gives softmax(logits / T): the same ranking, probabilities as the temperature says', async () => {
    const names = ['Nguyen', 'Schmidt', 'Li'];
    const plain = new Predictor(new CpuBackend(), model());
    const hot = new Predictor(new CpuBackend(), model({}, { ...cal, temperature: 3 }));
    const a = await plain.predict(names), b = await hot.predict(names);
    for (let i = 0; i < names.length; i++) {
      const logits = a[i]!.probs.map(Math.log); // log-softmax: logits up to a constant
      const want = softmax(logits.map((z) => z / 3));
      b[i]!.probs.forEach((p, c) => expect(p).toBeCloseTo(want[c]!, 6));
      expect(b[i]!.ranked.map((r) => r.language)).toEqual(a[i]!.ranked.map((r) => r.language));
      expect(Math.max(...b[i]!.probs)).toBeLessThan(Math.max(...a[i]!.probs));
    }
  });

  it('measures the share of a name outside the vocabulary', async () => {
    expect(oovShare('Nguyen')).toBe(0);
    expect(oovShare('_ster')).toBe(0.2);
    expect(oovShare('___')).toBe(1);
    const p = await new Predictor(new CpuBackend(), model()).predict(['李小龍', 'Dvořák', 'Øst']);
    expect(p.map((x) => x.oovShare)).toEqual([1, 0, 1 / 3]);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without a better validation NLL and keeps the best epoch\'s weights', async () => {
    // Overfits fast: a few training names, a high learning rate, a fixed seed.
    const t = buildTrainData(data, { split, valFraction: 0.1, seed: 3, limit: 60 });
    const val = t.val!.filter((_, i) => i % 8 === 0);
    const trainer = new Trainer(new CpuBackend(), {
      ...DEFAULT_TRAIN_OPTIONS, hidden: 8, epochs: 12, batchSize: 20, lr: 0.05, balance: 0, earlyStop: 2, seed: 3,
    }, { ...t, val, test: t.test.slice(0, 40) });
    const seen: { r: EpochResult; params: Float32Array }[] = [];
    await trainer.run({ onEpoch: async (r) => void seen.push({ r, params: await trainer.net.getParams() }) });
    const nlls = seen.map((s) => s.r.val!.nll);
    const best = nlls.indexOf(Math.min(...nlls));
    expect(best, `validation NLL per epoch ${nlls.map((x) => x.toFixed(3))}`).toBeLessThan(seen.length - 1); // it did get worse
    expect(trainer.stoppedEarly).toBe(true);
    expect(seen.length).toBe(best + 1 + 2);
    expect(trainer.keptEpoch).toBe(best + 1);
    expect(Array.from(await trainer.net.getParams())).toEqual(Array.from(seen[best]!.params));
    // The temperature was fitted on the kept weights: the validation NLL it reports is the best epoch's.
    expect(trainer.calibration!.nllBefore).toBeCloseTo(nlls[best]!, 5);
    expect(trainer.calibration!.nllAfter).toBeLessThanOrEqual(trainer.calibration!.nllBefore);
    expect(nll(await trainer.score(val), trainer.calibration!.temperature)).toBeCloseTo(trainer.calibration!.nllAfter, 5);
    const m = await trainer.model();
    expect(m.training).toMatchObject({ keptEpoch: best + 1, earlyStop: 2, valFraction: 0.1, valSeed: DEFAULT_SPLIT_SEED + 1 });
    expect(m.training!.testAccuracy).toBe(seen[best]!.r.test.accuracy);
    expect(m.calibration!.temperature).toBe(trainer.calibration!.temperature);
    trainer.dispose();
  });

  it('needs validation names', () => {
    const t = buildTrainData(data, { split, valFraction: 0, seed: 3, limit: 60 });
    expect(() => new Trainer(new CpuBackend(), { ...DEFAULT_TRAIN_OPTIONS, hidden: 8, earlyStop: 2 }, t)).toThrow(/early stopping needs validation names/);
  });
});
