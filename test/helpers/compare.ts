// Elementwise comparison with tolerance abs + rel*|ref| that reports the worst mismatch. A NaN never matches
// by default, on either side: outputs are poisoned with NaN before a kernel runs, so an element that a kernel
// should have written but did not stays NaN, and if the reference (the CPU twin, written from the same
// understanding of the geometry) skipped it too, NaN == NaN would hide the bug. The same goes for poison that
// leaks into a result through a wrong read. A test that expects NaN in some elements says which, with
// `nanOk`: elements a kernel must leave alone (padding, other rows, an offset's gap: see outsideBlock), or
// 'all' for a buffer that must stay untouched (a gradient in evaluation) or a test that feeds NaN on
// purpose. There a NaN on both sides matches; a NaN on one side never does (a write where none belongs).
import { Rng } from '../../src/core/rng.js';

export interface Tolerance {
  abs: number;
  rel: number;
}

/** Elements allowed to be NaN on both sides: every element ('all'), those where a predicate of the flat index holds, or a 0/1 mask. */
export type NanOk = 'all' | ((i: number) => boolean) | ArrayLike<number | boolean>;

function allowed(nanOk: NanOk | undefined): (i: number) => boolean {
  if (nanOk === undefined) return () => false;
  if (nanOk === 'all') return () => true;
  if (typeof nanOk === 'function') return nanOk;
  return (i) => Boolean(nanOk[i]);
}

export function mismatch(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance, nanOk?: NanOk): string | null {
  if (got.length !== ref.length) return `${name}: length ${got.length} vs reference ${ref.length}`;
  const ok = allowed(nanOk);
  let worst = -1, worstRatio = 0, bad = 0, bothNaN = 0;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!, r = ref[i]!;
    const gn = Number.isNaN(g), rn = Number.isNaN(r);
    let ratio: number;
    if (gn && rn) {
      ratio = ok(i) ? 0 : Infinity;
      if (ratio) bothNaN++;
    } else if (gn || rn) ratio = Infinity;
    else ratio = g === r ? 0 : Math.abs(g - r) / (tol.abs + tol.rel * Math.abs(r)); // (tolerance 0: exact)
    if (ratio > 1) bad++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (bad === 0) return null;
  const g = got[worst]!, r = ref[worst]!;
  const why = Number.isNaN(g) && Number.isNaN(r) ? ' (NaN on both sides: not written, or poison read, by both; not allowed by nanOk)'
    : Number.isNaN(g) ? ' (not written, or poison read)' : Number.isNaN(r) ? ' (the reference has NaN here: written where it should not be, or the reference read poison)' : '';
  const nans = bothNaN ? `, ${bothNaN} of them NaN on both sides` : '';
  return `${name}: ${bad}/${ref.length} elements off${nans}; worst at [${worst}]: got ${g}, reference ${r}${why} (tolerance ${tol.abs} + ${tol.rel}*|ref|)`;
}

export function expectClose(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance, nanOk?: NanOk): void {
  const m = mismatch(name, got, ref, tol, nanOk);
  if (m) throw new Error(m);
}

/**
 * nanOk for a buffer a kernel writes only in part: true outside `rows` rows of `cols` columns starting at
 * flat offset `off` + `col`, rows `ld` apart (so in the offset's gap, the padding columns, the other
 * direction's columns and the rows after), i.e. where the kernel must leave the poison alone.
 */
export function outsideBlock(off: number, rows: number, cols: number, ld = cols, col = 0): (i: number) => boolean {
  return (i) => {
    const j = i - off - col;
    if (j < 0) return true;
    const r = Math.floor(j / ld), c = j - r * ld;
    return r >= rows || c >= cols;
  };
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
