// CPU twin of shaders/embed_grad.wgsl: out[c, j] = sum over rows i with tok[i] = c of dg[i, j] (CSR order).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function embedGrad(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, dg = b.dg as FloatArray, out = b.out as FloatArray;
  for (let c = 0; c < p.vocab!; c++) {
    const start = ints[p.off_start! + c]!, end = ints[p.off_start! + c + 1]!;
    for (let j = 0; j < p.width!; j++) {
      let s = 0;
      for (let r = start; r < end; r++) s += dg[p.off_dg! + ints[p.off_rows! + r]! * p.ld_dg! + j]!;
      out[p.off_out! + c * p.width! + j] = s;
    }
  }
}
