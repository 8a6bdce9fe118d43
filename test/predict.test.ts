// Predictor's `explain` option: each name's attention weights come back in the caller's order (the batch is
// sorted by length inside), one per character of the normalized name, summing to 1.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { VOCAB, VOCAB_SIZE } from '../src/data/vocab.js';
import type { ModelConfig } from '../src/model/config.js';
import { initParams, paramLayout } from '../src/model/params.js';
import type { Model } from '../src/train/modelfile.js';
import { Predictor } from '../src/train/predict.js';

function model(over: Partial<ModelConfig>): Model {
  const config: ModelConfig = { cell: 'gru', hidden: 8, layers: 1, bidirectional: false, attention: true, vocabSize: VOCAB_SIZE, numClasses: 4, ...over };
  return { config, vocab: VOCAB, languages: ['A', 'B', 'C', 'D'], params: initParams(paramLayout(config), 3) };
}

describe('Predictor explain', () => {
  const names = ['Li', 'Papadopoulos', 'Søren', 'Nguyen'];

  it('returns per-character attention for each name, in the order given, the same as alone', async () => {
    const p = new Predictor(new CpuBackend(), model({ bidirectional: true }));
    const all = await p.predict(names, { explain: true });
    for (const [i, r] of all.entries()) {
      expect(r.name).toBe(names[i]);
      expect(r.attention).toHaveLength([...r.normalized].length);
      expect(r.attention!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      const [alone] = await p.predict([names[i]!], { explain: true });
      alone!.attention!.forEach((a, t) => expect(a).toBeCloseTo(r.attention![t]!, 6));
      alone!.probs.forEach((q, c) => expect(q).toBeCloseTo(r.probs[c]!, 6));
    }
    p.dispose();
  });

  it('leaves attention out without explain, and for models without attention', async () => {
    const a = new Predictor(new CpuBackend(), model({}));
    expect((await a.predict(names))[0]!.attention).toBeUndefined();
    const b = new Predictor(new CpuBackend(), model({ attention: false }));
    expect((await b.predict(names, { explain: true }))[1]!.attention).toBeUndefined();
  });
});
