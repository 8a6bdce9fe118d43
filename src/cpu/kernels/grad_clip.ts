// CPU twin of shaders/grad_clip.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

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
