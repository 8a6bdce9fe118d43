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
   * Language model batches only (src/generate/batches.ts): [rows] the target class of each packed row (the
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

/**
 * The step schedule of one direction. Reading order is positions 0..T-1 (forward) or T-1..0 (backward
 * direction, which starts at each row's own last character because rows not yet started have no state).
 * For each step: the position read, its packed offset and rows, and the previous position's.
 */
export interface StepInfo {
  pos: number;
  off: number;
  n: number;
  offPrev: number;
  nPrev: number;
}

export function stepSchedule(b: Pick<PackedBatch, 'steps' | 'offsets' | 'batchSizes'>, reverse: boolean): StepInfo[] {
  const out: StepInfo[] = [];
  for (let s = 0; s < b.steps; s++) {
    const pos = reverse ? b.steps - 1 - s : s;
    const prev = reverse ? pos + 1 : pos - 1;
    const hasPrev = prev >= 0 && prev < b.steps;
    out.push({
      pos,
      off: b.offsets[pos]!,
      n: b.batchSizes[pos]!,
      offPrev: hasPrev ? b.offsets[prev]! : 0,
      // Forward: every row at pos was active at pos-1. Backward: only rows also active at pos+1 have a state.
      nPrev: hasPrev ? Math.min(b.batchSizes[prev]!, b.batchSizes[pos]!) : 0,
    });
  }
  return out;
}
