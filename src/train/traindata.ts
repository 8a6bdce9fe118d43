// The names a run trains, validates and tests on, made the same way by the CLI (`train`, `compare`, `eval`)
// and the demo page: the stratified train/test split, a stratified validation set carved from its training
// part, then the optional --limit on what remains for training.
import { Rng } from '../core/rng.js';
import type { NamesData } from '../data/names.js';
import { carveValidation, splitNames, type SplitOptions } from '../data/split.js';
import type { TrainData } from './trainer.js';

/** Default share of the training part held out for validation (early stopping, temperature). */
export const DEFAULT_VAL_FRACTION = 0.1;

/**
 * The validation set's seed: derived from the split seed, so one seed names the whole split, and offset so
 * its shuffles are not the test split's.
 */
export const validationSeed = (splitSeed: number): number => splitSeed + 1;

export interface TrainDataOptions {
  split: SplitOptions;
  /** Share of each language's training names held out for validation; 0: none. */
  valFraction: number;
  /** Train on this many training names drawn with Rng(seed) (quick runs); null/undefined: all. */
  limit?: number | null;
  seed: number;
}

export function buildTrainData(names: NamesData, o: TrainDataOptions): TrainData {
  const { train: trainPart, test } = splitNames(names, o.split);
  const valSeed = validationSeed(o.split.seed);
  const { train: all, val } = carveValidation(trainPart, { fraction: o.valFraction, seed: valSeed });
  const train = o.limit ? new Rng(o.seed).shuffle(all.slice()).slice(0, o.limit) : all;
  return { train, val, test, languages: names.languages, split: { ...o.split, valFraction: o.valFraction, valSeed } };
}
