// Random packed batches for kernel tests: a mix of lengths, including length 1 and the maximum.
import type { Rng } from '../../src/core/rng.js';
import { packBatch, type PackedBatch } from '../../src/model/packing.js';

export function randomLengths(rng: Rng, batch: number, maxLen: number): number[] {
  const lens = Array.from({ length: batch }, () => 1 + rng.int(maxLen));
  lens[0] = maxLen; // the longest row sets the number of steps
  if (batch > 1) lens[batch - 1] = 1;
  return lens;
}

export function randomBatch(rng: Rng, batch: number, maxLen: number, vocab: number, classes = 18): PackedBatch {
  const seqs = randomLengths(rng, batch, maxLen).map((n) => Array.from({ length: n }, () => rng.int(vocab)));
  const labels = seqs.map(() => rng.int(classes));
  return packBatch(seqs, labels, vocab);
}

/** Labelled names of 1..maxLen random letters a-z (the input of a Trainer's TrainData). */
export function letterNames(rng: Rng, n: number, maxLen: number, classes: number): { name: string; label: number }[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: n }, () => ({
    name: Array.from({ length: 1 + rng.int(maxLen) }, () => letters[rng.int(26)]).join(''),
    label: rng.int(classes),
  }));
}
