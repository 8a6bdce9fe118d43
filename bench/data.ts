// Realistic packed batches for the bench: the real names (src/node/source.ts: --data, WEBGPU_RNN_DATA,
// ../shared/data/names.zip, else the cache/download), the default split, a seeded shuffle of the training
// set, and the first B names per batch, packed exactly as training packs them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { resolveNamesData } from '../src/node/source.js';
import { DEFAULT_SPLIT_SEED, splitNames, type Example } from '../src/data/split.js';
import { encodeName, VOCAB_SIZE } from '../src/data/vocab.js';
import { packBatch, type PackedBatch } from '../src/model/packing.js';
import { packLmBatch } from '../src/train/lm_batches.js';

export interface BenchData {
  source: string;
  classes: number;
  /** Training examples after the seeded shuffle. */
  train: { ids: number[]; label: number }[];
}

/** The split the trainer uses by default (peer-compatible seed, 20% test). */
export const SPLIT = { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false } as const;
/** Seed of the epoch shuffle (the bench's own; any fixed seed gives the same batch statistics). */
export const SHUFFLE_SEED = 1;

export async function loadBenchData(path?: string): Promise<BenchData> {
  // The workspace's shared copy (../shared/data/names.zip next to the project root), when present and
  // WEBGPU_RNN_DATA is unset, so the bench never downloads on a CI machine. The bundle lives in dist/.
  const candidates = [resolve('../shared/data/names.zip'), fileURLToPath(new URL('../../shared/data/names.zip', import.meta.url))];
  const shared = candidates.find((f) => existsSync(f));
  const data = path ?? (process.env.WEBGPU_RNN_DATA ? undefined : shared);
  const { data: names, source } = await resolveNamesData({ data, log: (m) => console.error(`bench: ${m}`) });
  const split = splitNames(names, SPLIT);
  const train = new Rng(SHUFFLE_SEED).shuffle([...split.train]).map((e: Example) => ({ ids: encodeName(e.name), label: e.label }));
  return { source, classes: names.languages.length, train: train.filter((e) => e.ids.length > 0) };
}

/** Batch number `i` of size `size` of the shuffled training set (wrapping around). */
export function batchAt(d: BenchData, size: number, i: number): PackedBatch {
  const n = d.train.length;
  const rows = Array.from({ length: Math.min(size, n) }, (_, j) => d.train[(i * size + j) % n]!);
  return packBatch(rows.map((r) => r.ids), rows.map((r) => r.label), VOCAB_SIZE);
}

/** Every batch of one epoch, in order (the last one may be smaller). */
export function* epochBatches(d: BenchData, size: number, lm = false): Generator<PackedBatch> {
  for (let s = 0; s < d.train.length; s += size) {
    const rows = d.train.slice(s, s + size);
    yield lm ? packLmBatch(rows.map((r) => r.ids), rows.map((r) => r.label), d.classes) : packBatch(rows.map((r) => r.ids), rows.map((r) => r.label), VOCAB_SIZE);
  }
}

/** batchAt for a language model (--task generate): START + name in, name + END out, two-hot with the language. */
export function lmBatchAt(d: BenchData, size: number, i: number): PackedBatch {
  const n = d.train.length;
  const rows = Array.from({ length: Math.min(size, n) }, (_, j) => d.train[(i * size + j) % n]!);
  return packLmBatch(rows.map((r) => r.ids), rows.map((r) => r.label), d.classes);
}

/** The active rows a recurrent step sees on average in a batch (rows / steps), the step kernels' n_cur. */
export function typicalRows(b: PackedBatch): number {
  return Math.max(1, Math.round(b.rows / b.steps));
}
