// CPU twins of shaders/rnn_step_fwd.wgsl and shaders/rnn_step_bwd.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { tanhC } from './activations.js';

export function rnnStepFwd(b: Record<string, HostArray>, p: Params): void {
  const xg = b.xg as FloatArray, w = b.w as FloatArray, y = b.y as FloatArray, cache = b.cache as FloatArray;
  const H = p.h!;
  for (let row = 0; row < p.n_cur!; row++) {
    const hasPrev = row < p.n_prev!;
    const prev = (p.off_prev! + row) * p.ld_y! + p.col_y!;
    const pr = p.off_cur! + row;
    for (let j = 0; j < H; j++) {
      let acc = 0;
      if (hasPrev) for (let k = 0; k < H; k++) acc += y[prev + k]! * w[p.off_w! + k * H + j]!;
      y[pr * p.ld_y! + p.col_y! + j] = tanhC(xg[pr * H + j]! + acc + w[p.off_b! + j]!);
      cache[pr * H + j] = hasPrev ? y[prev + j]! : 0;
    }
  }
}

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
