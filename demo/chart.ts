// The live loss chart: an SVG drawn by hand. Each read of the loss (every few steps) is the mean over the
// steps since the read before: the thin line holds that mean across those steps, so it starts at step 0
// rather than at the first read; the thick line, a running average, passes through the middle of each
// stretch. Dashed lines mark where each epoch ends. The values are also on the element (data-points,
// data-losses) for tests.
import type { LossPoint } from '../src/train/trainer.js';
import { svg } from './dom.js';

const M = { left: 40, right: 12, top: 12, bottom: 28 };

export class LossChart {
  private points: LossPoint[] = [];
  private epochEnds: number[] = [];
  private totalSteps = 1;
  private lossText = '';
  private pending = false;

  constructor(private readonly root: SVGSVGElement) {
    new ResizeObserver(() => this.schedule()).observe(root);
    this.schedule();
  }

  /** A new run: `totalSteps` fixes the x axis so the line grows from left to right. */
  reset(totalSteps: number): void {
    this.points = [];
    this.lossText = '';
    this.root.dataset.points = '0';
    this.root.dataset.losses = '';
    this.epochEnds = [];
    this.totalSteps = Math.max(1, totalSteps);
    this.schedule();
  }

  /** Called at every read of the loss; draws at most once a frame. */
  update(points: readonly LossPoint[], epochEnds: readonly number[]): void {
    for (let i = this.points.length; i < points.length; i++) this.lossText += `${i ? ',' : ''}${points[i]!.loss.toFixed(4)}`;
    this.points = points.slice();
    this.epochEnds = epochEnds.slice();
    this.root.dataset.points = String(points.length);
    this.root.dataset.losses = this.lossText;
    this.schedule();
  }

  /** Draws at the next frame, once however many updates came in. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const r = this.root;
    const w = Math.max(200, r.clientWidth), h = Math.max(120, r.clientHeight);
    r.setAttribute('viewBox', `0 0 ${w} ${h}`);
    r.replaceChildren();
    const x0 = M.left, x1 = w - M.right, y0 = h - M.bottom, y1 = M.top;
    // Long runs have more points than pixels: average them in buckets about 2 px wide.
    const pts = downsample(this.points, Math.max(50, Math.floor((x1 - x0) / 2)));
    if (pts.length === 0) {
      r.append(svg('line', { x1: x0, x2: x1, y1: y0, y2: y0, class: 'axis' }));
      r.append(svg('text', { x: (x0 + x1) / 2, y: (y0 + y1) / 2, class: 'empty', 'text-anchor': 'middle' }, 'The loss appears here while training.'));
      return;
    }
    const maxStep = Math.max(this.totalSteps, pts[pts.length - 1]!.step);
    const { top, step } = niceScale(Math.max(...pts.map((p) => p.loss)));
    const X = (s: number) => x0 + ((x1 - x0) * s) / maxStep;
    const Y = (l: number) => y0 - ((y0 - y1) * Math.min(l, top)) / top;

    // Grid and labels.
    for (let i = 0; i * step <= top + 1e-9; i++) {
      const t = i * step;
      r.append(svg('line', { x1: x0, x2: x1, y1: Y(t), y2: Y(t), class: t === 0 ? 'axis' : 'grid' }));
      r.append(svg('text', { x: x0 - 6, y: Y(t), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt(t)));
    }
    r.append(svg('text', { x: x0, y: h - 6, class: 'tick', 'text-anchor': 'start' }, '0'));
    r.append(svg('text', { x: x1, y: h - 6, class: 'tick', 'text-anchor': 'end' }, `${maxStep.toLocaleString('en-US')} steps`));
    this.epochEnds.forEach((s, i) => {
      r.append(svg('line', { x1: X(s), x2: X(s), y1: y1, y2: y0, class: 'epoch' }));
      r.append(svg('text', { x: X(s) - 4, y: y1 + 10, class: 'tick', 'text-anchor': 'end' }, `epoch ${i + 1}`));
    });
    const xy = (s: number, l: number) => `${X(s).toFixed(1)},${Y(l).toFixed(1)}`;
    const starts = pts.map((_, i) => (i ? pts[i - 1]!.step : 0));
    const mids = pts.map((p, i) => (starts[i]! + p.step) / 2);
    const raw = pts.map((p) => p.loss);
    const smooth = centeredMean(raw, Math.max(1, Math.round(raw.length / 40)));
    r.append(svg('polyline', { points: pts.map((p, i) => `${xy(starts[i]!, p.loss)} ${xy(p.step, p.loss)}`).join(' '), class: 'raw' }));
    r.append(svg('polyline', { points: smooth.map((l, i) => xy(mids[i]!, l)).join(' '), class: 'smooth' }));
    r.append(svg('circle', { cx: X(mids[mids.length - 1]!), cy: Y(smooth[smooth.length - 1]!), r: 3.5, class: 'dot' }));
  }
}

/** A y axis from 0 with 3 to 6 gridlines at round values, reaching at least `max`. */
function niceScale(max: number): { top: number; step: number } {
  const rough = Math.max(max, 0.1) / 4;
  const p = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= rough)!;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

/** Mean over a window of ±k points (shorter at the ends): a smoothed line that does not lag behind. */
function centeredMean(v: number[], k: number): number[] {
  const prefix = [0];
  for (const x of v) prefix.push(prefix[prefix.length - 1]! + x);
  return v.map((_, i) => {
    const lo = Math.max(0, i - k), hi = Math.min(v.length - 1, i + k);
    return (prefix[hi + 1]! - prefix[lo]!) / (hi - lo + 1);
  });
}

/** At most `max` points: consecutive points averaged (step and loss). */
function downsample(points: readonly LossPoint[], max: number): LossPoint[] {
  if (points.length <= max) return points.slice();
  const out: LossPoint[] = [];
  const per = points.length / max;
  for (let b = 0; b < max; b++) {
    const lo = Math.floor(b * per), hi = Math.floor((b + 1) * per);
    let step = 0, loss = 0;
    for (let i = lo; i < hi; i++) {
      step += points[i]!.step;
      loss += points[i]!.loss;
    }
    out.push({ step: step / (hi - lo), loss: loss / (hi - lo) });
  }
  return out;
}

const fmt = (t: number): string => String(Number(t.toFixed(2)));
