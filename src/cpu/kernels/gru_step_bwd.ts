// CPU twin of shaders/gru_step_bwd.wgsl (dg = dgx r,z,n | dgh r,z,n·r).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function gruStepBwd(b: Record<string, HostArray>, p: Params): void {
  const w = b.w as FloatArray, cache = b.cache as FloatArray, ext = b.ext as FloatArray;
  const dh = b.dh as FloatArray, dg = b.dg as FloatArray;
  const H = p.h!;
  for (let row = 0; row < p.n_tgt!; row++) {
    const pt = p.off_tgt! + row;
    for (let k = 0; k < H; k++) {
      let d = ext[pt * p.ld_ext! + p.col_ext! + k]!;
      if (row < p.n_cur!) {
        const pc = p.off_cur! + row;
        let acc = 0;
        for (let j = 0; j < 3 * H; j++) acc += dg[pc * 6 * H + 3 * H + j]! * w[p.off_w! + k * 3 * H + j]!;
        d += acc + dh[pc * H + k]! * cache[pc * 5 * H + H + k]!;
      }
      dh[pt * H + k] = d;
      const c = pt * 5 * H;
      const r = cache[c + k]!, z = cache[c + H + k]!, n = cache[c + 2 * H + k]!;
      const hn = cache[c + 3 * H + k]!, hp = cache[c + 4 * H + k]!;
      const dan = d * (1 - z) * (1 - n * n);
      const dar = dan * hn * r * (1 - r);
      const daz = d * (hp - n) * z * (1 - z);
      const o = pt * 6 * H;
      dg[o + k] = dar;
      dg[o + H + k] = daz;
      dg[o + 2 * H + k] = dan;
      dg[o + 3 * H + k] = dar;
      dg[o + 4 * H + k] = daz;
      dg[o + 5 * H + k] = dan * r;
    }
  }
}
