// CPU twin of shaders/embed_gather.wgsl: out[i, j] = W[tok[i], j] + bias[j] (+ W[tok[off_tok2 + i], j] with hots = 2).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function embedGather(b: Record<string, HostArray>, p: Params): void {
  const tok = b.tok as Uint32Array, w = b.w as FloatArray, out = b.out as FloatArray;
  for (let i = 0; i < p.n!; i++) {
    const c = tok[p.off_tok! + i]!;
    for (let j = 0; j < p.width!; j++) {
      let v = w[p.off_w! + c * p.width! + j]! + w[p.off_b! + j]!;
      if (p.hots === 2) {
        if (!(out instanceof Float64Array)) v = Math.fround(v); // f32 rounding of the sum, as on the GPU
        v += w[p.off_w! + tok[p.off_tok2! + i]! * p.width! + j]!;
      }
      out[p.off_out! + i * p.ld_out! + j] = v;
    }
  }
}
