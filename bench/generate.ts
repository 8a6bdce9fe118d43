// Sampling throughput of a language model (--task generate): `Generator.generate` for a batch of 256 names
// (the generate command's batch), maxLength 20 (21 positions, all rows active at every position), one command
// buffer and one readback per batch, as `webgpu-rnn generate` runs it. The weights are a seeded random
// initialization: decoding always runs every position for every row, so the time does not depend on them.
import { VOCAB } from '../src/data/vocab.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import type { Tuning } from '../src/tune/tuning.js';
import { Generator } from '../src/generate/generator.js';
import { lmConfig } from '../src/train/lm_symbols.js';
import type { CellType } from '../src/model/config.js';
import { initParams, paramLayout } from '../src/model/params.js';

export interface SampleRow {
  model: string;
  hidden: number;
  batch: number;
  positions: number;
  batches: number;
  msPerBatch: number;
  namesPerSec: number;
  dispatchesPerBatch: number;
  submitsPerBatch: number;
}

export async function runSampling(be: GpuBackend, tuning: Tuning, cell: CellType, hidden: number, languages: number, o: { quick: boolean; log: (s: string) => void }): Promise<SampleRow> {
  const B = 256, maxLength = 20;
  const config = lmConfig({ cell, hidden, layers: 1 }, languages);
  const model = { config, vocab: VOCAB, languages: Array.from({ length: languages }, (_, i) => `L${i}`), params: initParams(paramLayout(config), 1) };
  const gen = new Generator(be, model, { tuning, batch: B });
  const run = (seed: number) => gen.generate({ language: Array.from({ length: B }, (_, r) => r % languages), temperature: 0.8, maxLength, seed });
  try {
    await run(1); // warm-up: pipelines compiled, buffers touched
    be.resetCounters();
    const t0 = performance.now();
    let n = 0;
    while (n < (o.quick ? 1 : 3) || (!o.quick && n < 20 && performance.now() - t0 < 3000)) await run(2 + n++);
    const sec = (performance.now() - t0) / 1000;
    const c = be.counters();
    const row: SampleRow = {
      model: `${cell}-lm`, hidden, batch: B, positions: maxLength + 1, batches: n, msPerBatch: (1000 * sec) / n, namesPerSec: (n * B) / sec,
      dispatchesPerBatch: c.dispatches / n, submitsPerBatch: c.submits / n,
    };
    o.log(`sampling ${row.model} H${hidden}: ${row.msPerBatch.toFixed(1)} ms per ${B} names, ${row.namesPerSec.toFixed(0)} names/s`);
    return row;
  } finally {
    gen.dispose();
  }
}
