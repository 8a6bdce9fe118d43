// The peers' data: the project's own loader and split, so a TF.js peer trains and tests on exactly the
// examples webgpu-rnn and torch_peer.py use, and padded dense batches, which is what TF.js layers take.
// No TF.js import here: these are plain typed arrays, turned into tensors by the worker.
import { resolveNamesData } from '../../src/node/source.js';
import { DEFAULT_SPLIT_SEED, PyRandom, splitNames, type Example } from '../../src/data/split.js';
import { encodeName, VOCAB_SIZE } from '../../src/data/vocab.js';

export interface PeerData {
  languages: string[];
  train: EncodedExample[];
  test: EncodedExample[];
  /** Where the names came from (a path), for the report. */
  source: string;
}

export interface EncodedExample {
  ids: number[];
  label: number;
}

export async function loadPeerData(data?: string): Promise<PeerData> {
  const resolved = await resolveNamesData({ data });
  // The split torch_peer.py and the webgpu-rnn bench use: seed 20240601, 20% of each language held out,
  // duplicates kept.
  const split = splitNames(resolved.data, { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false });
  const encode = (e: Example): EncodedExample => ({ ids: encodeName(e.name), label: e.label });
  return { languages: resolved.data.languages, train: split.train.map(encode), test: split.test.map(encode), source: resolved.source };
}

/**
 * A padded batch, time-major (the layout the hand-written GRU steps through):
 *   x    [T, B, VOCAB_SIZE]  one-hot characters; all zeros at padded positions
 *   mask [T, B, 1]           1 where row b has a character at position t, 0 on padding
 *   y    [B, classes]        one-hot labels
 * T is the longest name in this batch, as in the brief and as PyTorch's padded-then-packed batches.
 */
export interface DenseBatch {
  steps: number;
  batch: number;
  x: Float32Array;
  mask: Float32Array;
  y: Float32Array;
  labels: Int32Array;
}

export function denseBatch(examples: readonly EncodedExample[], classes: number): DenseBatch {
  const batch = examples.length;
  const steps = Math.max(1, ...examples.map((e) => e.ids.length));
  const x = new Float32Array(steps * batch * VOCAB_SIZE);
  const mask = new Float32Array(steps * batch);
  const y = new Float32Array(batch * classes);
  const labels = new Int32Array(batch);
  examples.forEach((e, b) => {
    e.ids.forEach((id, t) => {
      x[(t * batch + b) * VOCAB_SIZE + id] = 1;
      mask[t * batch + b] = 1;
    });
    y[b * classes + e.label] = 1;
    labels[b] = e.label;
  });
  return { steps, batch, x, mask, y, labels };
}

/** Batch-major copy of x ([B, T, V]), for TF.js layers, whose RNN layers take [batch, time, features]. */
export function batchMajor(x: Float32Array, steps: number, batch: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const from = (t * batch + b) * VOCAB_SIZE;
      out.set(x.subarray(from, from + VOCAB_SIZE), (b * steps + t) * VOCAB_SIZE);
    }
  }
  return out;
}

/**
 * Training batches in torch_peer.py's order: one Python `random.Random(1)` stream shuffles the training
 * indices at the start of every epoch, then consecutive slices of `size` (the last one may be short).
 * Yields at most `limit` batches in all.
 */
export function* trainBatches(train: readonly EncodedExample[], size: number, epochs: number, limit: number): Generator<EncodedExample[]> {
  const rng = new PyRandom(1);
  let given = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = train.map((_, i) => i);
    rng.shuffle(order);
    for (let s = 0; s < order.length; s += size) {
      if (given++ >= limit) return;
      yield order.slice(s, s + size).map((i) => train[i]!);
    }
  }
}

/**
 * At most `limit` test examples, every k-th one. The test split is stored language by language, so a
 * prefix would hold only the first few languages; a stride keeps every language's share (±1 example).
 * limit <= 0 or >= the test size: the whole test split.
 */
export function testSubset(test: readonly EncodedExample[], limit: number): EncodedExample[] {
  if (limit <= 0 || limit >= test.length) return [...test];
  const stride = Math.ceil(test.length / limit);
  return test.filter((_, i) => i % stride === 0);
}

/** The share of the most frequent label: what always answering that label scores. */
export function majorityShare(examples: readonly EncodedExample[], classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const e of examples) counts[e.label]!++;
  return Math.max(...counts) / Math.max(1, examples.length);
}

/** The entropy (nats) of the label distribution: the loss of a model that learned only the class priors. */
export function labelEntropy(examples: readonly EncodedExample[], classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const e of examples) counts[e.label]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / examples.length) * Math.log(c / examples.length);
  return h;
}
