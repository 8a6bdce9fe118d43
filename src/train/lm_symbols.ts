// The symbols of the language model (task 'generate'). Inputs: ids 0..57 are the 58 characters of VOCAB,
// 58 is START (the input at position 0), and each input row also carries its language, one-hot at row
// 59 + language of layer 0's W_ih (the PyTorch tutorial's category tensor concatenated to the input; here
// the product of that concatenation is the sum of two W_ih rows). Outputs: classes 0..57 are the characters,
// 58 is END. A name c1..cn is read as [START, c1..cn] with targets [c1..cn, END]: n + 1 positions.
import { VOCAB, VOCAB_SIZE } from '../data/vocab.js';
import type { CellType, ModelConfig } from '../model/config.js';

export const START = VOCAB_SIZE;
export const END = VOCAB_SIZE;
/** Output classes: the characters and END. */
export const LM_CLASSES = VOCAB_SIZE + 1;
/** Input row of a language in layer 0's W_ih. */
export const languageRow = (language: number): number => VOCAB_SIZE + 1 + language;

export interface LmShape {
  cell: CellType;
  hidden: number;
  layers: number;
}

/** The config of a language model over `languages` languages. */
export function lmConfig(s: LmShape, languages: number): ModelConfig {
  return { cell: s.cell, hidden: s.hidden, layers: s.layers, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: LM_CLASSES, task: 'generate', conditions: languages };
}

/** Text of output symbols (END stops it). */
export function symbolsToText(ids: readonly number[]): string {
  let s = '';
  for (const c of ids) {
    if (c === END) break;
    s += VOCAB[c]!;
  }
  return s;
}
