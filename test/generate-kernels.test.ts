// The language model's kernels against their CPU twins (fresh random inputs, NaN-poisoned outputs, odd
// sizes, one row, many rows): embed_gather with two-hot inputs, embed_grad over the two-hot CSR, row_ce,
// row_stats and the sampler.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import * as K from '../src/kernels.js';
import { temperedWeights, sampleUniform } from '../src/cpu/kernels/sample.js';
import { CpuBackend } from '../src/cpu/backend.js';
import { VOCAB_SIZE } from '../src/data/vocab.js';
import { nanArray, outsideBlock, randomArray, mismatch, testSeed, type NanOk, type Tolerance } from './helpers/compare.js';
import { withDevice } from './helpers/device.js';
import { compareKernel, runKernel, type Inputs } from './helpers/kernel-harness.js';
import { randomLmBatch } from './helpers/lm.js';
import type { KernelDef, Params, Tunables } from '../src/core/kernel.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import { TUNINGS } from '../src/tune/tuning.js';

const seed = testSeed();
const TOL: Tolerance = { abs: 2e-5, rel: 2e-4 };

/** `nanOk`: per output buffer, the poisoned elements the kernel must leave alone (NaN matches nowhere else). */
async function check(be: GpuBackend, k: KernelDef, init: Inputs, p: Params, t?: Tunables, tol = TOL, nanOk?: Record<string, NanOk>): Promise<void> {
  const problem = await compareKernel(be, k, init, p, tol, t, nanOk);
  expect(problem, `seed ${seed}`).toBeNull();
}

describe(`language-model kernels vs CPU twins (TEST_SEED=${seed})`, () => {
  it('embed_gather (two-hot) and embed_grad (every packed row under its symbol and its language)', async () => {
    const rng = new Rng(seed);
    await withDevice(async (be) => {
      for (const [batch, len, width, L] of [[1, 0, 1, 1], [2, 1, 7, 3], [5, 7, 39, 18], [67, 20, 384, 18]] as const) {
        const b = randomLmBatch(rng, batch, len, L);
        const V = VOCAB_SIZE + 1 + L, N = b.rows;
        const ints = new Uint32Array(3 + 2 * N + V + 1 + 2 * N);
        ints.set(b.tokens, 3);
        ints.set(b.csrStart, 3 + 2 * N);
        ints.set(b.csrRows, 3 + 2 * N + V + 1);
        const ld = width + 2;
        const gp = { n: N, width, off_tok: 3, off_w: 7, off_b: 7 + V * width, off_out: 1, ld_out: ld, hots: 2, off_tok2: 3 + N };
        for (const t of [undefined, ...TUNINGS.map((x) => x.tunablesFor(K.embedGatherK, gp)), { ROWS: 1, WG: 32 }, { ROWS: 7 }]) {
          await check(be, K.embedGatherK, { tok: ints, w: randomArray(rng, 7 + V * width + width), out: nanArray(1 + N * ld) }, gp, t, TOL,
            { out: outsideBlock(1, N, width, ld) });
        }
        const ep = { vocab: V, width, off_start: 3 + 2 * N, off_rows: 3 + 2 * N + V + 1, off_dg: 2, ld_dg: ld, off_out: 5 };
        for (const t of [undefined, ...TUNINGS.map((x) => x.tunablesFor(K.embedGradK, ep)), { WG: 8, TC: 3 }]) {
          await check(be, K.embedGradK, { ints, dg: randomArray(rng, 2 + N * ld), out: nanArray(5 + V * width) }, ep, t, TOL, { out: outsideBlock(5, V, width) });
        }
      }
    });
  });

  it('row_ce and row_stats: per-row loss, gradient and deterministic sums, odd sizes', async () => {
    const rng = new Rng(seed + 1);
    await withDevice(async (be) => {
      for (const [rows, classes] of [[1, 59], [7, 3], [300, 59], [1031, 18]] as const) {
        const off = 1 + rng.int(4);
        const ints = new Uint32Array(off + rows);
        for (let i = 0; i < rows; i++) ints[off + i] = rng.int(classes);
        const logits = randomArray(rng, rows * classes, 4);
        for (const write of [0, 1]) {
          const p = { rows, classes, off_targets: off, scale: 1 / rows, write_grad: write };
          for (const t of [undefined, { WG: 32 }, { WG: 256 }]) {
            // Evaluation (write_grad 0) must leave every gradient element alone.
            await check(be, K.rowCeK, { ints, logits, dlogits: nanArray(rows * classes), part: nanArray(2 * rows) }, p, t, TOL, write ? {} : { dlogits: 'all' });
          }
        }
        // Losses are positive, flags 0/1; the counters already hold something (they accumulate).
        const part = new Float32Array(2 * rows);
        for (let i = 0; i < rows; i++) { part[i] = rng.uniform(0, 5); part[rows + i] = rng.int(2); }
        const stats = Float32Array.from({ length: 8 }, () => rng.uniform(0, 3));
        for (const t of [undefined, { WG: 64 }]) await check(be, K.rowStatsK, { part, stats }, { rows }, t, { abs: 1e-4, rel: 1e-5 });
      }
    });
  });

  it('sample: the same symbols, log-probs and done flags as the twin (prefix, done rows, temperature, top-k)', async () => {
    const rng = new Rng(seed + 2);
    await withDevice(async (be) => {
      for (const B of [1, 5, 67, 256]) {
        const C = 59, P = 6;
        const logits = randomArray(rng, B * C, 3);
        const offDone = (P + 1) * B, offPrefix = offDone + B;
        const ints = new Uint32Array(offPrefix + 3);
        for (let i = 0; i < ints.length; i++) ints[i] = rng.int(C);
        for (let r = 0; r < B; r++) ints[offDone + r] = rng.int(4) === 0 ? 1 + rng.int(3) : 0; // some rows already done
        for (let i = 0; i < 3; i++) ints[offPrefix + i] = rng.int(C - 1);
        for (const [pos, nPrefix] of [[0, 0], [1, 3], [4, 3]] as const) {
          for (const [temperature, topK] of [[1, 0], [0.5, 5], [2, 1], [0.8, 59], [1.3, 58]] as const) {
            const p = { batch: B, classes: C, pos, off_next: (pos + 1) * B, off_done: offDone, off_prefix: offPrefix, n_prefix: nPrefix, end_id: C - 1, top_k: topK,
              seed: rng.int(2 ** 31), row_base: rng.int(1000), temperature: Math.fround(temperature) };
            const init = { logits, ints, logp: nanArray(P * B) };
            const ref = await runKernel(new CpuBackend(), K.sampleK, init, p);
            const got = await runKernel(be, K.sampleK, init, p);
            // A draw whose uniform lands within 1e-5 of a boundary of the cumulative weights may round either
            // way on the two devices (f32 exp on the GPU): such rows are left out (~1e-5 of the draws).
            const near = new Set<number>();
            for (let r = 0; r < B; r++) {
              const q = temperedWeights(logits.subarray(r * C, r * C + C), p.temperature, topK);
              const total = q.reduce((a, b) => a + b, 0);
              const goal = sampleUniform(p.seed, pos, p.row_base + r) * total;
              let cum = 0;
              for (const w of q) { cum += w; if (Math.abs(goal - cum) < 1e-5 * total) near.add(r); }
            }
            const keep = (a: ArrayLike<number>, rowOf: (i: number) => number | null) => Array.from(a).map((v, i) => (near.has(rowOf(i) ?? -1) ? 0 : v));
            const intsRow = (i: number) => (i >= p.off_next && i < p.off_next + B ? i - p.off_next : i >= offDone && i < offDone + B ? i - offDone : null);
            const logpRow = (i: number) => i % B;
            const m1 = mismatch('sample.ints', keep(got.ints!, intsRow), keep(ref.ints!, intsRow), { abs: 0, rel: 0 });
            // Only this position's log-probs are written; the other positions keep their poison.
            const m2 = mismatch('sample.logp', keep(got.logp!, logpRow), keep(ref.logp!, logpRow), TOL, (i) => Math.floor(i / B) !== pos);
            expect(m1 ?? m2, `seed ${seed} ${JSON.stringify(p)}`).toBeNull();
            expect(near.size).toBeLessThan(Math.max(2, B / 20));
          }
        }
      }
    });
  });
});
