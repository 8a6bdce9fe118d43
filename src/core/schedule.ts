// The step schedule of a packed batch (model/packing.ts): which packed rows each position of one direction
// reads, and which rows carry a state from the position before. The network dispatches per-step kernels
// along it, the sequence kernels walk it on the device (shaders/seq_walk.wgsl) and their CPU twins walk it
// here, so all three agree by construction.

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

export function stepSchedule(b: { steps: number; offsets: ArrayLike<number>; batchSizes: ArrayLike<number> }, reverse: boolean): StepInfo[] {
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
