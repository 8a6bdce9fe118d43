// CPU twin of shaders/gemm.wgsl: C = (ACCUMULATE ? C : 0) + op(A) op(B) + bias.
import type { FloatArray, HostArray, Params, Tunables } from '../../core/kernel.js';

export function gemm(b: Record<string, HostArray>, p: Params, t: Tunables): void {
  const a = b.a as FloatArray, bm = b.b as FloatArray, bias = b.bias as FloatArray, c = b.c as FloatArray;
  const { m, n, k, off_a, lda, off_b, ldb, off_c, ldc, off_bias, has_bias } = p as Required<Params>;
  const ta = t.TRANS_A === 1, tb = t.TRANS_B === 1, accumulate = t.ACCUMULATE === 1;
  for (let i = 0; i < m!; i++) {
    for (let j = 0; j < n!; j++) {
      let s = 0;
      for (let kk = 0; kk < k!; kk++) {
        const av = ta ? a[off_a! + kk * lda! + i]! : a[off_a! + i * lda! + kk]!;
        const bv = tb ? bm[off_b! + j * ldb! + kk]! : bm[off_b! + kk * ldb! + j]!;
        s += av * bv;
      }
      if (has_bias === 1) s += bias[off_bias! + j]!;
      const idx = off_c! + i * ldc! + j;
      c[idx] = accumulate ? c[idx]! + s : s;
    }
  }
}
