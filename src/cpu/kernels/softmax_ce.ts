// CPU twin of shaders/softmax_ce.wgsl.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

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
