// CPU twin of shaders/lstm_step_bwd.wgsl (same cache; state gradient dh | dc).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { tanhC } from './activations.js';

export function lstmStepBwd(b: Record<string, HostArray>, p: Params): void {
  const w = b.w as FloatArray, cache = b.cache as FloatArray, ext = b.ext as FloatArray;
  const dh = b.dh as FloatArray, dg = b.dg as FloatArray;
  const H = p.h!;
  for (let row = 0; row < p.n_tgt!; row++) {
    const pt = p.off_tgt! + row;
    for (let k = 0; k < H; k++) {
      const base = pt * 7 * H;
      const ig = cache[base + k]!, fg = cache[base + H + k]!, gg = cache[base + 2 * H + k]!, og = cache[base + 3 * H + k]!;
      const tc = tanhC(cache[base + 4 * H + k]!);
      const cp = cache[base + 6 * H + k]!;
      let d = ext[pt * p.ld_ext! + p.col_ext! + k]!;
      let dc = 0;
      if (row < p.n_cur!) {
        const pc = p.off_cur! + row;
        let acc = 0;
        for (let j = 0; j < 4 * H; j++) acc += dg[pc * 4 * H + j]! * w[p.off_w! + k * 4 * H + j]!;
        d += acc;
        dc = dh[pc * 2 * H + H + k]! * cache[pc * 7 * H + H + k]!;
      }
      dc += d * og * (1 - tc * tc);
      dh[pt * 2 * H + k] = d;
      dh[pt * 2 * H + H + k] = dc;
      const gb = pt * 4 * H;
      dg[gb + k] = dc * gg * ig * (1 - ig);
      dg[gb + H + k] = dc * cp * fg * (1 - fg);
      dg[gb + 2 * H + k] = dc * ig * (1 - gg * gg);
      dg[gb + 3 * H + k] = d * tc * og * (1 - og);
    }
  }
}
