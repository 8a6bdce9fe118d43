// CPU twin of shaders/gru_step_fwd.wgsl (cache r | z | n | hh_n | h_prev).
import type { FloatArray, HostArray, Params, Tunables } from '../../core/kernel.js';
import { sigmoidC, tanhC } from './activations.js';

/** tunables.EMB = 1: layer 0's input gates gathered as embed_gather computes them, W_ih[tok[row]] + b_ih. */
export function gruStepFwd(b: Record<string, HostArray>, p: Params, t: Tunables): void {
  if (t.EMB === 1) {
    const tok = b.tok as Uint32Array, w = b.w as FloatArray;
    const bih = w.subarray(p.off_bih!, p.off_bih! + 3 * p.h!);
    stepFwd(b, p, (pr) => p.off_wih! + tok[p.off_tok! + pr]! * 3 * p.h!, w, bih);
  } else {
    stepFwd(b, p, (pr) => pr * 3 * p.h!, b.xg as FloatArray, null);
  }
}

/** The forward step; row pr's input gates r|z|n are x[xOff(pr) + gate·H + j] (+ bias[gate·H + j] when given). */
function stepFwd(b: Record<string, HostArray>, p: Params, xOff: (pr: number) => number, xg: FloatArray, bias: FloatArray | null): void {
  const w = b.w as FloatArray, y = b.y as FloatArray, cache = b.cache as FloatArray;
  const H = p.h!;
  // The gathered sum is rounded as embed_gather's store into xg rounds it (f32 buffers; none in f64 mode).
  const round = y instanceof Float32Array ? Math.fround : (v: number) => v;
  const gx = (x: number, g: number, j: number): number => (bias ? round(xg[x + g * H + j]! + bias[g * H + j]!) : xg[x + g * H + j]!);
  for (let row = 0; row < p.n_cur!; row++) {
    const hasPrev = row < p.n_prev!;
    const prev = (p.off_prev! + row) * p.ld_y! + p.col_y!;
    const pr = p.off_cur! + row;
    for (let j = 0; j < H; j++) {
      let ar = 0, az = 0, an = 0;
      if (hasPrev) {
        for (let k = 0; k < H; k++) {
          const hp = y[prev + k]!;
          ar += hp * w[p.off_w! + k * 3 * H + j]!;
          az += hp * w[p.off_w! + k * 3 * H + H + j]!;
          an += hp * w[p.off_w! + k * 3 * H + 2 * H + j]!;
        }
      }
      const x = xOff(pr);
      const r = sigmoidC(gx(x, 0, j) + ar + w[p.off_b! + j]!);
      const z = sigmoidC(gx(x, 1, j) + az + w[p.off_b! + H + j]!);
      const hn = an + w[p.off_b! + 2 * H + j]!;
      const n = tanhC(gx(x, 2, j) + r * hn);
      const hp = hasPrev ? y[prev + j]! : 0;
      y[pr * p.ld_y! + p.col_y! + j] = (1 - z) * n + z * hp;
      const c = pr * 5 * H;
      cache[c + j] = r;
      cache[c + H + j] = z;
      cache[c + 2 * H + j] = n;
      cache[c + 3 * H + j] = hn;
      cache[c + 4 * H + j] = hp;
    }
  }
}
