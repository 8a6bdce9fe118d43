// Every kernel against its CPU twin: fresh random inputs (seed printed on failure), outputs poisoned with
// NaN, several shapes (sizes not multiples of the workgroup, length 1, length 20, mixed lengths) and
// several tunable settings: every combination the tuning table (src/tune/tuning.ts) produces for these
// shapes (test/helpers/tunings.ts), and a few more.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import * as K from '../src/kernels.js';
import { stepSchedule } from '../src/model/packing.js';
import { nanArray, outsideBlock, randomArray, testSeed, type NanOk, type Tolerance } from './helpers/compare.js';
import { randomBatch } from './helpers/batches.js';
import { withDevice } from './helpers/device.js';
import { compareKernel, type Inputs } from './helpers/kernel-harness.js';
import { gemmTunables, stepTunables } from './helpers/tunings.js';
import { resolveTunables, type KernelDef, type Params, type Tunables } from '../src/core/kernel.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import { TUNINGS } from '../src/tune/tuning.js';

const seed = testSeed();
const TOL: Tolerance = { abs: 2e-5, rel: 2e-4 };

/** `nanOk`: per output buffer, the poisoned elements the kernel must leave alone (NaN matches nowhere else). */
async function check(be: GpuBackend, k: KernelDef, init: Inputs, p: Params, t?: Tunables, tol = TOL, nanOk?: Record<string, NanOk>): Promise<void> {
  const problem = await compareKernel(be, k, init, p, tol, t, nanOk);
  expect(problem, `seed ${seed}`).toBeNull();
}

describe(`kernels vs CPU twins (TEST_SEED=${seed})`, () => {
  // Every tuning's tiles for each shape (the first test), then other tiles: 1x1 blocks, tall workgroups,
  // 8x8 blocks in large workgroups (two tests: 128-accumulator tiles take seconds to compile on lavapipe).
  const gemmTests: [string, (m: number, n: number, k: number, fixed: Tunables, i: number) => Tunables[]][] = [
    ['every tuning\'s tiles', (m, n, k, fixed) => gemmTunables(m, n, k, fixed)],
    ['other tiles', (_m, _n, _k, fixed, i) => [{ ...[{ TM: 1, TN: 1, WG_X: 8, WG_Y: 8 }, { TM: 8, TN: 2, WG_X: 32, WG_Y: 2 }, { TM: 8, TN: 8, WG_X: 16, WG_Y: 2 }][i % 3]!, ...fixed }]],
  ];
  for (const [what, tiles] of gemmTests) it(`gemm (${what}): transposes, bias, accumulation, strides and offsets, odd shapes`, async () => {
    const rng = new Rng(seed);
    await withDevice(async (be) => {
      const shapes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [67, 130, 29], [33, 384, 128], [300, 18, 256], [70, 1, 45], [9, 13, 7]];
      let i = 0;
      for (const [m, n, k] of shapes) {
        for (const ta of [0, 1]) for (const tb of [0, 1]) {
          const acc = rng.int(2), bias = rng.int(2);
          const lda = (ta ? m : k) + rng.int(3), ldb = (tb ? k : n) + rng.int(3), ldc = n + rng.int(3);
          const offA = rng.int(5), offB = rng.int(5), offC = rng.int(5), offBias = rng.int(5);
          const init = {
            a: randomArray(rng, offA + (ta ? k : m) * lda),
            b: randomArray(rng, offB + (tb ? n : k) * ldb),
            bias: randomArray(rng, offBias + n),
            c: acc ? randomArray(rng, offC + m * ldc) : nanArray(offC + m * ldc),
          };
          const p = { m, n, k, off_a: offA, lda, off_b: offB, ldb, off_c: offC, ldc, off_bias: offBias, has_bias: bias };
          // C outside its m x n block (before off_c, the ldc - n padding columns) is never written.
          const nanOk = { c: outsideBlock(offC, m, n, ldc) };
          for (const t of tiles(m, n, k, { TRANS_A: ta, TRANS_B: tb, ACCUMULATE: acc }, i++)) await check(be, K.gemmK, init, p, t, TOL, nanOk);
        }
      }
    });
  });

  it('embed_gather, embed_grad and colsum', async () => {
    const rng = new Rng(seed + 1);
    await withDevice(async (be) => {
      for (const [batch, len, width] of [[1, 1, 1], [5, 7, 39], [67, 20, 384]] as const) {
        const V = 58;
        const b = randomBatch(rng, batch, len, V);
        const ints = new Uint32Array(3 + b.rows + V + 1 + b.rows);
        ints.set(b.tokens, 3);
        ints.set(b.csrStart, 3 + b.rows);
        ints.set(b.csrRows, 3 + b.rows + V + 1);
        const ld = width + 2;
        const gp = { n: b.rows, width, off_tok: 3, off_w: 7, off_b: 7 + V * width, off_out: 1, ld_out: ld, hots: 1, off_tok2: 0 };
        // Workgroup rows striding over packed rows: every tuning's ROWS, one row, fewer rows than packed rows.
        for (const t of [undefined, ...TUNINGS.map((x) => x.tunablesFor(K.embedGatherK, gp)), { ROWS: 1, WG: 32 }, { ROWS: 7 }]) {
          await check(be, K.embedGatherK, { tok: ints, w: randomArray(rng, 7 + V * width + width), out: nanArray(1 + b.rows * ld) }, gp, t, TOL,
            { out: outsideBlock(1, b.rows, width, ld) });
        }
        const dg = randomArray(rng, 2 + b.rows * ld);
        const ep = { vocab: V, width, off_start: 3 + b.rows, off_rows: 3 + b.rows + V + 1, off_dg: 2, ld_dg: ld, off_out: 5 };
        // Every tuning's columns per invocation, and blocks wider than the width / not dividing it.
        for (const t of [undefined, ...TUNINGS.map((x) => x.tunablesFor(K.embedGradK, ep)), { WG: 8, TC: 3 }, { WG: 32, TC: 4 }]) {
          await check(be, K.embedGradK, { ints, dg, out: nanArray(5 + V * width) }, ep, t, TOL, { out: outsideBlock(5, V, width) });
        }
        // One output; two halves into two places (GRU biases); every column into both places (RNN/LSTM).
        const half = Math.floor(width / 2);
        for (const [split, from2] of [[width, width], [half, half], [width, 0]]) {
          // Written: [3, 3 + split) and [width + 6, width + 6 + width - from2); the rest keeps the poison.
          const written = (i: number) => (i >= 3 && i < 3 + split) || (i >= width + 6 && i < 2 * width + 6 - from2);
          await check(be, K.colsumK, { a: dg, out: nanArray(2 * width + 9) },
            { rows: b.rows, width, off_a: 2, lda: ld, off_out: 3, split, off_out2: width + 6, from2 }, { WG: width > 64 ? 64 : 32 }, TOL,
            { out: (i) => !written(i) });
        }
      }
    });
  });

  for (const cell of ['rnn', 'gru'] as const) {
    it(`${cell} step forward and backward, both directions, every step of mixed-length batches`, async () => {
      const rng = new Rng(seed + (cell === 'gru' ? 3 : 2));
      const G = cell === 'gru' ? 3 : 1;
      const S = cell === 'gru' ? 5 : 1; // cache width in units of H
      const DG = cell === 'gru' ? 6 : 1; // dg width in units of H
      const fwd = cell === 'gru' ? K.gruStepFwdK : K.rnnStepFwdK;
      const bwd = cell === 'gru' ? K.gruStepBwdK : K.rnnStepBwdK;
      await withDevice(async (be) => {
        // [batch, longest, H, extra tunables]: besides every combination of the tuning table for 1..batch
        // active rows, blocks wider than H (H = 13 < WG·TN), H not a multiple of WG·TN / WG·TK (130), more
        // rows per block than active rows (RB 8 with batch 3), and the WGSL defaults ({}).
        const T = cell === 'gru' ? 2 : 8;
        const cases: [number, number, number, Tunables[]][] = [
          [1, 1, 1, [{}]], [5, 7, 13, [{ RB: 1 }, { WG: 8, RB: 3, TN: T, TK: T }]], [67, 20, 64, [{}]],
          [9, 20, 130, [{ RB: 8, WG: 32 }, { WG: 16, RB: 8, TN: 4, TK: 4 }]], [3, 4, 256, [{ WG: 128 }, { WG: 8, RB: 8, TN: 3, TK: 3 }]],
        ];
        for (const [batch, len, H, extra] of cases) {
          const fwdT = stepTunables(fwd, H, batch, extra.map(({ TK: _, ...t }) => t));
          const bwdT = stepTunables(bwd, H, batch, extra.map(({ TN: _, ...t }) => t));
          const b = randomBatch(rng, batch, len, 58);
          for (const dirs of [1, 2]) {
            const ld = dirs * H;
            const col = dirs === 2 ? H : 0; // test the second direction's columns when there are two
            const reverse = dirs === 2;
            const sched = stepSchedule(b, reverse);
            const offW = 3, offB = offW + H * G * H;
            const w = randomArray(rng, offB + G * H + 2, 0.5);
            // Forward: a few steps including the first (no previous state) and the last.
            for (const s of new Set([0, sched.length - 1, Math.floor(sched.length / 2)])) for (const tun of fwdT) {
              const st = sched[s]!;
              const y = randomArray(rng, b.rows * ld);
              for (let r = 0; r < st.n; r++) for (let j = 0; j < H; j++) y[(st.off + r) * ld + col + j] = NaN;
              const sp = { h: H, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: ld, col_y: col, off_w: offW, off_b: offB };
              const tok = new Uint32Array(2 + b.rows + 1);
              tok.set(b.tokens, 2);
              // Only this step's rows of y (this direction's columns, poisoned above) and of the cache are written.
              const nanOk = { cache: outsideBlock(st.off * S * H, st.n, S * H) };
              if (cell !== 'gru') await check(be, fwd, { xg: randomArray(rng, b.rows * G * H), w, y, cache: nanArray(b.rows * S * H) }, sp, tun, TOL, nanOk);
              else {
                // The GRU's input gates from xg (EMB = 0; tok bound but not read: NaN-free garbage offsets) ...
                await check(be, fwd, { xg: randomArray(rng, b.rows * G * H), w, y, cache: nanArray(b.rows * S * H), tok },
                  { ...sp, off_tok: 1e6, off_wih: 1e9, off_bih: 1e9 }, { ...tun, EMB: 0 }, TOL, nanOk);
                // ... and layer 0's, with the input gather folded in (EMB = 1; xg bound but not read): W_ih
                // [V, 3H] and b_ih after b_hh (offsets not multiples of anything), tokens from offset 2.
                const V = 58, offWih = offB + G * H + 5, offBih = offWih + V * G * H + 1;
                const wx = randomArray(rng, offBih + G * H + 3, 0.5);
                wx.set(w.subarray(0, offB + G * H));
                await check(be, fwd, { xg: nanArray(1), tok, w: wx, y: Float32Array.from(y), cache: nanArray(b.rows * S * H) },
                  { ...sp, off_tok: 2, off_wih: offWih, off_bih: offBih }, { ...tun, EMB: 1 }, TOL, nanOk);
              }
            }
            // Backward: the first backward step (nothing after it) and a later one.
            for (const s of new Set([sched.length - 1, 0, Math.floor(sched.length / 2)])) for (const tun of bwdT) {
              const tgt = sched[s]!;
              const cur = s + 1 < sched.length ? sched[s + 1]! : null;
              const cache = randomArray(rng, b.rows * S * H);
              for (let i = 0; i < cache.length; i++) cache[i] = Math.abs(cache[i]!); // gates in [0, 1)
              const dg = nanArray(b.rows * DG * H);
              const dh = nanArray(b.rows * H);
              if (cur) {
                for (let r = 0; r < cur.n; r++) {
                  for (let j = 0; j < DG * H; j++) dg[(cur.off + r) * DG * H + j] = rng.uniform(-1, 1);
                  for (let j = 0; j < H; j++) dh[(cur.off + r) * H + j] = rng.uniform(-1, 1);
                }
              }
              const p = { h: H, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: ld, col_ext: col, off_w: offW };
              const ext = randomArray(rng, b.rows * ld);
              const init: Inputs = cell === 'gru' ? { w, cache, ext, dh, dg } : { w, y: randomArray(rng, b.rows * ld), ext, dg };
              // Written: the target rows of dg (and of dh for the GRU); the rest of the poison stays.
              await check(be, bwd, init, p, tun, TOL, { dg: outsideBlock(tgt.off * DG * H, tgt.n, DG * H), dh: outsideBlock(tgt.off * H, tgt.n, H) });
            }
          }
        }
      });
    });
  }

  it('final_gather, final_scatter and softmax_ce', async () => {
    const rng = new Rng(seed + 4);
    await withDevice(async (be) => {
      for (const [batch, len, H, C] of [[1, 1, 1, 2], [7, 9, 13, 18], [300, 20, 70, 18]] as const) {
        const b = randomBatch(rng, batch, len, 58, C);
        const ints = new Uint32Array(2 + 2 * batch);
        ints.set(b.last, 2);
        ints.set(b.labels, 2 + batch);
        for (const dirs of [1, 2]) {
          const p = { batch, h: H, dirs, ld_y: dirs * H, off_last: 2 };
          await check(be, K.finalGatherK, { ints, y: randomArray(rng, b.rows * dirs * H), feat: nanArray(batch * dirs * H) }, p);
          await check(be, K.finalScatterK, { ints, dfeat: randomArray(rng, batch * dirs * H), ext: randomArray(rng, b.rows * dirs * H) }, p);
        }
        for (const write_grad of [0, 1]) {
          const classW = randomArray(rng, C).map((x) => 0.1 + Math.abs(x));
          let wsum = 0;
          for (const l of b.labels) wsum += classW[l]!;
          await check(be, K.softmaxCeK, { ints, logits: randomArray(rng, batch * C, 5), dlogits: nanArray(batch * C), class_w: classW, stats: randomArray(rng, 4) },
            { batch, classes: C, off_labels: 2 + batch, scale: 1 / wsum, write_grad }, undefined, { abs: 1e-4, rel: 1e-5 },
            write_grad ? {} : { dlogits: 'all' }); // evaluation: no gradient may be written
        }
      }
    });
  });

  it('gradient norm, clipping (including a NaN gradient), Adam and SGD', async () => {
    const rng = new Rng(seed + 5);
    await withDevice(async (be) => {
      for (const n of [1, 1000, 100_003]) {
        const g = randomArray(rng, n);
        const parts = Math.ceil(n / (256 * 16));
        // One partial sum per workgroup; the one element past them must keep its poison.
        const last = (i: number, a: Float32Array) => i === a.length - 1;
        const sumsq = async (partial: Float32Array, t?: Tunables) =>
          check(be, K.gradSumsqK, { g, partial }, { n }, t, { abs: 1e-4, rel: 1e-5 }, { partial: (i) => last(i, partial) });
        await sumsq(nanArray(parts + 1));
        await sumsq(nanArray(Math.ceil(n / 64) + 1), { WG: 64, ITEMS: 1 });
        // Every tuning's chunk (the optimizer sizes its partials by it).
        for (const t of TUNINGS.map((x) => resolveTunables(K.gradSumsqK, x.tunablesFor(K.gradSumsqK, { n })))) {
          await sumsq(nanArray(Math.ceil(n / (t.WG! * t.ITEMS!)) + 1), t);
        }
        const partial = randomArray(rng, parts).map(Math.abs);
        for (const max_norm of [0, 0.5, 1e9]) {
          await check(be, K.gradClipK, { partial, stats: randomArray(rng, 8) }, { parts, max_norm }, undefined, { abs: 1e-6, rel: 1e-5 });
        }
        const withNan = partial.slice();
        withNan[parts - 1] = NaN;
        // A NaN gradient: the norm (stats[3]) is NaN on both sides, and only there (scale 0, counted in stats[5]).
        await check(be, K.gradClipK, { partial: withNan, stats: randomArray(rng, 8) }, { parts, max_norm: 1 }, undefined, TOL, { stats: (i) => i === 3 });
        for (const scale of [0.7, 0]) {
          const stats = new Float32Array(8);
          stats[4] = scale;
          const v = randomArray(rng, n).map(Math.abs);
          const ap = { n, step_size: 0.002 / (1 - 0.9 ** 3), bc2_sqrt: Math.sqrt(1 - 0.999 ** 3), beta1: 0.9, beta2: 0.999, eps: 1e-8 };
          // The WGSL default, every tuning's elements per invocation, and ITEMS not dividing n.
          for (const t of [undefined, ...TUNINGS.map((x) => x.tunablesFor(K.adamK, ap)), { WG: 8, ITEMS: 3 }]) {
            await check(be, K.adamK, { param: randomArray(rng, n), grad: g, m: randomArray(rng, n), v, stats }, ap, t, { abs: 1e-6, rel: 1e-5 });
          }
          for (const momentum of [0, 0.9]) {
            await check(be, K.sgdK, { param: randomArray(rng, n), grad: g, buf: randomArray(rng, n), stats }, { n, lr: 0.1, momentum }, undefined, { abs: 1e-6, rel: 1e-5 });
          }
        }
      }
    });
  });
});
