// What a model is: the cell, its size and wiring. Saved in model files; validated where users set it.
export const CELL_TYPES = ['rnn', 'gru', 'lstm'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/**
 * What a model does. 'classify': a name in, a language out (many-to-one; the default, and what a config
 * without `task` is). 'generate': a language-conditioned character language model (many-to-many: the next
 * symbol at every position; see src/generate/).
 */
export const TASKS = ['classify', 'generate'] as const;
export type Task = (typeof TASKS)[number];

export interface ModelConfig {
  cell: CellType;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  attention: boolean;
  /** Characters (the one-hot input of a classifier; a language model's inputs add START and the languages). */
  vocabSize: number;
  /** Output classes: languages (classify), or vocabSize + 1 symbols, the characters and END (generate). */
  numClasses: number;
  /** Absent or 'classify': a classifier. */
  task?: Task;
  /** Languages a language model is conditioned on ('generate' only). */
  conditions?: number;
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
  if (c.task !== undefined && !TASKS.includes(c.task)) throw new ConfigError(`unknown task '${c.task}' (choose ${TASKS.join(', ')})`);
  if (isGenerative(c)) {
    if (c.bidirectional) throw new ConfigError('a generation model reads names left to right only: --bidirectional makes no sense with --task generate');
    if (c.attention) throw new ConfigError('--attention is for classifiers (it pools a whole name): not available with --task generate');
    int(c.conditions ?? 0, 'number of languages', 1, 1 << 12);
    if (c.numClasses !== c.vocabSize + 1) throw new ConfigError(`a generation model predicts ${c.vocabSize + 1} symbols (characters and END), not ${c.numClasses}`);
  } else if (c.conditions !== undefined) {
    throw new ConfigError('"conditions" is only for generation models');
  }
  return c;
}

export const isGenerative = (c: Pick<ModelConfig, 'task'>): boolean => c.task === 'generate';

/**
 * Rows of layer 0's W_ih, the one-hot input's width. A classifier: one per character. A language model:
 * the characters, START (id vocabSize), then one row per language (id vocabSize + 1 + language): every
 * input row is the sum of two one-hots, its symbol and its language (see src/train/lm_symbols.ts).
 */
export const inputRows = (c: ModelConfig): number => (isGenerative(c) ? c.vocabSize + 1 + c.conditions! : c.vocabSize);

export const dirsOf = (c: ModelConfig): number => (c.bidirectional ? 2 : 1);
/** Width of a layer's output (directions concatenated). */
export const outWidth = (c: ModelConfig): number => dirsOf(c) * c.hidden;

export function describeConfig(c: ModelConfig): string {
  const parts = [`${c.bidirectional ? 'bi-' : ''}${c.cell}`, `hidden ${c.hidden}`];
  if (c.layers > 1) parts.push(`${c.layers} layers`);
  if (c.attention) parts.push('attention');
  if (isGenerative(c)) parts.push(`language model over ${c.conditions} languages`);
  return parts.join(', ');
}
