// What a model is: the cell, its size and wiring. Saved in model files; validated where users set it.
export const CELL_TYPES = ['rnn', 'gru', 'lstm'] as const;
export type CellType = (typeof CELL_TYPES)[number];

export interface ModelConfig {
  cell: CellType;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  attention: boolean;
  vocabSize: number;
  numClasses: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function validateConfig(c: ModelConfig): ModelConfig {
  if (!CELL_TYPES.includes(c.cell)) throw new ConfigError(`unknown model '${c.cell}' (choose ${CELL_TYPES.join(', ')})`);
  const int = (v: number, name: string, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int(c.hidden, 'hidden size', 1, 65536);
  int(c.layers, 'layers', 1, 16);
  int(c.vocabSize, 'vocabulary size', 2, 1 << 16);
  int(c.numClasses, 'number of classes', 2, 1 << 16);
  return c;
}

export const dirsOf = (c: ModelConfig): number => (c.bidirectional ? 2 : 1);
/** Width of a layer's output (directions concatenated). */
export const outWidth = (c: ModelConfig): number => dirsOf(c) * c.hidden;

export function describeConfig(c: ModelConfig): string {
  const parts = [`${c.bidirectional ? 'bi-' : ''}${c.cell}`, `hidden ${c.hidden}`];
  if (c.layers > 1) parts.push(`${c.layers} layers`);
  if (c.attention) parts.push('attention');
  return parts.join(', ');
}
