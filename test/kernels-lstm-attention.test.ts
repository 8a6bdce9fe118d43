// The LSTM step and attention kernels against their CPU twins: fresh random inputs (seed printed
// on failure), outputs poisoned with NaN, sizes that are not multiples of the workgroup, length-1 rows and
// length 20, both directions, several tunables (for the LSTM steps every combination the tuning table
// produces for these shapes, test/helpers/tunings.ts). Single steps from random states check every branch
// (rows with and without a previous/later state); whole chained sequences check that the steps fit
// together, with each step's tunables chosen from its active rows as the network chooses them.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { KernelDef, Params, Tunables } from '../src/core/kernel.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import * as K from '../src/kernels.js';
import { stepSchedule, type PackedBatch } from '../src/model/packing.js';
import { randomBatch } from './helpers/batches.js';
import { nanArray, outsideBlock, randomArray, testSeed, type NanOk, type Tolerance } from './helpers/compare.js';
import { withDevice } from './helpers/device.js';
import { compareKernel, type Inputs } from './helpers/kernel-harness.js';
import { compareSequence, type Dispatch } from './helpers/sequence.js';
import { stepTunables } from './helpers/tunings.js';
import { TUNINGS } from '../src/tune/tuning.js';

const seed = testSeed();
const TOL: Tolerance = { abs: 2e-5, rel: 2e-4 };

/** `nanOk`: per output buffer, the poisoned elements the kernel must leave alone (NaN matches nowhere else). */
async function check(be: GpuBackend, k: KernelDef, init: Inputs, p: Params, t?: Tunables, tol = TOL, nanOk?: Record<string, NanOk>): Promise<void> {
  const problem = await compareKernel(be, k, init, p, tol, t, nanOk);
  expect(problem, `seed ${seed}`).toBeNull();
}

const S = 7; // LSTM cache width in units of H: i | f | g | o | c | h_prev | c_prev

describe(`LSTM and attention kernels vs CPU twins (TEST_SEED=${seed})`, () => {
  // [batch, longest, H, extra tunables]: H below, at and above the workgroup, and not a multiple of it
  // (nor of WG·TN / WG·TK); more rows per block than active rows; besides every tuning's combinations.
  const lstmCases: [number, number, number, Tunables[]][] = [
    [1, 1, 1, [{}]], [5, 7, 13, [{ RB: 1 }, { WG: 8, RB: 3, TN: 2, TK: 8 }]], [67, 20, 64, [{}]],
    [9, 20, 130, [{ RB: 8, WG: 32 }, { WG: 16, RB: 4, TN: 4, TK: 4 }]], [3, 4, 256, [{ WG: 128, RB: 2 }, { WG: 8, RB: 8, TN: 3, TK: 3 }]],
  ];
  const fwdTunables = (H: number, batch: number, extra: Tunables[]) => stepTunables(K.lstmStepFwdK, H, batch, extra.map(({ TK: _, ...t }) => t));
  const bwdTunables = (H: number, batch: number, extra: Tunables[]) => stepTunables(K.lstmStepBwdK, H, batch, extra.map(({ TN: _, ...t }) => t));

  it('lstm step forward and backward, single steps from random states, both directions', async () => {
    const rng = new Rng(seed);
    await withDevice(async (be) => {
      for (const [batch, len, H, extra] of lstmCases) {
        const b = randomBatch(rng, batch, len, 58);
        const fwdT = fwdTunables(H, batch, extra), bwdT = bwdTunables(H, batch, extra);
        for (const dirs of [1, 2]) {
          const ld = dirs * H, col = dirs === 2 ? H : 0;
          const sched = stepSchedule(b, dirs === 2);
          const offW = 3, offB = offW + H * 4 * H;
          const w = randomArray(rng, offB + 4 * H + 2, 0.5);
          // Every step of the schedule for short batches; the first, middle and last otherwise.
          const steps = sched.length <= 7 ? sched.map((_, s) => s) : [0, Math.floor(sched.length / 2), sched.length - 1];
          for (const s of steps) for (const tun of fwdT) {
            const st = sched[s]!;
            // Inputs everywhere (the previous position's h and c are read), poison where this step writes.
            const y = randomArray(rng, b.rows * ld);
            const cache = randomArray(rng, b.rows * S * H, 2);
            for (let r = 0; r < st.n; r++) {
              for (let j = 0; j < H; j++) y[(st.off + r) * ld + col + j] = NaN;
              for (let j = 0; j < S * H; j++) cache[(st.off + r) * S * H + j] = NaN;
            }
            await check(be, K.lstmStepFwdK, { xg: randomArray(rng, b.rows * 4 * H, 2), w, y, cache },
              { h: H, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: ld, col_y: col, off_w: offW, off_b: offB }, tun);
          }
          for (const s of steps) for (const tun of bwdT) {
            const tgt = sched[s]!;
            const cur = s + 1 < sched.length ? sched[s + 1]! : null;
            const cache = randomArray(rng, b.rows * S * H);
            for (let i = 0; i < cache.length; i++) if (i % (S * H) < 4 * H) cache[i] = Math.abs(cache[i]!); // gates in [0, 1)
            const dg = nanArray(b.rows * 4 * H);
            const dh = nanArray(b.rows * 2 * H);
            if (cur) {
              for (let r = 0; r < cur.n; r++) {
                for (let j = 0; j < 4 * H; j++) dg[(cur.off + r) * 4 * H + j] = rng.uniform(-1, 1);
                for (let j = 0; j < 2 * H; j++) dh[(cur.off + r) * 2 * H + j] = rng.uniform(-1, 1);
              }
            }
            await check(be, K.lstmStepBwdK, { w, cache, ext: randomArray(rng, b.rows * ld), dh, dg },
              { h: H, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: ld, col_ext: col, off_w: offW }, tun, TOL,
              // Written: the target rows of dg and of dh (dh | dc); elsewhere the poison stays.
              { dg: outsideBlock(tgt.off * 4 * H, tgt.n, 4 * H), dh: outsideBlock(tgt.off * 2 * H, tgt.n, 2 * H) });
          }
        }
      }
    });
  });

  it('lstm steps chained: every forward step, then every backward step, both directions', async () => {
    const rng = new Rng(seed + 1);
    await withDevice(async (be) => {
      // Each step with the tunables a tuning picks for it (as the network does), and with the case's extras.
      for (const [batch, len, H, extra] of lstmCases) {
        const b = randomBatch(rng, batch, len, 58);
        const choosers: ((k: KernelDef, p: Params) => Tunables)[] = [
          ...TUNINGS.map((t) => (k: KernelDef, p: Params) => t.tunablesFor(k, p)),
          ...extra.map((e) => (k: KernelDef) => (k === K.lstmStepFwdK ? (({ TK: _, ...t }) => t)(e) : (({ TN: _, ...t }) => t)(e))),
        ];
        for (const choose of choosers) for (const dirs of [1, 2]) {
          const ld = dirs * H, col = dirs === 2 ? H : 0;
          const sched = stepSchedule(b, dirs === 2);
          const offW = 1, offB = offW + H * 4 * H;
          const calls: Dispatch[] = [];
          for (const st of sched) {
            const p = { h: H, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: ld, col_y: col, off_w: offW, off_b: offB };
            calls.push({ k: K.lstmStepFwdK, t: choose(K.lstmStepFwdK, p), p });
          }
          for (let s = sched.length - 1; s >= 0; s--) {
            const tgt = sched[s]!, cur = sched[s + 1];
            const p = { h: H, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: ld, col_ext: col, off_w: offW };
            calls.push({ k: K.lstmStepBwdK, t: choose(K.lstmStepBwdK, p), p });
          }
          const init: Inputs = {
            xg: randomArray(rng, b.rows * 4 * H, 2),
            w: randomArray(rng, offB + 4 * H, 1 / Math.sqrt(H)),
            y: nanArray(b.rows * ld), // the other direction's columns stay NaN: never read
            cache: nanArray(b.rows * S * H),
            ext: randomArray(rng, b.rows * ld),
            dh: nanArray(b.rows * 2 * H),
            dg: nanArray(b.rows * 4 * H),
          };
          // Every row of every buffer is written by some step, except y's other-direction columns.
          const problem = await compareSequence(be, init, calls, ['y', 'cache', 'dh', 'dg'], { abs: 5e-5, rel: 5e-4 },
            { y: outsideBlock(0, b.rows, H, ld, col) });
          expect(problem, `seed ${seed + 1}, batch ${batch}, H ${H}, dirs ${dirs}`).toBeNull();
        }
      }
    });
  });

  /** ints with the batch's offsets and lengths at odd places, as the kernels must not assume 0. */
  function attentionInts(b: PackedBatch): { ints: Uint32Array; off_offsets: number; off_lengths: number } {
    const off_offsets = 3, off_lengths = off_offsets + b.steps + 1 + 2;
    const ints = new Uint32Array(off_lengths + b.batch + 1);
    ints.set(b.offsets, off_offsets);
    ints.set(b.lengths, off_lengths);
    return { ints, off_offsets, off_lengths };
  }

  it('attention forward and backward: odd batches, length-1 rows, length 20, D = H and 2H, several workgroups', async () => {
    const rng = new Rng(seed + 2);
    await withDevice(async (be) => {
      // [batch, longest, H, tunables]
      const cases: [number, number, number, Tunables][] = [
        [1, 1, 1, {}], [1, 20, 5, {}], [7, 9, 13, { WG: 32 }], [67, 20, 64, {}], [33, 20, 300, { WG: 256 }], [5, 20, 1024, { WG: 128 }],
        [200, 3, 2, { WG: 16 }],
      ];
      for (const [batch, len, H, tun] of cases) {
        const b = randomBatch(rng, batch, len, 58);
        const { ints, off_offsets, off_lengths } = attentionInts(b);
        for (const dirs of [1, 2]) {
          const D = dirs * H, ld = D + rng.int(3);
          const offW = 2, offB = offW + D;
          const w = randomArray(rng, offB + 2, 3 / Math.sqrt(D)); // large enough for peaked weights
          const y = randomArray(rng, b.rows * ld);
          await check(be, K.attentionFwdK, { ints, w, y, alpha: nanArray(b.rows), feat: nanArray(batch * D) },
            { batch, d: D, ld_y: ld, off_offsets, off_lengths, off_w: offW, off_b: offB }, tun);
          // Backward from valid weights: each row's alpha over its positions is a softmax.
          const alpha = new Float32Array(b.rows);
          for (let r = 0; r < batch; r++) {
            const ex = Array.from({ length: b.lengths[r]! }, () => Math.exp(rng.uniform(-3, 3)));
            const s = ex.reduce((a, v) => a + v, 0);
            ex.forEach((v, t) => (alpha[b.offsets[t]! + r] = v / s));
          }
          await check(be, K.attentionBwdK,
            { ints, w, y, alpha, dfeat: randomArray(rng, batch * D), ext: randomArray(rng, b.rows * ld), dscore: nanArray(b.rows) },
            { batch, d: D, ld_y: ld, off_offsets, off_lengths, off_w: offW }, tun);
        }
      }
    });
  });

  it('attention rows stride past the 65535-workgroup dispatch limit', async () => {
    const rng = new Rng(seed + 3);
    await withDevice(async (be) => {
      const batch = 70_000, D = 3;
      const b = randomBatch(rng, batch, 2, 58);
      const { ints, off_offsets, off_lengths } = attentionInts(b);
      const w = randomArray(rng, D + 1);
      const y = randomArray(rng, b.rows * D);
      const p = { batch, d: D, ld_y: D, off_offsets, off_lengths, off_w: 0, off_b: D };
      await check(be, K.attentionFwdK, { ints, w, y, alpha: nanArray(b.rows), feat: nanArray(batch * D) }, p);
      await check(be, K.attentionBwdK,
        { ints, w, y, alpha: randomArray(rng, b.rows), dfeat: randomArray(rng, batch * D), ext: randomArray(rng, b.rows * D), dscore: nanArray(b.rows) }, p);
    });
  });
});
