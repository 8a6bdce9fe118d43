// CPU twin of shaders/colsum.wgsl: out[j] = sum_i a[i, j].
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function colsum(b: Record<string, HostArray>, p: Params): void {
  const a = b.a as FloatArray, out = b.out as FloatArray;
  for (let j = 0; j < p.width!; j++) {
    let s = 0;
    for (let i = 0; i < p.rows!; i++) s += a[p.off_a! + i * p.lda! + j]!;
    out[p.off_out! + j] = s;
  }
}
