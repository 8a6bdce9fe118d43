// CPU twin of shaders/sample.wgsl: one decoding position of a language model (the same counter-based
// stream, so the same symbols from the same logits).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { hashU32 } from './dropout.js';

/** The sampler's uniform in [0, 1) for (seed, position, row): 24 bits of a counter-based hash. */
export function sampleUniform(seed: number, pos: number, row: number): number {
  const h = hashU32((hashU32((seed ^ hashU32(pos)) >>> 0) ^ row) >>> 0);
  return (h >>> 8) / 16777216;
}

/**
 * The distribution sample.wgsl draws from: exp((l - max) / T) over the top_k largest logits (ties by lower
 * index; 0 = all), unnormalized. Shared by the twin and the tests.
 */
export function temperedWeights(logits: ArrayLike<number>, temperature: number, topK: number): Float64Array {
  const C = logits.length;
  let m = logits[0]!;
  for (let c = 1; c < C; c++) m = Math.max(m, logits[c]!);
  const q = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const l = logits[c]!;
    let keep = true;
    if (topK > 0 && topK < C) {
      let rank = 0;
      for (let d = 0; d < C; d++) if (logits[d]! > l || (logits[d] === l && d < c)) rank++;
      keep = rank < topK;
    }
    q[c] = keep ? Math.exp((l - m) / temperature) : 0;
  }
  return q;
}

export function sample(b: Record<string, HostArray>, p: Params): void {
  const logits = b.logits as FloatArray, ints = b.ints as Uint32Array, logp = b.logp as FloatArray;
  const C = p.classes!, B = p.batch!, pos = p.pos!;
  for (let r = 0; r < B; r++) {
    if (ints[p.off_done! + r] !== 0) {
      ints[p.off_next! + r] = p.end_id!;
      logp[pos * B + r] = 0;
      continue;
    }
    const row = logits.subarray(r * C, r * C + C);
    let m = row[0]!;
    for (let c = 1; c < C; c++) m = Math.max(m, row[c]!);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(row[c]! - m);
    let pick = 0;
    if (pos < p.n_prefix!) {
      pick = ints[p.off_prefix! + pos]!;
    } else {
      const q = temperedWeights(row, p.temperature!, p.top_k!);
      let total = 0;
      for (let c = 0; c < C; c++) total += q[c]!;
      const target = sampleUniform(p.seed!, pos, (p.row_base! + r) >>> 0) * total;
      let cum = 0;
      for (let c = 0; c < C; c++) {
        if (q[c]! > 0) {
          cum += q[c]!;
          pick = c;
          if (target < cum) break;
        }
      }
    }
    logp[pos * B + r] = row[pick]! - m - Math.log(z);
    ints[p.off_next! + r] = pick;
    if (pick === p.end_id) ints[p.off_done! + r] = pos + 1;
  }
}
