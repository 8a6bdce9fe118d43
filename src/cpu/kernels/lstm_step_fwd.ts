// CPU twin of shaders/lstm_step_fwd.wgsl (cache i | f | g | o | c | h_prev | c_prev).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { sigmoidC, tanhC } from './activations.js';

export function lstmStepFwd(b: Record<string, HostArray>, p: Params): void {
  const xg = b.xg as FloatArray, w = b.w as FloatArray, y = b.y as FloatArray, cache = b.cache as FloatArray;
  const H = p.h!;
  for (let row = 0; row < p.n_cur!; row++) {
    const hasPrev = row < p.n_prev!;
    const prev = (p.off_prev! + row) * p.ld_y! + p.col_y!;
    const pr = p.off_cur! + row;
    for (let j = 0; j < H; j++) {
      let ai = 0, af = 0, ag = 0, ao = 0;
      if (hasPrev) {
        for (let k = 0; k < H; k++) {
          const hp = y[prev + k]!;
          const wrow = p.off_w! + k * 4 * H + j;
          ai += hp * w[wrow]!;
          af += hp * w[wrow + H]!;
          ag += hp * w[wrow + 2 * H]!;
          ao += hp * w[wrow + 3 * H]!;
        }
      }
      const x = pr * 4 * H;
      const ig = sigmoidC(xg[x + j]! + ai + w[p.off_b! + j]!);
      const fg = sigmoidC(xg[x + H + j]! + af + w[p.off_b! + H + j]!);
      const gg = tanhC(xg[x + 2 * H + j]! + ag + w[p.off_b! + 2 * H + j]!);
      const og = sigmoidC(xg[x + 3 * H + j]! + ao + w[p.off_b! + 3 * H + j]!);
      const hp = hasPrev ? y[prev + j]! : 0;
      const cp = hasPrev ? cache[(p.off_prev! + row) * 7 * H + 4 * H + j]! : 0;
      const c = fg * cp + ig * gg;
      y[pr * p.ld_y! + p.col_y! + j] = og * tanhC(c);
      const base = pr * 7 * H;
      cache[base + j] = ig;
      cache[base + H + j] = fg;
      cache[base + 2 * H + j] = gg;
      cache[base + 3 * H + j] = og;
      cache[base + 4 * H + j] = c;
      cache[base + 5 * H + j] = hp;
      cache[base + 6 * H + j] = cp;
    }
  }
}
