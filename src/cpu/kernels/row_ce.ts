// CPU twin of shaders/row_ce.wgsl: the softmax cross-entropy at every packed row (a language model's
// per-position loss), with its gradient.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function rowCe(b: Record<string, HostArray>, p: Params): void {
  const ints = b.ints as Uint32Array, logits = b.logits as FloatArray, dlogits = b.dlogits as FloatArray, part = b.part as FloatArray;
  const C = p.classes!, N = p.rows!;
  for (let i = 0; i < N; i++) {
    const o = i * C;
    let m = logits[o]!, arg = 0;
    for (let c = 1; c < C; c++) if (logits[o + c]! > m) { m = logits[o + c]!; arg = c; }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[o + c]! - m);
    const target = ints[p.off_targets! + i]!;
    part[i] = m + Math.log(s) - logits[o + target]!;
    part[N + i] = arg === target ? 1 : 0;
    if (p.write_grad === 1) {
      for (let c = 0; c < C; c++) dlogits[o + c] = (Math.exp(logits[o + c]! - m) / s - (c === target ? 1 : 0)) * p.scale!;
    }
  }
}
