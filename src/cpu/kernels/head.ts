// CPU twins of shaders/final_gather.wgsl, shaders/final_scatter.wgsl and shaders/softmax_ce.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function finalGather(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, y = b.y as FloatArray, feat = b.feat as FloatArray;
  const d = p.dirs! * p.h!;
  for (let r = 0; r < p.batch!; r++) {
    for (let k = 0; k < d; k++) {
      const row = k < p.h! ? ints[p.off_last! + r]! : r;
      feat[r * d + k] = y[row * p.ld_y! + k]!;
    }
  }
}

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

export function softmaxCe(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, logits = b.logits as FloatArray;
  const dlogits = b.dlogits as FloatArray, stats = b.stats as FloatArray, classW = b.class_w as FloatArray;
  const C = p.classes!;
  let loss = 0, correct = 0;
  for (let r = 0; r < p.batch!; r++) {
    const o = r * C;
    let m = logits[o]!, arg = 0;
    for (let c = 1; c < C; c++) if (logits[o + c]! > m) { m = logits[o + c]!; arg = c; }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[o + c]! - m);
    const label = ints[p.off_labels! + r]!;
    loss += m + Math.log(s) - logits[o + label]!;
    if (arg === label) correct++;
    if (p.write_grad === 1) {
      const g = classW[label]! * p.scale!;
      for (let c = 0; c < C; c++) dlogits[o + c] = (Math.exp(logits[o + c]! - m) / s - (c === label ? 1 : 0)) * g;
    }
  }
  stats[0] += loss;
  stats[1] += correct;
  stats[2] += p.batch!;
}
