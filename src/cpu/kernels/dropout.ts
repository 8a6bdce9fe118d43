// CPU twin of shaders/dropout.wgsl: the same counter-based mask, bit for bit (u32 arithmetic via Math.imul).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function hashU32(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

export function dropout(b: Record<string, HostArray>, p: Params): void {
  const x = b.x as FloatArray, y = b.y as FloatArray;
  const hs = hashU32(p.seed!);
  for (let i = 0; i < p.n!; i++) {
    const keep = hashU32((i ^ hs) >>> 0) >= p.threshold!;
    y[p.off_y! + i] = keep ? x[p.off_x! + i]! * p.scale! : 0;
  }
}
