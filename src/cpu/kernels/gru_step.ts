// CPU twins of shaders/gru_step_fwd.wgsl, gru_step_fwd_emb.wgsl and gru_step_bwd.wgsl (same packed layout, same cache).
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';
import { sigmoidC, tanhC } from './activations.js';

export function gruStepFwd(b: Record<string, HostArray>, p: Params): void {
  const xg = b.xg as FloatArray;
  stepFwd(b, p, (pr) => pr * 3 * p.h!, xg, null);
}

/**
 * Twin of shaders/gru_step_fwd_emb.wgsl: gru_step_fwd with layer 0's input gates gathered as embed_gather
 * computes them, W_ih[tok[row]] + b_ih (an f32 add, then the same step).
 */
export function gruStepFwdEmb(b: Record<string, HostArray>, p: Params): void {
  const tok = b.tok as Uint32Array, w = b.w as FloatArray;
  const bih = w.subarray(p.off_bih!, p.off_bih! + 3 * p.h!);
  stepFwd(b, p, (pr) => p.off_wih! + tok[p.off_tok! + pr]! * 3 * p.h!, w, bih);
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
