// A real training run on the names data: the model must learn far beyond the majority baseline, and the
// same seed must give the same run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNamesZip } from '../src/data/names.js';
import { DEFAULT_SPLIT_SEED, splitNames } from '../src/data/split.js';
import { majorityBaseline } from '../src/train/metrics.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type TrainData } from '../src/train/trainer.js';
import { sharedData } from './helpers/cli.js';
import { withDevice } from './helpers/device.js';

const data = parseNamesZip(readFileSync(sharedData()), 'names.zip');
const splitOpts = { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false };
const split = splitNames(data, splitOpts);
const trainData: TrainData = { train: split.train, test: split.test, languages: data.languages, split: splitOpts };

describe('training on the names data', () => {
  it('a GRU learns far beyond the majority baseline in 2 epochs, and the loss falls', async () => {
    const baseline = majorityBaseline(split.test.map((e) => e.label), data.languages.length);
    expect(baseline).toBeCloseTo(0.469, 3);
    const result = await withDevice(async (be) => {
      const t = new Trainer(be, { ...DEFAULT_TRAIN_OPTIONS, cell: 'gru', hidden: 64, epochs: 2 }, trainData);
      await t.run();
      const curve = t.lossCurve;
      t.dispose();
      return { epochs: t.epochs, curve };
    });
    const acc = result.epochs[1]!.test.accuracy;
    expect(acc, `test accuracy ${acc}`).toBeGreaterThan(0.65);
    expect(result.curve[result.curve.length - 1]!.loss).toBeLessThan(result.curve[0]!.loss * 0.5);
    expect(result.epochs[1]!.trainLoss).toBeLessThan(result.epochs[0]!.trainLoss);
  });

  it('the same seed gives the same losses; another seed does not', async () => {
    const run = (seed: number) =>
      withDevice(async (be) => {
        const t = new Trainer(be, { ...DEFAULT_TRAIN_OPTIONS, hidden: 16, epochs: 1, seed }, { ...trainData, train: split.train.slice(0, 1500), test: split.test.slice(0, 300) });
        await t.run();
        const c = t.lossCurve.map((p) => p.loss);
        t.dispose();
        return c;
      });
    const a = await run(5), b = await run(5), c = await run(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
