// CPU twin of shaders/final_gather.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function finalGather(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, y = b.y as FloatArray, feat = b.feat as FloatArray;
  const d = p.dirs! * p.h!;
  for (let r = 0; r < p.batch!; r++) {
    for (let k = 0; k < d; k++) {
      const row = k < p.h! ? ints[p.off_last! + r]! : r;
      feat[r * d + k] = y[row * p.ld_y! + k]!;
    }
  }
}
