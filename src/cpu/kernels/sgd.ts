// CPU twin of shaders/sgd.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function sgd(b: Record<string, HostArray>, p: Params): void {
  const param = b.param as FloatArray, grad = b.grad as FloatArray, buf = b.buf as FloatArray;
  const scale = (b.stats as FloatArray)[4]!;
  if (scale === 0) return;
  for (let i = 0; i < p.n!; i++) {
    const g = grad[i]! * scale;
    if (p.momentum! > 0) {
      buf[i] = p.momentum! * buf[i]! + g;
      param[i] -= p.lr! * buf[i]!;
    } else {
      param[i] -= p.lr! * g;
    }
  }
}
