// Plain-text tables with aligned columns: numbers right-aligned, text left-aligned.

export type Cell = string | number | null | undefined;

export interface Column {
  header: string;
  /** Digits after the point for numbers (default: 3 significant-ish, see fmt). */
  digits?: number;
  align?: 'left' | 'right';
}

/** A number for humans: fixed digits when given, else about three significant digits. */
export function fmt(v: Cell, digits?: number): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (digits !== undefined) return v.toFixed(digits);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(2);
}

export function table(columns: Column[], rows: Cell[][]): string {
  const text = rows.map((r) => columns.map((c, i) => fmt(r[i], c.digits)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => r[i]!.length)));
  const isLeft = columns.map((c, i) => c.align === 'left' || (c.align === undefined && rows.some((r) => typeof r[i] === 'string' && r[i] !== '-')));
  const line = (cells: string[]) => cells.map((s, i) => (isLeft[i] ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}
