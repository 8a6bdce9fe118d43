// Every tunable combination the tuning table (src/tune/tuning.ts) can produce for a kernel at the shapes a
// test uses, so kernel tests run each of them against the CPU twin: for the step kernels, every row block
// any entry picks for 1..maxRows active rows at hidden size H, plus extra combinations a test names (H not
// a multiple of WG·TN, more rows per block than active rows, ...).
import type { KernelDef, Params, Tunables } from '../../src/core/kernel.js';
import { gemmK } from '../../src/kernels.js';
import { TUNINGS } from '../../src/tune/tuning.js';

const key = (t: Tunables): string => JSON.stringify(Object.keys(t).sort().map((k) => [k, t[k]]));

export function distinctTunables(list: Tunables[]): Tunables[] {
  const seen = new Map<string, Tunables>();
  for (const t of list) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()];
}

/** The step kernel's tunables of every tuning for n = 1..maxRows active rows at hidden size h, and `extra`. */
export function stepTunables(kernel: KernelDef, h: number, maxRows: number, extra: Tunables[] = []): Tunables[] {
  const fwd = kernel.tune?.kind === 'step' && kernel.tune.dir === 'fwd';
  const all: Tunables[] = [...extra];
  for (const t of TUNINGS) {
    for (let n = 1; n <= maxRows; n++) {
      const p: Params = fwd ? { h, n_cur: n, n_prev: n } : { h, n_tgt: n, n_cur: n };
      all.push(t.tunablesFor(kernel, p));
    }
  }
  return distinctTunables(all);
}

/** The gemm tiles of every tuning for a product of this shape (with the call's fixed flags). */
export function gemmTunables(m: number, n: number, k: number, fixed: Tunables, extra: Tunables[] = []): Tunables[] {
  return distinctTunables([...extra.map((t) => ({ ...t, ...fixed })), ...TUNINGS.map((t) => t.tunablesFor(gemmK, { m, n, k }, fixed))]);
}
