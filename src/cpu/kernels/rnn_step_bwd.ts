// CPU twin of shaders/rnn_step_bwd.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function rnnStepBwd(b: Record<string, HostArray>, p: Params): void {
  const w = b.w as FloatArray, y = b.y as FloatArray, ext = b.ext as FloatArray, dg = b.dg as FloatArray;
  const H = p.h!;
  for (let row = 0; row < p.n_tgt!; row++) {
    const pt = p.off_tgt! + row;
    for (let k = 0; k < H; k++) {
      let d = ext[pt * p.ld_ext! + p.col_ext! + k]!;
      if (row < p.n_cur!) {
        const pc = p.off_cur! + row;
        for (let j = 0; j < H; j++) d += dg[pc * H + j]! * w[p.off_w! + k * H + j]!;
      }
      const h = y[pt * p.ld_ext! + p.col_ext! + k]!;
      dg[pt * H + k] = d * (1 - h * h);
    }
  }
}
