// CPU twin of shaders/adam.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function adam(b: Record<string, HostArray>, p: Params): void {
  const param = b.param as FloatArray, grad = b.grad as FloatArray, m = b.m as FloatArray, v = b.v as FloatArray;
  const scale = (b.stats as FloatArray)[4]!;
  if (scale === 0) return;
  for (let i = 0; i < p.n!; i++) {
    const g = grad[i]! * scale;
    const mi = p.beta1! * m[i]! + (1 - p.beta1!) * g;
    const vi = p.beta2! * v[i]! + (1 - p.beta2!) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (p.step_size! * mi) / (Math.sqrt(vi) / p.bc2_sqrt! + p.eps!);
  }
}
