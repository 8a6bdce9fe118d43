// CPU twin of shaders/colsum.wgsl: s[j] = sum_i a[i, j], into out[off_out + j] for j < split and
// out[off_out2 + j - from2] for j >= from2.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function colsum(b: Record<string, HostArray>, p: Params): void {
  const a = b.a as FloatArray, out = b.out as FloatArray;
  for (let j = 0; j < p.width!; j++) {
    let s = 0;
    for (let i = 0; i < p.rows!; i++) s += a[p.off_a! + i * p.lda! + j]!;
    if (j < p.split!) out[p.off_out! + j] = s;
    if (j >= p.from2!) out[p.off_out2! + j - p.from2!] = s;
  }
}
