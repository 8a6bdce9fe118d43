// CPU twin of shaders/final_scatter.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function finalScatter(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, dfeat = b.dfeat as FloatArray, ext = b.ext as FloatArray;
  const d = p.dirs! * p.h!;
  for (let r = 0; r < p.batch!; r++) {
    for (let k = 0; k < d; k++) {
      const row = k < p.h! ? ints[p.off_last! + r]! : r;
      ext[row * p.ld_y! + k] += dfeat[r * d + k]!;
    }
  }
}
