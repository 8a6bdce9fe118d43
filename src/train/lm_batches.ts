// Packed batches of a language model: a name c1..cn of language l becomes the input [START, c1..cn] (each row
// two-hot with language row l) and the targets [c1..cn, END], packed like any batch (packing.ts) with
// lengths n + 1, so the recurrent kernels run unchanged and the head computes only real positions.
import { Rng } from '../core/rng.js';
import { VOCAB_SIZE } from '../data/vocab.js';
import { packBatch, type PackedBatch } from '../model/packing.js';
import type { Encoded } from './batches.js';
import { END, languageRow, START } from './lm_symbols.js';

/**
 * Packs names (character ids, possibly empty) with their languages. tokens = [symbols | language rows] and
 * the CSR lists every packed row twice (under its symbol and under its language row: 2N entries), so
 * embed_grad's one gather gives the gradient of both rows of W_ih.
 */
export function packLmBatch(seqs: readonly (readonly number[])[], languages: readonly number[], numLanguages: number): PackedBatch {
  for (const l of languages) if (!(Number.isInteger(l) && l >= 0 && l < numLanguages)) throw new Error(`packLmBatch: language ${l} outside 0..${numLanguages - 1}`);
  const b = packBatch(seqs.map((s) => [START, ...s]), languages, VOCAB_SIZE + 1);
  const N = b.rows, V = VOCAB_SIZE + 1 + numLanguages;
  const tokens = new Uint32Array(2 * N);
  tokens.set(b.tokens);
  const targets = new Uint32Array(N);
  for (let t = 0; t < b.steps; t++) {
    for (let r = 0; r < b.batchSizes[t]!; r++) {
      const i = b.offsets[t]! + r, seq = seqs[b.order[r]!]!;
      tokens[N + i] = languageRow(b.labels[r]!);
      targets[i] = t < seq.length ? seq[t]! : END;
    }
  }
  const csrStart = new Uint32Array(V + 1);
  for (let k = 0; k < 2 * N; k++) csrStart[tokens[k]! + 1]!++;
  for (let c = 0; c < V; c++) csrStart[c + 1]! += csrStart[c]!;
  const fill = csrStart.slice(0, V);
  const csrRows = new Uint32Array(2 * N);
  for (let k = 0; k < 2 * N; k++) csrRows[fill[tokens[k]!]!++] = k % N;
  return { ...b, tokens, csrStart, csrRows, targets };
}

/** Shuffled (when rng is given) language-model batches of encoded names. */
export function makeLmBatches(data: Encoded, numLanguages: number, o: { batchSize: number; rng?: Rng }): PackedBatch[] {
  const idx = data.seqs.map((_, i) => i);
  if (o.rng) o.rng.shuffle(idx);
  const out: PackedBatch[] = [];
  for (let s = 0; s < idx.length; s += o.batchSize) {
    const part = idx.slice(s, s + o.batchSize);
    out.push(packLmBatch(part.map((i) => data.seqs[i]!), part.map((i) => data.labels[i]!), numLanguages));
  }
  return out;
}
