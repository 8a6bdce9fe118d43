// Tunables per adapter, kernel and shape: the one place that decides the WGSL constants of every dispatch
// the network records (src/model/network.ts asks `tuning.tunablesFor(kernel, params, fixed)` each time).
// Platform-neutral (the browser build uses it too).
//
//   tuningFor(adapterSummary)  the table entry for an adapter (first match), else the GPU defaults
//   tuningForBackend(be)       the entry for a GpuBackend's adapter when it was given one, else the defaults
//   TUNINGS                    every entry (the tests run every tunable combination each can produce)
//
// The entries:
//   - 'lavapipe' (Mesa llvmpipe, software Vulkan on the CPU): measured here (`node bench`, and sweeps of
//     the same kernels' tunables) on a 2-core AMD EPYC. Its cost model drives every choice: llvmpipe runs 8
//     invocations as one 8-wide SIMD row, but (Mesa 25.0, seen in its generated code) every storage-buffer
//     load whose address is not built from constants only — uniform across the row or not — becomes 8
//     scalar loads, each with an exec-mask test, a bounds check and an insert (~100 instructions), while a
//     multiply-add is ~3 (mul, add and the loop's exec-mask blend). So kernels are bound by loads: the
//     fewer loads per multiply-add, the faster. Register blocks of 64-144 accumulators per invocation win
//     although they spill to the stack (stack traffic is plain vector loads): 16x8 gemm tiles, 3 gates x 4
//     columns x 12 rows in the GRU forward step, 8 units x 16 rows backward; beyond that LLVM stops
//     unrolling (16x16 gemm tiles are ~5x slower). Workgroups of 8 invocations (one SIMD row): llvmpipe runs
//     a workgroup's rows one after another on one thread, so larger workgroups only add per-row cost and
//     leave fewer workgroups to share between the threads. Larger blocks cost compile time (a 16x8 gemm
//     pipeline takes ~1.5-3 s to compile the first time; Mesa's disk cache keeps it afterwards).
//     The host shares those cores: every CPU cycle the Node thread spends is one llvmpipe's threads lose.
//     Dawn's Node binding used to busy-poll (a setImmediate loop) for as long as any mapAsync /
//     onSubmittedWorkDone was pending, i.e. one core spinning while a trainer waited for its stats and 20
//     queued steps drained: src/node/device.ts now backs that polling off to ~1 ms timers after 0.3 ms
//     (GRU B64H128 step, paired runs on an idle machine: 13.9-14.0 -> 10.3-11.0 ms/batch). Timings taken
//     before that change ran with a spinning core beside them, the probe's included: its roof read 20-21
//     GFLOP/s, ~35 without the spinning core, so %roof figures before and after do not compare. The
//     dispatch floor went the other way (13 -> ~31-35 µs): with no thread spinning, llvmpipe's threads
//     wait for each other between dispatches on idle (halted) vCPUs. Likewise work the step does
//     not need is cut in the network rather than tuned: dW_hh skips the forward direction's first
//     position, whose h_prev is 0 (~1/7 of that product at the names' mean length); a GRU's layer 0 gathers
//     its one-hot input projection inside the step kernel (gru_step_fwd_emb: no embed_gather dispatch, no
//     [N, 3H] xg round trip); both bias gradients of a layer come from one colsum dispatch.
//     Where a step's time goes (2026-11-24, idle machine, roof ~33-35 GFLOP/s): the dW_hh gemm replayed
//     alone runs at ~32 GFLOP/s (1.18 ms for m=128 n=384 k=389), i.e. at the roof; a forward step at
//     n_cur = 35 takes ~170-190 µs for 3.4 MFLOP (~19 GFLOP/s), at 64 ~300 µs (~21). Its k loop has the
//     probe tile's loads per multiply-add (24 per 144 vs 24 per 128) and runs near the gemm's rate; the
//     rest is fixed per dispatch: the floor (~25-35 µs idle: llvmpipe's threads wake on halted vCPUs;
//     ~10 µs when another process keeps the cores awake), the epilogue (~10 memory operations per output;
//     the same step with n_prev = 0, i.e. floor + epilogue, takes ~50 µs at n_cur = 35, ~80 at 64), rows
//     wasted where RB does not divide n_cur, and the last workgroups' imbalance over 2 threads (6-24
//     workgroups per step). The backward step likewise (~20 GFLOP/s at n = 64). Reading W_hh transposed
//     in the backward step (neighbouring invocations on neighbouring elements) changed nothing: the loads
//     are bound by their count, not by cache lines. Idle sweeps of the register blocks per n_cur (n = 4..64)
//     confirmed the blocks pickBlock chooses (within noise), so they stayed.
//   - 'gpu' (every other adapter, and the CPU backend, where tunables do not change results): sane
//     defaults for real GPUs, NOT measured (no real GPU here): 64 invocations per workgroup, one unit per
//     invocation (neighbouring invocations read neighbouring weights: coalesced), few rows per invocation
//     so small steps still spread over many workgroups, the WGSL gemm default tile.
//     Software adapters other than lavapipe (SwiftShader in Chrome, WARP) get these too: unmeasured.
//
// To add an adapter: run `node bench` on it, compare the kernel table's alternatives (bench/variants.ts)
// and the probe's gemm tile, and add an entry to TABLE. Matching is on the adapter summary (device.ts).
import type { Params, Tunables } from '../core/kernel.js';
import { cellSpec, seqTunables } from '../model/cells.js';
import type { CellType } from '../model/config.js';
import type { AdapterSummary } from './device.js';

/** shaders/gemm.wgsl's tile: WG_X x WG_Y invocations, each owning a TM x TN block of C. */
export interface GemmTile {
  WG_X: number;
  WG_Y: number;
  TM: number;
  TN: number;
}

export interface Tuning {
  /** Table entry name ('lavapipe', 'gpu', ...). */
  readonly name: string;
  /** Where the numbers come from. */
  readonly source: string;
  /** The gemm tile for large products (the probe's best at 1024^3 where measured). */
  readonly gemm: GemmTile;
  /** The rate the probe measured with that tile (f32 GFLOP/s at n = 1024), for reports; absent for defaults. */
  readonly gemmGflops?: number;
  /**
   * The tunables of one dispatch of `kernel` (registry name) with these params; `fixed` (transposes,
   * accumulation) is part of the call's meaning and always wins. Only names the kernel's WGSL declares.
   */
  tunablesFor(kernel: string, p: Params, fixed?: Tunables): Tunables;
}

/**
 * How a recurrent step kernel is blocked: WG invocations per workgroup, and the register blocks to choose
 * from per dispatch, each [T, RB]: T units per invocation (TN forward, TK backward) for RB rows.
 */
export interface StepRule {
  WG: number;
  blocks: [number, number][];
  /**
   * 'loads' (load-bound adapters): the block with the fewest loads per step (pickBlock). 'parallel' (GPUs):
   * the largest block that still leaves >= 16 row blocks, so small steps spread over many workgroups.
   */
  choose: 'loads' | 'parallel';
}

interface Rules {
  name: string;
  source: string;
  gemmGflops?: number;
  /** The large-product tile, and the tile for a shape (column vectors, tiny products). */
  gemm: GemmTile;
  gemmFor: (m: number, n: number, k: number) => GemmTile;
  /** Per step kernel ('gru_step_fwd', ...). */
  step: Record<string, StepRule>;
  /** Constant tunables of other kernels (absent: the WGSL defaults). */
  fixed: Record<string, Tunables>;
}

const GATES: Record<string, number> = { rnn: 1, gru: 3, lstm: 4 };

/**
 * The register block [T, RB] for a step with `n` active rows at hidden size `h`: the candidate with the
 * fewest loads over the whole step, ceil(h / (WG·T)) x ceil(n / RB) invocation blocks, each loading
 * gates·T weights (forward; T backward) and RB h_prev / dg values per k. Multiply-adds are the same for
 * every candidate but the rows and units they waste, and the candidates bound the accumulators, so on a
 * load-bound adapter this is what a step costs: small n gets few rows and more units per invocation
 * (n = 1: 8 units x 1 row), large n up to 10 rows. Ties go to the later candidate.
 */
export function pickBlock(n: number, h: number, WG: number, weightLoads: (T: number) => number, blocks: [number, number][]): [number, number] {
  let best = blocks[0]!, bestCost = Infinity;
  for (const b of blocks) {
    const [T, RB] = b;
    const cost = Math.ceil(h / (WG * T)) * Math.ceil(Math.max(1, n) / RB) * (weightLoads(T) + RB);
    if (cost <= bestCost) {
      best = b;
      bestCost = cost;
    }
  }
  return best;
}

class RuleTuning implements Tuning {
  readonly name: string;
  readonly source: string;
  readonly gemm: GemmTile;
  readonly gemmGflops?: number;
  constructor(private readonly r: Rules) {
    this.name = r.name;
    this.source = r.source;
    this.gemm = r.gemm;
    if (r.gemmGflops !== undefined) this.gemmGflops = r.gemmGflops;
  }

  tunablesFor(kernel: string, p: Params, fixed: Tunables = {}): Tunables {
    // gru_step_fwd_emb (layer 0's step with the input gather folded in) is blocked as gru_step_fwd.
    const step = /^(rnn|gru|lstm)_step_(fwd|bwd)(?:_emb)?$/.exec(kernel);
    if (step) {
      const rule = this.r.step[`${step[1]}_step_${step[2]}`];
      if (!rule) return { ...fixed };
      const fwd = step[2] === 'fwd';
      const gates = GATES[step[1]!]!;
      const n = fwd ? p.n_cur! : p.n_tgt!;
      const [T, RB] = rule.choose === 'loads'
        ? pickBlock(n, p.h!, rule.WG, (t) => (fwd ? gates * t : t), rule.blocks)
        : [...rule.blocks].reverse().find(([, rb]) => n / rb >= 16) ?? rule.blocks[0]!;
      return { WG: rule.WG, RB, [fwd ? 'TN' : 'TK']: T, ...fixed };
    }
    const seq = /^(rnn|gru|lstm)_seq_(fwd|bwd)$/.exec(kernel);
    if (seq) {
      // Workgroup-memory fit per hidden size (model/cells.ts), the same on every adapter so far.
      const t = seqTunables(cellSpec(seq[1] as CellType), p.h!);
      return { ...(seq[2] === 'fwd' ? t.fwd : t.bwd), ...fixed };
    }
    if (kernel === 'gemm') return { ...this.r.gemmFor(p.m!, p.n!, p.k!), ...fixed };
    return { ...this.r.fixed[kernel], ...fixed };
  }
}

/** A column vector (n = 1, e.g. the attention weight gradient): one column, rows over the workgroup. */
const COLUMN: GemmTile = { WG_X: 1, WG_Y: 64, TM: 4, TN: 1 };

const GPU_STEP: StepRule = { WG: 64, blocks: [[1, 1], [1, 2], [1, 4]], choose: 'parallel' };
const GPU_TILE: GemmTile = { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 };

/** Real GPUs (and whatever has no entry): unmeasured defaults, see the header. */
export const GPU_TUNING: Tuning = new RuleTuning({
  name: 'gpu',
  source: 'defaults for real GPUs (not measured: no GPU here)',
  gemm: GPU_TILE,
  gemmFor: (_m, n) => (n === 1 ? COLUMN : GPU_TILE),
  step: {
    rnn_step_fwd: GPU_STEP, rnn_step_bwd: GPU_STEP, gru_step_fwd: GPU_STEP, gru_step_bwd: GPU_STEP,
    lstm_step_fwd: GPU_STEP, lstm_step_bwd: GPU_STEP,
  },
  fixed: { embed_gather: { WG: 64, ROWS: 1024 } },
});

/** Products with >= 64 columns: 8 x 16 per invocation (the probe's 1024^3 winner); narrower: 16 x 8. */
const LAVAPIPE_TILE: GemmTile = { WG_X: 8, WG_Y: 1, TM: 8, TN: 16 };
const LAVAPIPE_NARROW: GemmTile = { WG_X: 8, WG_Y: 1, TM: 16, TN: 8 };
/** n = 1 on lavapipe: 8 rows per invocation, one SIMD row per workgroup (2x the GPU column tile there). */
const LAVAPIPE_COLUMN: GemmTile = { WG_X: 1, WG_Y: 8, TM: 8, TN: 1 };
// Few blocks per step kernel: every block is a pipeline, and llvmpipe compiles each at its first dispatch
// (a GRU forward block ~1-3 s on an idle 2-core machine, 4-15 s under load: the first run's warm-up stall).
// Over the names data's active-row counts (batch 64, GRU-128) pickBlock's load count with the blocks below
// is within 1.3% (forward) and 2.5% (backward) of the six and seven blocks this table had before, which
// cost 25 pipelines per GRU-128 run instead of 17 (2026-11-30, bench/RESULTS.md "Warm-up").
/** GRU forward: 4 columns per gate x 12 rows (144 accumulators); small steps: 4 rows. */
const GRU_FWD: StepRule = { WG: 8, blocks: [[4, 4], [4, 12]], choose: 'loads' };
/** LSTM forward (4 gates): 4 x 8 (128 accumulators); small steps: 4 rows. */
const LSTM_FWD: StepRule = { WG: 8, blocks: [[4, 4], [4, 8]], choose: 'loads' };
/** Backward steps and the one-gate RNN: 8 units x 16 rows (128 accumulators); smaller steps 8 or 2 rows
 * (powers of two: a 6-row block took 3-7x longer to compile than 2, 8 or 16). */
const SQUARE: StepRule = { WG: 8, blocks: [[8, 2], [8, 8], [8, 16]], choose: 'loads' };

/**
 * Mesa lavapipe (llvmpipe), measured on a 2-core AMD EPYC (Zen 4, AVX-512; llvmpipe uses 8-wide rows),
 * Mesa 25.0.7 / LLVM 15 (bench/results/2026-11-24-mesa-llvmpipe.*). See the header for the cost model.
 *   gemm: 8x16 or 16x8 outputs per invocation, 8 invocations: 24 loads per 128 multiply-adds. At the
 *     training shapes (dW_hh, input projections, the TRANS_B input gradient, the head products) they beat
 *     the previous probe's 32x1 / 4x8 tile 1.3-3x (kernel table: 'alt' rows). 8x16 wins at 1024^3 and is
 *     at least as fast on the wide products; the head's 18 columns waste most of a 16-column block, so
 *     products narrower than 64 columns get 16x8; a column vector (n = 1) gets 8 rows per invocation.
 *   steps: per dispatch the register block with the fewest loads for its active rows (pickBlock): the
 *     first, full steps of a batch get the largest blocks, the long-name tail (n = 1..4) 8 or 4 units
 *     with 1..4 rows.
 *   embed_gather: 16 workgroup rows striding over packed rows (one per row made thousands of tiny
 *     workgroups, and llvmpipe pays per workgroup). (A GRU's layer 0 stepped per position does not
 *     dispatch it: gru_step_fwd_emb gathers inside the step and is blocked by gru_step_fwd's rule.)
 *   embed_grad: 8 columns per invocation, 8 invocations: each row id loaded serves 8 dg loads (B64H128
 *     kernel table, idle machine: 134-143 µs vs 250-260 with one column per invocation; 16: 122-172).
 *   adam: one SIMD row per workgroup, 32 elements per invocation, the clip scale loaded once for them
 *     (170-195 µs vs 246-287 for the WGSL default of one element per invocation in 256).
 *   grad_sumsq: one SIMD row per workgroup, 256 elements per invocation (a 3-level tree instead of 8
 *     barriers over 32 rows; 54-64 µs vs 110-143 for 256 x 16; the optimizer sizes its partials by it).
 */
const LAVAPIPE: Rules = {
  name: 'lavapipe',
  source: 'node bench 2026-11-24, lavapipe (Mesa 25.0.7, LLVM 15), 2-core AMD EPYC',
  gemm: LAVAPIPE_TILE,
  gemmFor: (_m, n) => (n === 1 ? LAVAPIPE_COLUMN : n < 64 ? LAVAPIPE_NARROW : LAVAPIPE_TILE),
  step: {
    rnn_step_fwd: SQUARE, rnn_step_bwd: SQUARE,
    gru_step_fwd: GRU_FWD, gru_step_bwd: SQUARE,
    lstm_step_fwd: LSTM_FWD, lstm_step_bwd: SQUARE,
  },
  fixed: { embed_gather: { WG: 64, ROWS: 16 }, embed_grad: { WG: 8, TC: 8 }, adam: { WG: 8, ITEMS: 32 }, grad_sumsq: { WG: 8, ITEMS: 256 } },
};

interface Entry {
  /** Every given pattern must match the corresponding AdapterSummary field. */
  vendor?: RegExp;
  architecture?: RegExp;
  description?: RegExp;
  tuning: Tuning;
}

const TABLE: Entry[] = [
  // gemmGflops: the probe's 1024^3 rate with LAVAPIPE_TILE, measured without Dawn's spinning poll (see the
  // header; 19.5 in bench/results/2026-11-24-mesa-llvmpipe.txt was measured with it).
  { vendor: /mesa/i, description: /llvmpipe/i, tuning: new RuleTuning({ ...LAVAPIPE, gemmGflops: 35.1 }) },
];

/** Every tuning an adapter can get (for tests that must run every combination of tunables). */
export const TUNINGS: readonly Tuning[] = [...TABLE.map((e) => e.tuning), GPU_TUNING];

export function tuningFor(s: AdapterSummary | undefined): Tuning {
  if (!s) return GPU_TUNING;
  for (const e of TABLE) {
    if (e.vendor && !e.vendor.test(s.vendor)) continue;
    if (e.architecture && !e.architecture.test(s.architecture)) continue;
    if (e.description && !e.description.test(s.description)) continue;
    return e.tuning;
  }
  return GPU_TUNING;
}

/** The tuning for a backend: its adapter's entry on a GpuBackend that was given one, else the defaults. */
export function tuningForBackend(be: { kind: 'cpu' | 'gpu'; adapter?: AdapterSummary }): Tuning {
  return be.kind === 'gpu' ? tuningFor(be.adapter) : GPU_TUNING;
}
