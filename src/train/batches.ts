// From examples to packed batches: encoding, seeded shuffling, and the optional noise of the workshop
// experiment (0..K random characters from ".,;'" appended to each name).
import { Rng } from '../core/rng.js';
import type { Example } from '../data/split.js';
import { VOCAB, VOCAB_SIZE, encodeName } from '../data/vocab.js';
import { packBatch, type PackedBatch } from '../model/packing.js';

export const NOISE_CHARS = ".,;'";
const NOISE_IDS = [...NOISE_CHARS].map((c) => VOCAB.indexOf(c));

export interface Encoded {
  seqs: number[][];
  labels: number[];
}

export function encodeExamples(examples: readonly Example[]): Encoded {
  return { seqs: examples.map((e) => encodeName(e.name)), labels: examples.map((e) => e.label) };
}

export function addNoise(seq: readonly number[], maxExtra: number, rng: Rng): number[] {
  const extra = rng.int(maxExtra + 1);
  const out = seq.slice();
  for (let i = 0; i < extra; i++) out.push(NOISE_IDS[rng.int(NOISE_IDS.length)]!);
  return out;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle with this generator; in order when absent. */
  rng?: Rng;
  /** Append 0..noise random punctuation characters to each name (drawn from `noiseRng`). */
  noise?: number;
  noiseRng?: Rng;
}

/** Splits encoded examples into packed batches (the last one may be smaller). */
export function makeBatches(data: Encoded, o: BatchOptions): PackedBatch[] {
  const idx = data.seqs.map((_, i) => i);
  if (o.rng) o.rng.shuffle(idx);
  const out: PackedBatch[] = [];
  for (let s = 0; s < idx.length; s += o.batchSize) {
    const part = idx.slice(s, s + o.batchSize);
    const seqs = part.map((i) => (o.noise ? addNoise(data.seqs[i]!, o.noise, o.noiseRng!) : data.seqs[i]!));
    out.push(packBatch(seqs, part.map((i) => data.labels[i]!), VOCAB_SIZE));
  }
  return out;
}

export const longest = (data: Encoded): number => data.seqs.reduce((m, s) => Math.max(m, s.length), 1);
