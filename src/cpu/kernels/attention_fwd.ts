// CPU twin of shaders/attention_fwd.wgsl: per row b, over its positions t < len_b (packed row
// offsets[t] + b), scores, softmax weights and the weighted sum.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

/** Packed rows of row b's positions 0..len_b - 1. */
export function rowsOf(ints: Uint32Array, p: Params, b: number): number[] {
  const len = ints[p.off_lengths! + b]!;
  return Array.from({ length: len }, (_, t) => ints[p.off_offsets! + t]! + b);
}

export function attentionFwd(bufs: Record<string, HostArray>, p: Params): void {
  const ints = bufs.ints as Uint32Array, w = bufs.w as FloatArray, y = bufs.y as FloatArray;
  const alpha = bufs.alpha as FloatArray, feat = bufs.feat as FloatArray;
  const D = p.d!;
  for (let b = 0; b < p.batch!; b++) {
    const rows = rowsOf(ints, p, b);
    const e = rows.map((row) => {
      let s = w[p.off_b!]!;
      for (let k = 0; k < D; k++) s += w[p.off_w! + k]! * y[row * p.ld_y! + k]!;
      return s;
    });
    const m = Math.max(...e);
    const ex = e.map((v) => Math.exp(v - m));
    const sum = ex.reduce((a, v) => a + v, 0);
    rows.forEach((row, t) => (alpha[row] = ex[t]! / sum));
    for (let k = 0; k < D; k++) {
      let c = 0;
      for (const row of rows) c += alpha[row]! * y[row * p.ld_y! + k]!;
      feat[b * D + k] = c;
    }
  }
}
