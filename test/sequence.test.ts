// The whole-sequence recurrence kernels (<cell>_seq_fwd / _seq_bwd: one dispatch per layer and direction)
// against (1) their CPU twins, which are literally the per-step twins looped over the schedule, with
// outputs poisoned with NaN; (2) the per-step kernels on the GPU over the same batch; (3) whole networks:
// Adam steps with recurrence 'sequence' against 'step' and the CPU reference, step by step from the same
// parameters (losses, raw gradients, then the update: test/helpers/model.ts compareSides). Sizes: odd batches, length-1
// rows, length 20, mixed lengths, both directions, H not a multiple of the workgroup, H = 256 and 512, the
// state in workgroup memory and (HS / DS below the state's width) read back from global memory.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import type { Buf } from '../src/core/backend.js';
import { Rng } from '../src/core/rng.js';
import type { Params, Tunables } from '../src/core/kernel.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import { chooseRecurrence, resolveRecurrence, type Recurrence } from '../src/tune/recurrence.js';
import { seqTunables } from '../src/tune/tuning.js';
import { cellSpec, type CellSpec } from '../src/model/cells.js';
import { CELL_TYPES, type CellType, type ModelConfig } from '../src/model/config.js';
import { Network } from '../src/model/network.js';
import { stepSchedule, type PackedBatch } from '../src/model/packing.js';
import { initParams } from '../src/model/params.js';
import { parseArgs } from '../src/cli/args.js';
import { TRAIN_SPECS } from '../src/cli/train.js';
import { COMPARE_SPECS } from '../src/cli/compare.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer } from '../src/train/trainer.js';
import { randomBatch } from './helpers/batches.js';
import { expectClose, mismatch, nanArray, outsideBlock, randomArray, testSeed, type Tolerance } from './helpers/compare.js';
import { withDevice } from './helpers/device.js';
import { compareKernel, runKernel, type Inputs } from './helpers/kernel-harness.js';
import { compareSides, randomBatches } from './helpers/model.js';

const seed = testSeed();
const TOL: Tolerance = { abs: 5e-5, rel: 5e-4 }; // 20 chained positions in f32
const EXACT: Tolerance = { abs: 0, rel: 0 };

/** ints with the batch's offsets and lengths at odd places, as the kernels must not assume 0. */
function batchInts(b: PackedBatch): { ints: Uint32Array; off_offsets: number; off_lengths: number } {
  const off_offsets = 5, off_lengths = off_offsets + b.steps + 1 + 3;
  const ints = new Uint32Array(off_lengths + b.batch + 2).fill(0xdeadbeef);
  ints.set(b.offsets, off_offsets);
  ints.set(b.lengths, off_lengths);
  return { ints, off_offsets, off_lengths };
}

/** Sequence-kernel tunables: the state in workgroup memory (as wide as it is) or read back from global. */
function tunables(cell: CellSpec, H: number, where: 'ws' | 'global', RB: number, WG: number): { fwd: Tunables; bwd: Tunables } {
  const G = cell.gates;
  if (where === 'ws' && 2 * RB * G * H > 4096) throw new Error(`test case does not fit 16 KiB: RB ${RB}, ${G} x ${H}`);
  return where === 'ws' ? { fwd: { WG, RB, HS: H }, bwd: { WG, RB, DS: G * H } } : { fwd: { WG, RB, HS: 1 }, bwd: { WG, RB, DS: 1 } };
}

interface Layout {
  H: number;
  ld: number;
  col: number;
  offW: number;
  offB: number;
}

/** Forward inputs: y and cache all NaN (each kernel writes every active row, and only those). */
function fwdInputs(rng: Rng, cell: CellSpec, b: PackedBatch, L: Layout, ints: Uint32Array): Inputs {
  return {
    ints,
    xg: randomArray(rng, b.rows * cell.gates * L.H, 1.5),
    w: randomArray(rng, L.offB + cell.gates * L.H + 3, 1.5 / Math.sqrt(L.H)),
    y: nanArray(b.rows * L.ld), // the other direction's columns stay NaN: never read
    cache: nanArray(b.rows * cell.cache * L.H),
  };
}

type IntsAt = { off_offsets: number; off_lengths: number };
const fwdParams = (b: PackedBatch, L: Layout, rev: number, { off_offsets, off_lengths }: IntsAt): Params => ({
  h: L.H, steps: b.steps, reverse: rev, batch: b.batch, ld_y: L.ld, col_y: L.col, off_w: L.offW, off_b: L.offB, off_offsets, off_lengths,
});
const bwdParams = (b: PackedBatch, L: Layout, rev: number, { off_offsets, off_lengths }: IntsAt): Params => ({
  h: L.H, steps: b.steps, reverse: rev, batch: b.batch, ld_ext: L.ld, col_ext: L.col, off_w: L.offW, off_offsets, off_lengths,
});

// [cell, batch, longest, H, where, RB, WG]: H below, at and above the workgroup and not a multiple of it.
type Case = [CellType, number, number, number, 'ws' | 'global', number, number];
const KERNEL_CASES: Case[] = [];
for (const cell of CELL_TYPES) {
  KERNEL_CASES.push(
    [cell, 1, 1, 1, 'ws', 4, 32],
    [cell, 1, 20, 5, 'ws', 1, 32],
    [cell, 5, 7, 13, 'global', 1, 32],
    [cell, 67, 20, 64, 'ws', 4, 64],
    [cell, 9, 20, 130, 'ws', 2, 128],
    [cell, 9, 20, 130, 'global', 8, 32],
    [cell, 33, 3, 7, 'ws', 8, 32],
    [cell, 3, 20, 256, 'ws', cell === 'rnn' ? 4 : 2, 256],
    [cell, 5, 20, 512, 'ws', cell === 'rnn' ? 4 : 1, 256],
    [cell, 4, 20, 512, 'global', 2, 128],
  );
}

describe(`sequence kernels vs CPU twins (TEST_SEED=${seed})`, () => {
  for (const cell of CELL_TYPES) {
    it(`${cell}_seq_fwd and ${cell}_seq_bwd: both directions, every case`, async () => {
      const rng = new Rng(seed + CELL_TYPES.indexOf(cell));
      const spec = cellSpec(cell);
      await withDevice(async (be) => {
        for (const [c, batch, len, H, where, RB, WG] of KERNEL_CASES) {
          if (c !== cell) continue;
          const b = randomBatch(rng, batch, len, 58);
          const o = batchInts(b);
          const t = tunables(spec, H, where, RB, WG);
          for (const dirs of [1, 2]) {
            const rev = dirs - 1; // the backward direction in the second half of a bidirectional layer
            const L: Layout = { H, ld: dirs * H + rng.int(2), col: rev * H, offW: 3, offB: 3 + H * spec.gates * H };
            const what = `seed ${seed}: ${cell} batch ${batch} len ${len} H ${H} ${where} RB ${RB} WG ${WG} reverse ${rev}`;
            const fin = fwdInputs(rng, spec, b, L, o.ints);
            const fp = fwdParams(b, L, rev, o);
            // y: only this direction's H columns are written (not the other's, nor the padding column).
            expect(await compareKernel(be, spec.seqFwd, fin, fp, TOL, t.fwd, { y: outsideBlock(0, b.rows, H, L.ld, L.col) }), what).toBeNull();
            // Backward from a real forward pass (the CPU twin's), ext random, dh/dg poisoned.
            const fwd = await runKernel(new CpuBackend(), spec.seqFwd, fin, fp, t.fwd);
            const bin: Inputs = {
              ints: o.ints, w: fin.w!, cache: fwd.cache!, y: fwd.y!, ext: randomArray(rng, b.rows * L.ld),
              dh: nanArray(b.rows * spec.dstate * H), dg: nanArray(b.rows * spec.dg * H),
            };
            expect(await compareKernel(be, spec.seqBwd, bin, bwdParams(b, L, rev, o), TOL, t.bwd), what).toBeNull();
          }
        }
      });
    });
  }

  it('the twins are the per-step twins over the schedule: every row written, nothing else', async () => {
    // A poisoned forward leaves NaN exactly in the other direction's columns; the backward fills dh and dg.
    const rng = new Rng(seed + 7);
    for (const cell of CELL_TYPES) {
      const spec = cellSpec(cell);
      const b = randomBatch(rng, 11, 9, 58);
      const o = batchInts(b);
      const H = 6, L: Layout = { H, ld: 2 * H, col: H, offW: 0, offB: H * spec.gates * H };
      const fin = fwdInputs(rng, spec, b, L, o.ints);
      const out = await runKernel(new CpuBackend(), spec.seqFwd, fin, fwdParams(b, L, 1, o));
      for (let r = 0; r < b.rows; r++) {
        for (let j = 0; j < 2 * H; j++) expect(Number.isNaN(out.y![r * 2 * H + j]!), `${cell} y[${r}, ${j}]`).toBe(j < H);
      }
      expect(out.cache!.every((v) => !Number.isNaN(v)), `${cell} cache`).toBe(true);
    }
  });

  it('row blocks stride past the 65535-workgroup dispatch limit', async () => {
    const rng = new Rng(seed + 8);
    await withDevice(async (be) => {
      const spec = cellSpec('gru');
      const b = randomBatch(rng, 70_000, 3, 58);
      const o = batchInts(b);
      const H = 2, L: Layout = { H, ld: H, col: 0, offW: 0, offB: H * 3 * H };
      const t = tunables(spec, H, 'ws', 1, 32);
      const fin = fwdInputs(rng, spec, b, L, o.ints);
      const fp = fwdParams(b, L, 0, o);
      expect(await compareKernel(be, spec.seqFwd, fin, fp, TOL, t.fwd), `seed ${seed}`).toBeNull();
      const fwd = await runKernel(new CpuBackend(), spec.seqFwd, fin, fp, t.fwd);
      const bin: Inputs = { ints: o.ints, w: fin.w!, cache: fwd.cache!, y: fwd.y!, ext: randomArray(rng, b.rows * H), dh: nanArray(b.rows * H), dg: nanArray(b.rows * 6 * H) };
      expect(await compareKernel(be, spec.seqBwd, bin, bwdParams(b, L, 0, o), TOL, t.bwd), `seed ${seed}`).toBeNull();
    });
  });
});

describe(`sequence kernels vs the per-step kernels on the GPU (TEST_SEED=${seed})`, () => {
  // [batch, longest, H]: the network's tunables for H (seqTunables), both paths where H allows.
  const cases: [number, number, number][] = [[1, 1, 3], [17, 20, 32], [64, 15, 100], [7, 20, 256], [3, 12, 512]];
  for (const cell of CELL_TYPES) {
    it(`${cell}: a bidirectional layer, forward then backward, one dispatch per direction vs one per position`, async () => {
      const rng = new Rng(seed + 20 + CELL_TYPES.indexOf(cell));
      const spec = cellSpec(cell);
      await withDevice(async (be) => {
        for (const [batch, len, H] of cases) {
          const b = randomBatch(rng, batch, len, 58);
          const o = batchInts(b);
          const G = spec.gates, ld = 2 * H, offW = 1, offB = offW + H * G * H;
          const init: Inputs = {
            ints: o.ints, xg: randomArray(rng, b.rows * G * H, 1.5), w: randomArray(rng, offB + G * H, 1.5 / Math.sqrt(H)),
            y: nanArray(b.rows * ld), cache0: nanArray(b.rows * spec.cache * H), cache1: nanArray(b.rows * spec.cache * H),
            ext: randomArray(rng, b.rows * ld), dh: nanArray(b.rows * spec.dstate * H), dg: nanArray(b.rows * spec.dg * H),
          };
          const net = { fwd: seqTunables('fwd', spec.gates, H), bwd: seqTunables('bwd', spec.gates, H) };
          for (const [label, t] of [['network tunables', net], ['global state', { fwd: { ...net.fwd, HS: 1 }, bwd: { ...net.bwd, DS: 1 } }]] as const) {
            if (label === 'global state' && H > 100) continue; // the same path as the network's for the widest
            // Each direction's forward (its own cache bound as `cache`), then each direction's backward; dh and
            // dg (scratch shared by the directions, as in the network) are read after each backward.
            const run = async (bk: GpuBackend, mode: 'step' | 'seq') => {
              const bufs: Record<string, Buf> = {};
              for (const [name, data] of Object.entries(init)) {
                bufs[name] = bk.create(name, data.length, data instanceof Uint32Array ? 'u32' : 'f32');
                bk.write(bufs[name]!, data);
              }
              // tok: the GRU step's input-gather binding, unread here (EMB = 0: its input gates come from xg).
              const bound = (d: number) => ({ ...bufs, cache: bufs[`cache${d}`]!, tok: bufs.ints! });
              const L = (d: number): Layout => ({ H, ld, col: d * H, offW, offB });
              for (const d of [0, 1]) {
                if (mode === 'seq') bk.run(spec.seqFwd, bound(d), fwdParams(b, L(d), d, o), t.fwd);
                else {
                  for (const st of stepSchedule(b, d === 1)) {
                    bk.run(spec.fwd, bound(d), { h: H, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: ld, col_y: d * H, off_w: offW, off_b: offB, off_tok: 0, off_wih: 0, off_bih: 0 });
                  }
                }
              }
              const outs: Record<string, Float32Array | Uint32Array> = {};
              for (const d of [0, 1]) {
                if (mode === 'seq') bk.run(spec.seqBwd, bound(d), bwdParams(b, L(d), d, o), t.bwd);
                else {
                  const sched = stepSchedule(b, d === 1);
                  for (let s = sched.length - 1; s >= 0; s--) {
                    const tgt = sched[s]!, cur = sched[s + 1];
                    bk.run(spec.bwd, bound(d), { h: H, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: ld, col_ext: d * H, off_w: offW });
                  }
                }
                outs[`dh${d}`] = await bk.read(bufs.dh!);
                outs[`dg${d}`] = await bk.read(bufs.dg!);
              }
              for (const n of ['y', 'cache0', 'cache1']) outs[n] = await bk.read(bufs[n]!);
              for (const buf of Object.values(bufs)) bk.destroy(buf);
              return outs;
            };
            const ref = await run(be, 'step');
            const got = await run(be, 'seq');
            const what = `seed ${seed}: ${cell} batch ${batch} len ${len} H ${H} (${label} ${JSON.stringify(t)})`;
            // The RNN's backward kernels carry no state gradient (dh = ext + dg W^T inline): dh is never written.
            const nanOk = (n: string) => (cell === 'rnn' && n.startsWith('dh') ? 'all' : undefined);
            for (const n of Object.keys(ref)) expect(mismatch(`${n}, ${what}`, got[n]!, ref[n]!, { abs: 1e-5, rel: 1e-4 }, nanOk(n))).toBeNull();
          }
        }
      });
    });
  }
});

describe(`networks with recurrence 'sequence' (TEST_SEED=${seed})`, () => {
  const variants: Partial<ModelConfig>[] = [
    { layers: 2, bidirectional: true, attention: true },
    { layers: 2, bidirectional: true, attention: false },
    { layers: 1, bidirectional: false, attention: false },
  ];
  for (const cell of CELL_TYPES) {
    for (const v of variants) {
      it(`3 Adam steps, ${cell} ${JSON.stringify(v)}: sequence = step on the GPU = the CPU reference`, async () => {
        const cfg: ModelConfig = { cell, hidden: 32, layers: 1, bidirectional: false, attention: false, vocabSize: 58, numClasses: 18, ...v };
        const batches = randomBatches(new Rng(seed + 30), [37, 64, 1], 20, 58, 18);
        const cpu = new CpuBackend();
        // Every side from the CPU step reference's parameters at each step: losses and raw gradients, then
        // the update. The CPU twins of the sequence kernels are the per-step twins in a loop: bit for bit.
        const [, , gpuStep, gpuSeq] = await withDevice((be) => compareSides(cfg, batches, 'adam', [
          { be: cpu, opts: { recurrence: 'step' } },
          { be: cpu, opts: { recurrence: 'sequence' }, what: 'CPU sequence', tol: { loss: EXACT, grads: EXACT, params: EXACT } },
          { be, opts: { recurrence: 'step' }, what: 'GPU step' },
          { be, opts: { recurrence: 'sequence' }, what: 'GPU sequence' },
        ], { what: `seed ${seed}` }));
        expectClose(`losses, sequence vs step on the GPU (seed ${seed})`, gpuSeq!.losses, gpuStep!.losses, { abs: 1e-6, rel: 1e-6 });
        // One recurrence dispatch per layer, direction and pass instead of one per position.
        const recurrences = 2 * cfg.layers * (cfg.bidirectional ? 2 : 1);
        const positions = batches.reduce((s, b) => s + b.steps, 0);
        // A GRU's per-step layer 0 also gathers its input inside the step (gru_step_fwd, EMB = 1): no embed_gather
        // dispatch per direction and batch.
        const gathers = cell === 'gru' ? (cfg.bidirectional ? 2 : 1) * batches.length : 0;
        expect(gpuStep!.dispatches - gpuSeq!.dispatches).toBe(recurrences * (positions - batches.length) - gathers);
      });
    }
  }

  it('the state read back from global memory (HS / DS below its width) trains the same as in workgroup memory', async () => {
    const cfg: ModelConfig = { cell: 'lstm', hidden: 24, layers: 2, bidirectional: true, attention: true, vocabSize: 58, numClasses: 18 };
    const batches = randomBatches(new Rng(seed + 31), [37, 5], 20, 58, 18);
    await withDevice((be) => compareSides(cfg, batches, 'adam', [
      { be, opts: { recurrence: 'sequence' } },
      { be, opts: { recurrence: 'sequence', seqTunables: { fwd: { HS: 1, RB: 3 }, bwd: { DS: 1, RB: 5 } } }, what: 'state in global memory',
        tol: { loss: { abs: 1e-6, rel: 1e-6 } } },
    ], { what: `seed ${seed}` }));
  });

  it('the recurrence can change between steps of one network', async () => {
    const cfg: ModelConfig = { cell: 'gru', hidden: 16, layers: 1, bidirectional: true, attention: false, vocabSize: 58, numClasses: 18 };
    const [b] = randomBatches(new Rng(seed + 32), [9], 20, 58, 18);
    await withDevice(async (be) => {
      const net = new Network(be, cfg, { batch: 9, rows: b!.rows });
      expect(net.recurrence).toBe('step');
      net.setParams(initParams(net.layout, 3));
      const logits: Float32Array[] = [];
      for (const r of ['step', 'sequence', 'step'] as Recurrence[]) {
        net.recurrence = r;
        net.forward(b!, false);
        logits.push(await net.readLogits(b!));
      }
      expectClose('sequence vs step logits', logits[1]!, logits[0]!, { abs: 1e-6, rel: 1e-5 });
      expect(Array.from(logits[2]!)).toEqual(Array.from(logits[0]!));
      net.dispose();
    });
  });
});

describe('choosing the recurrence', () => {
  const hw = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100', software: false };
  const sw = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)', software: true };

  it('software adapters step, real GPUs run whole sequences; an explicit choice wins', () => {
    expect(chooseRecurrence(sw)).toBe('step');
    expect(chooseRecurrence(hw)).toBe('sequence');
    const gpu = (adapter?: typeof hw) => ({ kind: 'gpu' as const, adapter });
    expect(resolveRecurrence('auto', gpu(hw))).toBe('sequence');
    expect(resolveRecurrence('auto', gpu(sw))).toBe('step');
    expect(resolveRecurrence('auto', gpu())).toBe('step'); // adapter unknown: the conservative default
    expect(resolveRecurrence('auto', new CpuBackend())).toBe('step');
    expect(resolveRecurrence('sequence', new CpuBackend())).toBe('sequence');
    expect(resolveRecurrence('step', gpu(hw))).toBe('step');
  });

  it('the trainer resolves TrainOptions.recurrence and the network uses it', () => {
    const data = {
      train: [{ name: 'abc', label: 0 }, { name: 'de', label: 1 }], test: [{ name: 'f', label: 0 }],
      languages: ['A', 'B'], split: { seed: 1, testFraction: 0.2, dedup: false },
    };
    const base = { ...DEFAULT_TRAIN_OPTIONS, hidden: 4, batchSize: 2, evalBatchSize: 2 };
    expect(DEFAULT_TRAIN_OPTIONS.recurrence).toBe('auto');
    for (const [choice, want] of [['auto', 'step'], ['step', 'step'], ['sequence', 'sequence']] as const) {
      const t = new Trainer(new CpuBackend(), { ...base, recurrence: choice }, data);
      expect(t.recurrence).toBe(want);
      expect(t.net.recurrence).toBe(want);
      t.dispose();
    }
  });

  it('train and compare take --recurrence auto|step|sequence', () => {
    expect(parseArgs('train', [], TRAIN_SPECS).opts.recurrence).toBe('auto');
    expect(parseArgs('train', ['--recurrence', 'sequence'], TRAIN_SPECS).opts.recurrence).toBe('sequence');
    expect(parseArgs('compare', ['--recurrence=step'], COMPARE_SPECS).opts.recurrence).toBe('step');
    expect(() => parseArgs('train', ['--recurrence', 'fast'], TRAIN_SPECS)).toThrow(/--recurrence must be one of auto, step, sequence/);
  });
});
