// Small, dependency-free SVG charts for `compare`: a multi-series line chart (loss curves) and a
// confusion-matrix heatmap. Plain strings, so they work in Node and in the browser.

/** Okabe–Ito: distinguishable for the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/**
 * Round tick positions (steps of 1, 2 or 5 times a power of ten, about `count` of them) whose first and last
 * ticks enclose [lo, hi], so the axis range drawn from them never clips the data.
 */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  const end = Math.ceil(hi / step - 1e-9) * step;
  for (let v = Math.floor(lo / step + 1e-9) * step; v <= end + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmtTick = (v: number): string => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4))));

export interface Series {
  name: string;
  points: [number, number][];
}

export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: Series[]; width?: number; height?: number; yMin?: number }): string {
  const W = o.width ?? 900, H = o.height ?? 520;
  const m = { l: 70, r: 210, t: 50, b: 60 };
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  const xt = niceTicks(Math.min(0, ...xs), Math.max(...xs));
  const yt = niceTicks(o.yMin ?? Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [xt[0]!, xt[xt.length - 1]!], [y0, y1] = [yt[0]!, yt[yt.length - 1]!];
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - m.r / 2 + m.l / 2}" y="28" text-anchor="middle" font-size="17" font-weight="600">${esc(o.title)}</text>`,
  ];
  for (const v of yt) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${r2(py(v))}" y2="${r2(py(v))}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${m.l - 8}" y="${r2(py(v) + 4)}" text-anchor="end" fill="#333">${fmtTick(v)}</text>`);
  }
  for (const v of xt) {
    parts.push(`<line x1="${r2(px(v))}" x2="${r2(px(v))}" y1="${H - m.b}" y2="${H - m.b + 5}" stroke="#555"/>`);
    parts.push(`<text x="${r2(px(v))}" y="${H - m.b + 20}" text-anchor="middle" fill="#333">${fmtTick(v)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#555"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 15}" text-anchor="middle" fill="#111">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(20 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" fill="#111">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${r2(px(p[0]))},${r2(py(Math.max(y0, Math.min(y1, p[1]))))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    const ly = m.t + 12 + i * 24;
    parts.push(`<line x1="${W - m.r + 18}" x2="${W - m.r + 46}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${W - m.r + 54}" y="${ly + 4}" fill="#111">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Heatmap of a confusion matrix, shaded by each row's share (recall), with the counts written in. */
export function confusionHeatmap(o: { title: string; labels: string[]; matrix: number[][]; subtitle?: string }): string {
  const n = o.labels.length, cell = 34;
  const m = { l: 110, t: 150, r: 70, b: 30 };
  const W = m.l + n * cell + m.r, H = m.t + n * cell + m.b;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(o.title)}</text>`,
  ];
  if (o.subtitle) parts.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#444">${esc(o.subtitle)}</text>`);
  parts.push(`<text x="${m.l + (n * cell) / 2}" y="${m.t - 84}" text-anchor="middle" fill="#111">predicted</text>`);
  parts.push(`<text transform="translate(16 ${m.t + (n * cell) / 2}) rotate(-90)" text-anchor="middle" fill="#111">true language</text>`);
  o.labels.forEach((l, i) => {
    parts.push(`<text x="${m.l - 6}" y="${m.t + i * cell + cell / 2 + 4}" text-anchor="end" fill="#222">${esc(l)}</text>`);
    const x = m.l + i * cell + cell / 2 + 4;
    parts.push(`<text transform="translate(${x} ${m.t - 6}) rotate(-60)" fill="#222">${esc(l)}</text>`);
  });
  o.matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      const share = v / total;
      // White → deep blue by share of the row; the diagonal is what the model got right.
      const shade = Math.round(255 - share * 200);
      const fill = v === 0 ? '#fafafa' : `rgb(${shade},${Math.round(255 - share * 150)},255)`;
      parts.push(`<rect x="${m.l + j * cell}" y="${m.t + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#e0e0e0"/>`);
      if (v) parts.push(`<text x="${m.l + j * cell + cell / 2}" y="${m.t + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="11" fill="${share > 0.55 ? '#fff' : '#111'}">${v}</text>`);
    });
  });
  // The diagonal (correct answers) outlined on top of the grid.
  for (let i = 0; i < n; i++) parts.push(`<rect x="${m.l + i * cell}" y="${m.t + i * cell}" width="${cell}" height="${cell}" fill="none" stroke="#333"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

export interface ReliabilityPanel {
  /** e.g. "before (T = 1)". */
  title: string;
  /** One line under the title, e.g. the ECE. */
  note?: string;
  bins: { lo: number; hi: number; count: number; confidence: number; accuracy: number }[];
}

/**
 * Reliability diagrams side by side (Guo et al. 2017 style): per confidence bin a bar up to the bin's
 * accuracy, the gap to its mean confidence shaded, the diagonal of perfect calibration, and under each panel
 * the share of names in every bin (most predictions are confident, so that is where the ECE comes from).
 */
export function reliabilityDiagram(o: { title: string; subtitle?: string; panels: ReliabilityPanel[] }): string {
  const side = 340, gapX = 70, hist = 90;
  const m = { l: 70, r: 30, t: 96, b: 76 };
  const W = m.l + o.panels.length * side + (o.panels.length - 1) * gapX + m.r;
  const H = m.t + side + 34 + hist + m.b;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    // The gap is hatched so that it reads the same over the bar (accuracy above confidence) as above it.
    `<defs><pattern id="gap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${PALETTE[1]}" fill-opacity="0.15"/><line x1="0" y1="0" x2="0" y2="6" stroke="${PALETTE[1]}" stroke-width="2.5"/></pattern></defs>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="17" font-weight="600">${esc(o.title)}</text>`,
  ];
  if (o.subtitle) parts.push(`<text x="${W / 2}" y="50" text-anchor="middle" fill="#444">${esc(o.subtitle)}</text>`);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  o.panels.forEach((panel, k) => {
    const x0 = m.l + k * (side + gapX), y0 = m.t;
    const px = (v: number) => x0 + v * side, py = (v: number) => y0 + side - v * side;
    parts.push(`<text x="${x0 + side / 2}" y="${y0 - 22}" text-anchor="middle" font-size="15" font-weight="600">${esc(panel.title)}</text>`);
    if (panel.note) parts.push(`<text x="${x0 + side / 2}" y="${y0 - 6}" text-anchor="middle" fill="#444">${esc(panel.note)}</text>`);
    for (const v of ticks) {
      parts.push(`<line x1="${x0}" x2="${x0 + side}" y1="${r2(py(v))}" y2="${r2(py(v))}" stroke="#eee"/>`);
      parts.push(`<text x="${x0 - 8}" y="${r2(py(v) + 4)}" text-anchor="end" fill="#333">${v}</text>`);
    }
    for (const b of panel.bins) {
      if (!b.count) continue;
      const x = px(b.lo) + 1, w = px(b.hi) - px(b.lo) - 2;
      parts.push(`<rect x="${r2(x)}" y="${r2(py(b.accuracy))}" width="${r2(w)}" height="${r2(py(0) - py(b.accuracy))}" fill="${PALETTE[0]}" fill-opacity="0.85"/>`);
      const top = Math.max(b.accuracy, b.confidence), bottom = Math.min(b.accuracy, b.confidence);
      parts.push(`<rect x="${r2(x)}" y="${r2(py(top))}" width="${r2(w)}" height="${r2(py(bottom) - py(top))}" fill="url(#gap)" stroke="${PALETTE[1]}"/>`);
    }
    parts.push(`<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#333" stroke-dasharray="5 4"/>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${side}" height="${side}" fill="none" stroke="#555"/>`);
    // Share of names per bin, on its own axis under the diagram.
    const hy = y0 + side + 34, total = panel.bins.reduce((a, b) => a + b.count, 0) || 1;
    const most = Math.max(...panel.bins.map((b) => b.count / total), 1e-9);
    for (const b of panel.bins) {
      if (!b.count) continue;
      const h = (b.count / total / most) * hist;
      parts.push(`<rect x="${r2(px(b.lo) + 1)}" y="${r2(hy + hist - h)}" width="${r2(px(b.hi) - px(b.lo) - 2)}" height="${r2(h)}" fill="#888"/>`);
    }
    parts.push(`<line x1="${x0}" x2="${x0 + side}" y1="${hy + hist}" y2="${hy + hist}" stroke="#555"/>`);
    parts.push(`<text x="${x0 - 8}" y="${hy + 10}" text-anchor="end" fill="#333">${Math.round(100 * most)}%</text>`);
    parts.push(`<text x="${x0 - 8}" y="${hy + hist + 4}" text-anchor="end" fill="#333">0</text>`);
    for (const v of ticks) parts.push(`<text x="${r2(px(v))}" y="${hy + hist + 18}" text-anchor="middle" fill="#333">${v}</text>`);
    parts.push(`<text x="${x0 + side / 2}" y="${hy + hist + 40}" text-anchor="middle" fill="#111">confidence (top probability)</text>`);
    if (k === 0) {
      parts.push(`<text transform="translate(22 ${y0 + side / 2}) rotate(-90)" text-anchor="middle" fill="#111">accuracy</text>`);
      parts.push(`<text transform="translate(22 ${hy + hist / 2}) rotate(-90)" text-anchor="middle" fill="#111">names</text>`);
    }
  });
  const ly = H - 14;
  parts.push(`<rect x="${m.l}" y="${ly - 10}" width="14" height="12" fill="${PALETTE[0]}" fill-opacity="0.85"/>`);
  parts.push(`<text x="${m.l + 20}" y="${ly}" fill="#111">accuracy of the bin</text>`);
  parts.push(`<rect x="${m.l + 170}" y="${ly - 10}" width="14" height="12" fill="url(#gap)" stroke="${PALETTE[1]}"/>`);
  parts.push(`<text x="${m.l + 190}" y="${ly}" fill="#111">gap to its mean confidence</text>`);
  parts.push(`<line x1="${m.l + 390}" x2="${m.l + 420}" y1="${ly - 4}" y2="${ly - 4}" stroke="#333" stroke-dasharray="5 4"/>`);
  parts.push(`<text x="${m.l + 426}" y="${ly}" fill="#111">perfect calibration</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
