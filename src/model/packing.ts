// Packed batches, the layout every recurrent kernel reads (PyTorch's PackedSequence, time-major):
// rows are sorted by length (longest first), so the rows still reading at position t are a prefix of
// n_t rows, and position t's rows are stored contiguously from packed row offsets[t]. Nothing is padded:
// a batch of names holds sum(lengths) rows, and the kernels at step t touch only n_t of them. Results
// cannot depend on padding, because there is none.

export interface PackedBatch {
  /** Rows (names) in the batch. */
  batch: number;
  /** Longest length = number of positions. */
  steps: number;
  /** Packed rows = sum of lengths. */
  rows: number;
  /** Lengths in sorted (descending) order. */
  lengths: number[];
  /** order[r] = index in the caller's list of sorted row r. */
  order: number[];
  /** n_t: rows active at position t (t < steps). */
  batchSizes: number[];
  /** offsets[t]: packed row of row 0 at position t; offsets[steps] = rows. */
  offsets: number[];
  /** [rows] character ids, packed. */
  tokens: Uint32Array;
  /** [batch] class ids in sorted order. */
  labels: Uint32Array;
  /** [batch] packed row of each row's last position (len - 1). */
  last: Uint32Array;
  /** [vocab + 1] CSR starts of packed rows grouped by character (for the input-projection gradient). */
  csrStart: Uint32Array;
  /** [rows] packed rows sorted by character. */
  csrRows: Uint32Array;
  /**
   * Language model batches only (src/train/lm_batches.ts): [rows] the target class of each packed row (the
   * next symbol). Such a batch's `tokens` and `csrRows` are [2 * rows] (two-hot inputs: the symbols, then
   * each packed row's language row) and csrStart spans every input row.
   */
  targets?: Uint32Array;
}

/** Packs encoded names (character ids) and their labels. Every sequence must be non-empty. */
export function packBatch(seqs: readonly (readonly number[])[], labels: readonly number[], vocab: number): PackedBatch {
  const batch = seqs.length;
  if (batch === 0) throw new Error('packBatch: empty batch');
  if (labels.length !== batch) throw new Error('packBatch: labels and sequences differ in count');
  // Stable sort by length, longest first.
  const order = seqs.map((_, i) => i).sort((a, b) => seqs[b]!.length - seqs[a]!.length || a - b);
  const lengths = order.map((i) => seqs[i]!.length);
  if (lengths[batch - 1] === 0) throw new Error('packBatch: empty sequence');
  const steps = lengths[0]!;
  const batchSizes: number[] = [];
  const offsets: number[] = [0];
  for (let t = 0; t < steps; t++) {
    let n = 0;
    while (n < batch && lengths[n]! > t) n++;
    batchSizes.push(n);
    offsets.push(offsets[t]! + n);
  }
  const rows = offsets[steps]!;
  const tokens = new Uint32Array(rows);
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < batchSizes[t]!; r++) {
      const c = seqs[order[r]!]![t]!;
      if (!(c >= 0 && c < vocab)) throw new Error(`packBatch: character id ${c} outside the vocabulary of ${vocab}`);
      tokens[offsets[t]! + r] = c;
    }
  }
  const last = new Uint32Array(batch);
  for (let r = 0; r < batch; r++) last[r] = offsets[lengths[r]! - 1]! + r;
  // Counting sort of packed rows by character.
  const csrStart = new Uint32Array(vocab + 1);
  for (let i = 0; i < rows; i++) csrStart[tokens[i]! + 1]!++;
  for (let c = 0; c < vocab; c++) csrStart[c + 1]! += csrStart[c]!;
  const fill = csrStart.slice(0, vocab);
  const csrRows = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) csrRows[fill[tokens[i]!]!++] = i;
  return {
    batch, steps, rows, lengths, order, batchSizes, offsets, tokens,
    labels: Uint32Array.from(order, (i) => labels[i]!),
    last, csrStart, csrRows,
  };
}

// The step schedule (stepSchedule, StepInfo) lives in core/schedule.ts: the CPU twins walk it too.
export { stepSchedule, type StepInfo } from '../core/schedule.js';

/**
 * Where a batch's integers sit in one u32 buffer (the network's `ints`, uploaded with one write per step):
 * element offsets of tokens [hN], csrStart [vocab+1], csrRows [hN], labels [batch], last [batch], offsets
 * [steps+1 <= rows+1], lengths [batch] and, for a language model, targets [rows]; `total` elements in all.
 * h = 2 for a language model's two-hot input (the symbols, then each row's language row), else 1. Sized by a
 * capacity, so one buffer serves every batch up to it.
 */
export interface IntsLayout {
  tokens: number;
  csrStart: number;
  csrRows: number;
  labels: number;
  last: number;
  offsets: number;
  lengths: number;
  targets: number;
  total: number;
}

export function intsLayout(cap: { rows: number; batch: number }, vocab: number, lm = false): IntsLayout {
  const N = cap.rows, B = cap.batch, hN = (lm ? 2 : 1) * N;
  const labels = 2 * hN + vocab + 1, offsets = labels + 2 * B, targets = offsets + N + 1 + B;
  return { tokens: 0, csrStart: hN, csrRows: hN + vocab + 1, labels, last: labels + B, offsets, lengths: offsets + N + 1, targets, total: targets + (lm ? N : 0) };
}

/** The batch's integers laid out as `off` says (zeros where the batch is smaller than the capacity). */
export function packInts(b: PackedBatch, off: IntsLayout): Uint32Array {
  const ints = new Uint32Array(off.total);
  ints.set(b.tokens, off.tokens);
  ints.set(b.csrStart, off.csrStart);
  ints.set(b.csrRows, off.csrRows);
  ints.set(b.labels, off.labels);
  ints.set(b.last, off.last);
  ints.set(b.offsets, off.offsets);
  ints.set(b.lengths, off.lengths);
  if (b.targets && off.total > off.targets) ints.set(b.targets, off.targets);
  return ints;
}
