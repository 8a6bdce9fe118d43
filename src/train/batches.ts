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
  /**
   * Also end a batch before its packed rows (characters, noise included) would pass this, so that one long
   * name does not force every batch's buffers to batchSize x its length (evaluation; a batch always takes
   * at least one name).
   */
  maxRows?: number;
}

/** Splits encoded examples into packed batches (the last one may be smaller). */
export function makeBatches(data: Encoded, o: BatchOptions): PackedBatch[] {
  const idx = data.seqs.map((_, i) => i);
  if (o.rng) o.rng.shuffle(idx);
  const out: PackedBatch[] = [];
  const maxRows = o.maxRows ?? Infinity;
  let part: number[] = [], seqs: number[][] = [], rows = 0;
  const flush = () => {
    if (part.length) out.push(packBatch(seqs, part.map((i) => data.labels[i]!), VOCAB_SIZE));
    part = [];
    seqs = [];
    rows = 0;
  };
  for (const i of idx) {
    // Noise is drawn in order, name by name, so batching never changes which noise a name gets.
    const seq = o.noise ? addNoise(data.seqs[i]!, o.noise, o.noiseRng!) : data.seqs[i]!;
    if (part.length === o.batchSize || (part.length > 0 && rows + seq.length > maxRows)) flush();
    part.push(i);
    seqs.push(seq);
    rows += seq.length;
  }
  flush();
  return out;
}

/** Most packed rows any batch of `batchSize` names (plus up to `noise` characters each) can have. */
export function maxBatchRows(data: Encoded, batchSize: number, noise = 0): number {
  const lengths = data.seqs.map((s) => s.length).sort((a, b) => b - a);
  let rows = 0;
  for (let i = 0; i < Math.min(batchSize, lengths.length); i++) rows += lengths[i]! + noise;
  return Math.max(1, rows);
}

export const longest = (data: Encoded): number => data.seqs.reduce((m, s) => Math.max(m, s.length), 1);
