// CPU twin of shaders/row_stats.wgsl: row_ce's per-row losses and correct flags added into the step's counters.
import type { FloatArray, HostArray, Params } from '../../core/kernel.js';

export function rowStats(b: Record<string, HostArray>, p: Params): void {
  const part = b.part as FloatArray, stats = b.stats as FloatArray;
  let loss = 0, correct = 0;
  for (let i = 0; i < p.rows!; i++) {
    loss += part[i]!;
    correct += part[p.rows! + i]!;
  }
  stats[0] += loss;
  stats[1] += correct;
  stats[2] += p.rows!;
}
