// Elementwise comparison with tolerance abs + rel*|ref| that reports the worst mismatch. NaN matches NaN:
// outputs are poisoned with NaN before a kernel runs, so an element the kernel should have written but did
// not (or wrote but should not have) differs from the reference.
import { Rng } from '../../src/core/rng.js';

export interface Tolerance {
  abs: number;
  rel: number;
}

export function mismatch(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance): string | null {
  if (got.length !== ref.length) return `${name}: length ${got.length} vs reference ${ref.length}`;
  let worst = -1, worstRatio = 0, bad = 0;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!, r = ref[i]!;
    const gn = Number.isNaN(g), rn = Number.isNaN(r);
    let ratio: number;
    if (gn || rn) ratio = gn === rn ? 0 : Infinity;
    else ratio = Math.abs(g - r) / (tol.abs + tol.rel * Math.abs(r));
    if (ratio > 1) bad++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (bad === 0) return null;
  return `${name}: ${bad}/${ref.length} elements off; worst at [${worst}]: got ${got[worst]}, reference ${ref[worst]} (tolerance ${tol.abs} + ${tol.rel}*|ref|)`;
}

export function expectClose(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance): void {
  const m = mismatch(name, got, ref, tol);
  if (m) throw new Error(m);
}

/** Fresh randomness per run, reproducible by setting TEST_SEED to the seed printed on failure. */
export function testSeed(): number {
  const env = process.env.TEST_SEED;
  return env ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

export function nanArray(n: number): Float32Array {
  return new Float32Array(n).fill(NaN);
}
