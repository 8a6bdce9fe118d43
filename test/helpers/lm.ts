// Language-model helpers for tests: tiny configs and random two-hot batches (names may be empty: a name of
// length 0 still has one position, START → END).
import type { Rng } from '../../src/core/rng.js';
import { VOCAB_SIZE } from '../../src/data/vocab.js';
import { packLmBatch } from '../../src/train/lm_batches.js';
import { lmConfig } from '../../src/train/lm_symbols.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import type { PackedBatch } from '../../src/model/packing.js';

export function tinyLmConfig(cell: CellType = 'gru', hidden = 3, layers = 1, languages = 3): ModelConfig {
  return lmConfig({ cell, hidden, layers }, languages);
}

/** n names of 0..maxLen characters (the first maxLen long, the last empty when n > 1), random languages. */
export function randomLmBatch(rng: Rng, n: number, maxLen: number, languages: number): PackedBatch {
  const seqs = Array.from({ length: n }, (_, i) => Array.from({ length: i === 0 ? maxLen : i === n - 1 ? 0 : rng.int(maxLen + 1) }, () => rng.int(VOCAB_SIZE)));
  return packLmBatch(seqs, seqs.map(() => rng.int(languages)), languages);
}
