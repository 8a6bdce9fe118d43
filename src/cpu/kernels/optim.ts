// CPU twins of shaders/grad_sumsq.wgsl, shaders/grad_clip.wgsl, shaders/adam.wgsl and shaders/sgd.wgsl.
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

export function gradClip(b: Record<string, HostArray>, p: Params): void {
  const partial = b.partial as FloatArray, stats = b.stats as FloatArray;
  let s = 0;
  for (let i = 0; i < p.parts!; i++) s += partial[i]!;
  const norm = Math.sqrt(s);
  let scale = 1;
  if (p.max_norm! > 0 && norm > p.max_norm!) scale = p.max_norm! / (norm + 1e-6);
  if (!Number.isFinite(norm)) {
    scale = 0;
    stats[5] += 1;
  }
  stats[3] = norm;
  stats[4] = scale;
}

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
