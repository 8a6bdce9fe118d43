// CPU twin of shaders/rnn_step_fwd.wgsl.
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
