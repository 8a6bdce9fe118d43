// CPU twin of shaders/attention_bwd.wgsl: the backward of attention_fwd.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { rowsOf } from './attention_fwd.js';

export function attentionBwd(bufs: Record<string, HostArray>, p: Params): void {
  const ints = bufs.ints as Uint32Array, w = bufs.w as FloatArray, y = bufs.y as FloatArray;
  const alpha = bufs.alpha as FloatArray, dfeat = bufs.dfeat as FloatArray;
  const ext = bufs.ext as FloatArray, dscore = bufs.dscore as FloatArray;
  const D = p.d!;
  for (let b = 0; b < p.batch!; b++) {
    const rows = rowsOf(ints, p, b);
    const da = rows.map((row) => {
      let s = 0;
      for (let k = 0; k < D; k++) s += dfeat[b * D + k]! * y[row * p.ld_y! + k]!;
      return s;
    });
    const s = rows.reduce((acc, row, t) => acc + alpha[row]! * da[t]!, 0);
    rows.forEach((row, t) => (dscore[row] = alpha[row]! * (da[t]! - s)));
    for (let k = 0; k < D; k++) {
      const dc = dfeat[b * D + k]!, wk = w[p.off_w! + k]!;
      for (const row of rows) ext[row * p.ld_y! + k] += alpha[row]! * dc + dscore[row]! * wk;
    }
  }
}
