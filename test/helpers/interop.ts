// Shared by the interop tests: normwise comparison, our logits for a batch of symbol sequences, and tiny
// random models of every configuration.
import type { Backend } from '../../src/core/backend.js';
import { Rng } from '../../src/core/rng.js';
import { VOCAB, VOCAB_SIZE } from '../../src/data/vocab.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import { Network, type Recurrence } from '../../src/model/network.js';
import { packBatch } from '../../src/model/packing.js';
import { initParams, paramLayout } from '../../src/model/params.js';
import type { Model } from '../../src/train/modelfile.js';

/** ||got - ref|| / ||ref|| (Euclidean), the error measure of every interop check. */
export function relErr(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) throw new Error(`length ${got.length} vs reference ${ref.length}`);
  let d = 0, r = 0;
  for (let i = 0; i < ref.length; i++) {
    d += (got[i]! - ref[i]!) ** 2;
    r += ref[i]! ** 2;
  }
  return Math.sqrt(d) / Math.sqrt(r);
}

/** Logits [batch, classes] of one forward pass, rows in the caller's order. */
export async function ourLogits(be: Backend, model: Model, seqs: number[][], recurrence: Recurrence = 'step'): Promise<Float32Array> {
  const b = packBatch(seqs, seqs.map(() => 0), VOCAB_SIZE);
  const net = new Network(be, model.config, { batch: b.batch, rows: b.rows }, { recurrence });
  try {
    net.setParams(model.params);
    net.forward(b, false);
    const sorted = await net.readLogits(b);
    const C = model.config.numClasses, out = new Float32Array(b.batch * C);
    for (let r = 0; r < b.batch; r++) out.set(sorted.subarray(r * C, (r + 1) * C), b.order[r]! * C);
    return out;
  } finally {
    net.dispose();
  }
}

export const CELLS: CellType[] = ['rnn', 'gru', 'lstm'];

/** Every cell × layers (1, 2) × direction × attention. */
export function allConfigs(hidden: number, classes: number): ModelConfig[] {
  const out: ModelConfig[] = [];
  for (const cell of CELLS) for (const layers of [1, 2]) for (const bidirectional of [false, true]) for (const attention of [false, true]) {
    out.push({ cell, hidden, layers, bidirectional, attention, vocabSize: VOCAB_SIZE, numClasses: classes });
  }
  return out;
}

export const describe_ = (c: ModelConfig): string => `${c.bidirectional ? 'bi-' : ''}${c.cell}x${c.layers}${c.attention ? '+att' : ''}`;

/** A model with seeded random weights (scaled: saturating gates get exercised too). */
export function randomModel(cfg: ModelConfig, seed: number, scale = 2): Model {
  const params = initParams(paramLayout(cfg), seed).map((x) => x * scale);
  return { config: cfg, vocab: VOCAB, languages: Array.from({ length: cfg.numClasses }, (_, i) => `lang${i}`), params };
}

/** Ragged symbol sequences: the longest first, one of length 1, the rest random in between, shuffled. */
export function randomSeqs(rng: Rng, n: number, maxLen: number): number[][] {
  const lens = Array.from({ length: n }, (_, i) => (i === 0 ? maxLen : i === 1 ? 1 : 1 + rng.int(maxLen)));
  rng.shuffle(lens);
  return lens.map((len) => Array.from({ length: len }, () => rng.int(VOCAB_SIZE)));
}
