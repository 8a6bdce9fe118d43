// CPU twin of shaders/grad_sumsq.wgsl.
import type { FloatArray, HostArray, Params, Tunables } from '../../core/kernel.js';

export function gradSumsq(b: Record<string, HostArray>, p: Params, t: Tunables): void {
  const g = b.g as FloatArray, partial = b.partial as FloatArray;
  const chunk = t.WG! * t.ITEMS!;
  for (let w = 0; w * chunk < p.n!; w++) {
    let s = 0;
    for (let i = w * chunk; i < Math.min(p.n!, (w + 1) * chunk); i++) s += g[i]! * g[i]!;
    partial[w] = s;
  }
}
