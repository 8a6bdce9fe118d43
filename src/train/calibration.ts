// Calibration: how far predicted probabilities can be trusted, and temperature scaling to improve them.
// All on the host in float64 from a block of logits [n, C] (row-major) and the true labels; platform-neutral.
//
// - NLL: mean of -log p_true, p = softmax(logits / T).
// - Brier score: mean over names of sum_c (p_c - [c = true])^2 (Brier's original multi-class form, in [0, 2]).
// - ECE (Guo et al. 2017): names binned by confidence (max p) into B equal-width bins (lo, hi] of [0, 1];
//   sum over bins of |bin| / n * |accuracy(bin) - mean confidence(bin)|.
// - Temperature scaling: one T > 0 for all classes, chosen to minimize the NLL of held-out names. It changes
//   no argmax, so accuracy stays the same.

export interface Scored {
  /** Row-major [n, classes]. */
  logits: ArrayLike<number>;
  labels: ArrayLike<number>;
  classes: number;
}

export interface CalibrationMetrics {
  nll: number;
  brier: number;
  ece: number;
  accuracy: number;
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence of the names in the bin (NaN when empty). */
  confidence: number;
  /** Share of the bin's names predicted correctly (NaN when empty). */
  accuracy: number;
}

export const ECE_BINS = 15;

function check(s: Scored): number {
  const n = s.labels.length;
  if (s.logits.length !== n * s.classes) throw new Error(`calibration: ${s.logits.length} logits for ${n} labels of ${s.classes} classes`);
  return n;
}

/** Softmax of row i at temperature T into `out` (float64); returns log of the normalizer (for the NLL). */
function rowSoftmax(s: Scored, i: number, T: number, out: Float64Array): number {
  const C = s.classes, base = i * C;
  let m = -Infinity;
  for (let c = 0; c < C; c++) m = Math.max(m, s.logits[base + c]! / T);
  let z = 0;
  for (let c = 0; c < C; c++) z += out[c] = Math.exp(s.logits[base + c]! / T - m);
  for (let c = 0; c < C; c++) out[c]! /= z;
  return m + Math.log(z);
}

/** Mean negative log-likelihood of the true labels at temperature T. */
export function nll(s: Scored, T = 1): number {
  const n = check(s), C = s.classes;
  const p = new Float64Array(C);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rowSoftmax(s, i, T, p) - s.logits[i * C + s.labels[i]!]! / T;
  return n ? sum / n : 0;
}

/** Reliability bins (equal width over [0, 1], `bins` of them) at temperature T. */
export function reliability(s: Scored, T = 1, bins = ECE_BINS): ReliabilityBin[] {
  const n = check(s), C = s.classes;
  const p = new Float64Array(C);
  const count = new Array<number>(bins).fill(0), conf = new Array<number>(bins).fill(0), hit = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    rowSoftmax(s, i, T, p);
    let arg = 0;
    for (let c = 1; c < C; c++) if (p[c]! > p[arg]!) arg = c;
    // Bin (lo, hi]: confidence k/B belongs to bin k-1 (as in Guo et al.'s code, upper edges inclusive).
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p[arg]! * bins) - 1));
    count[b]!++;
    conf[b]! += p[arg]!;
    if (arg === s.labels[i]) hit[b]!++;
  }
  return count.map((k, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: k, confidence: k ? conf[b]! / k : NaN, accuracy: k ? hit[b]! / k : NaN }));
}

/** NLL, Brier score, ECE (`bins` equal-width bins) and accuracy at temperature T. */
export function calibrationMetrics(s: Scored, T = 1, bins = ECE_BINS): CalibrationMetrics {
  const n = check(s), C = s.classes;
  const p = new Float64Array(C);
  let brier = 0;
  for (let i = 0; i < n; i++) {
    rowSoftmax(s, i, T, p);
    for (let c = 0; c < C; c++) brier += (p[c]! - (c === s.labels[i] ? 1 : 0)) ** 2;
  }
  const rel = reliability(s, T, bins);
  const ece = rel.reduce((a, b) => a + (b.count ? (b.count / n) * Math.abs(b.accuracy - b.confidence) : 0), 0);
  const correct = rel.reduce((a, b) => a + (b.count ? b.accuracy * b.count : 0), 0);
  return { nll: nll(s, T), brier: n ? brier / n : 0, ece, accuracy: n ? correct / n : 0 };
}

/** Search range of log T: T from 1/100 to 100 covers any network this project trains. */
const LOG_T_MIN = Math.log(0.01), LOG_T_MAX = Math.log(100);

/**
 * The temperature minimizing the NLL of these names. NLL as a function of 1/T is convex (a log-sum-exp of
 * functions linear in 1/T minus a linear one), so it is unimodal in log T and golden-section search on
 * log T finds its minimum without derivatives or step sizes; 80 iterations shrink [1/100, 100] below
 * 1e-15 relative. Returns 1 when there are no names, or when T = 1 is at least as good (ties, flat NLL).
 */
export function fitTemperature(s: Scored): number {
  if (check(s) === 0) return 1;
  const f = (u: number) => nll(s, Math.exp(u));
  const g = (Math.sqrt(5) - 1) / 2;
  let a = LOG_T_MIN, b = LOG_T_MAX;
  let x1 = b - g * (b - a), x2 = a + g * (b - a);
  let f1 = f(x1), f2 = f(x2);
  for (let k = 0; k < 80 && b - a > 1e-10; k++) {
    if (f1 <= f2) {
      b = x2; x2 = x1; f2 = f1;
      x1 = b - g * (b - a); f1 = f(x1);
    } else {
      a = x1; x1 = x2; f1 = f2;
      x2 = a + g * (b - a); f2 = f(x2);
    }
  }
  const u = f1 <= f2 ? x1 : x2;
  const T = Math.exp(u);
  return Number.isFinite(T) && f(u) < f(0) ? T : 1;
}
