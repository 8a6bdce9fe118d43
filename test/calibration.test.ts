// Calibration metrics on hand-computed cases, temperature fitting on synthetic logits with a known
// temperature, and the reliability diagram.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { reliabilityDiagram } from '../src/report/svg.js';
import { calibrationMetrics, fitTemperature, nll, reliability, type Scored } from '../src/train/calibration.js';
import { testSeed } from './helpers/compare.js';

// Two classes, three names, all of class 0: p = (1/2, 1/2), (3/4, 1/4), (1/4, 3/4).
const small: Scored = { logits: [0, 0, Math.log(3), 0, 0, Math.log(3)], labels: [0, 0, 0], classes: 2 };

describe('calibration metrics', () => {
  it('NLL, Brier and ECE of a hand-computed case', () => {
    const m = calibrationMetrics(small);
    expect(m.nll).toBeCloseTo((Math.log(2) + Math.log(4 / 3) + Math.log(4)) / 3, 12);
    // (1/4 + 1/4) + (1/16 + 1/16) + (9/16 + 9/16), over 3 names
    expect(m.brier).toBeCloseTo(1.75 / 3, 12);
    // Confidence 1/2 is in bin (7/15, 8/15]: one name, right (the tie goes to class 0), gap 1/2.
    // Confidence 3/4 is in bin (11/15, 12/15]: two names, one right, gap |1/2 - 3/4|. ECE = 1/3 * 1/2 + 2/3 * 1/4.
    expect(m.ece).toBeCloseTo(1 / 3, 12);
    expect(m.accuracy).toBeCloseTo(2 / 3, 12);
    const bins = reliability(small);
    expect(bins).toHaveLength(15);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    expect(bins[11]!.confidence).toBeCloseTo(0.75, 12);
    expect(bins[11]!.accuracy).toBe(0.5);
  });

  it('the temperature divides the logits', () => {
    // At T = 2 the logit gaps halve: p = (1/2, 1/2), (sqrt3/(sqrt3+1), ...), (1/(1+sqrt3), ...).
    const s3 = Math.sqrt(3);
    expect(nll(small, 2)).toBeCloseTo((Math.log(2) - Math.log(s3 / (s3 + 1)) - Math.log(1 / (1 + s3))) / 3, 12);
    const m = calibrationMetrics(small, 2);
    const p = [0.5, s3 / (s3 + 1), 1 / (1 + s3)];
    expect(m.brier).toBeCloseTo(p.reduce((a, q) => a + 2 * (1 - q) ** 2, 0) / 3, 12);
  });

  it('a confidence of exactly 1 is in the last bin; a perfect classifier has ECE 0', () => {
    const sure: Scored = { logits: [1000, 0, 0, 1000], labels: [0, 1], classes: 2 };
    const m = calibrationMetrics(sure);
    expect(reliability(sure)[14]!.count).toBe(2);
    expect(m.ece).toBe(0);
    expect(m.brier).toBe(0);
    expect(m.nll).toBe(0);
  });

  it('bin edges are upper-inclusive: confidence 2/3 is in bin (9/15, 10/15]', () => {
    const s: Scored = { logits: [Math.log(2), 0], labels: [1], classes: 2 };
    const bins = reliability(s);
    expect(bins[9]!.count).toBe(1);
    expect(calibrationMetrics(s).ece).toBeCloseTo(2 / 3, 12);
  });

  it('refuses logits that do not match the labels', () => {
    expect(() => nll({ logits: [0, 0, 0], labels: [0, 1], classes: 2 })).toThrow(/3 logits for 2 labels/);
  });
});

/** n names of C classes whose labels are drawn from softmax(logits / T): T is the true temperature. */
function synthetic(seed: number, n: number, C: number, T: number): Scored {
  const rng = new Rng(seed);
  const logits = new Float64Array(n * C), labels = new Int32Array(n);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (let i = 0; i < n; i++) {
    const p: number[] = [];
    for (let c = 0; c < C; c++) p.push(Math.exp((logits[i * C + c] = 3 * gauss()) / T));
    const z = p.reduce((a, b) => a + b, 0);
    let u = rng.next() * z, c = 0;
    while (c < C - 1 && (u -= p[c]!) > 0) c++;
    labels[i] = c;
  }
  return { logits, labels, classes: C };
}

describe('fitTemperature', () => {
  it('recovers the temperature the labels were drawn with', () => {
    const seed = testSeed();
    for (const T of [0.4, 1, 2.5]) {
      const s = synthetic(seed + Math.round(10 * T), 20000, 6, T);
      const fit = fitTemperature(s);
      expect(Math.abs(Math.log(fit / T)), `seed ${seed}: true T ${T}, fitted ${fit}`).toBeLessThan(0.08);
      // ... and at the fitted temperature the ECE is small while the NLL is minimal around it.
      expect(calibrationMetrics(s, fit).ece, `seed ${seed}, T ${T}`).toBeLessThan(0.03);
      for (const k of [1.01, 1 / 1.01]) expect(nll(s, fit)).toBeLessThanOrEqual(nll(s, fit * k));
    }
  });

  it('returns 1 when there is nothing to fit, and a large T for logits that carry no information', () => {
    expect(fitTemperature({ logits: [], labels: [], classes: 3 })).toBe(1);
    // Labels independent of the logits: the best probabilities are uniform, i.e. T as large as the search allows.
    const s = synthetic(testSeed(), 4000, 4, 1);
    const shuffled = { ...s, labels: new Rng(7).shuffle(Array.from(s.labels)) };
    expect(fitTemperature(shuffled)).toBeGreaterThan(10);
  });
});

describe('reliabilityDiagram', () => {
  it('draws a bar per non-empty bin in each panel, and the titles', () => {
    const svg = reliabilityDiagram({
      title: 'Reliability <test>', subtitle: 'sub',
      panels: [{ title: 'before', note: 'ECE 0.3333', bins: reliability(small) }, { title: 'after', bins: reliability(small, 2) }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Reliability &lt;test&gt;');
    expect(svg).toContain('ECE 0.3333');
    // Per panel and non-empty bin: the accuracy bar, the gap and the histogram bar.
    const nonEmpty = reliability(small).filter((b) => b.count).length + reliability(small, 2).filter((b) => b.count).length;
    expect(svg.match(/fill="url\(#gap\)" stroke/g)!.length).toBe(nonEmpty + 1); // + the legend's swatch
    expect(svg).not.toContain('NaN');
  });
});
