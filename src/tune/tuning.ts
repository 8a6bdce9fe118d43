// Tunables per adapter, kernel and shape: the one place that decides the WGSL constants of every dispatch
// the network records (src/model/network.ts asks `tuning.tunablesFor(kernel, params, fixed)` each time).
// Platform-neutral policy (the browser build uses it too). What it knows about a kernel comes from the
// kernel's registry entry (src/kernels.ts: `tune` and the register blocks); what it knows about an adapter
// is the table below.
//
//   tuningFor(adapterSummary)  the table entry for an adapter (first match), else the GPU defaults
//   tuningForBackend(be)       a GpuBackend's autotuned table (autotune.ts) or its adapter's entry, else the defaults
//   TUNINGS                    every entry (the tests run every tunable combination each can produce)
//
// The entries:
//   - 'lavapipe' (Mesa llvmpipe, software Vulkan on the CPU), measured with `node bench` and sweeps of the
//     kernels' candidates (bench/RESULTS.md, "How the lavapipe tuning was measured", has the numbers and
//     their dates). Its cost model drives every choice: llvmpipe runs 8 invocations as one 8-wide SIMD row,
//     but every storage-buffer load whose address is not built from constants only becomes 8 scalar loads
//     with an exec-mask test, a bounds check and an insert each (~100 instructions), while a multiply-add is
//     ~3. So kernels are bound by loads: the fewer loads per multiply-add, the faster. Register blocks of
//     64-144 accumulators per invocation win although they spill (stack traffic is plain vector loads);
//     beyond that LLVM stops unrolling. Workgroups of 8 invocations (one SIMD row): llvmpipe runs a
//     workgroup's rows one after another on one thread, so larger workgroups only add per-row cost.
//   - 'gpu' (every other adapter, and the CPU backend, where tunables do not change results): sane
//     defaults for real GPUs, NOT measured: 64 invocations per workgroup, one unit per invocation
//     (neighbouring invocations read neighbouring weights: coalesced), few rows per invocation so small steps
//     still spread over many workgroups, the WGSL gemm default tile. Software adapters other than lavapipe
//     (SwiftShader in Chrome, WARP) get these too: unmeasured.
//
// To add an adapter: run `node bench` on it, compare the kernel table's candidates (the 'alt' rows) and the
// probe's gemm tile, and add an entry to TABLE. Matching is on the adapter summary (gpu/device.ts).
import type { AdapterSummary, Backend } from '../core/backend.js';
import type { KernelDef, Params, StepBlock, Tunables } from '../core/kernel.js';
import type { GemmTile, Tuning } from '../core/tuning.js';

export type { GemmTile, Tuning } from '../core/tuning.js';

/**
 * How an adapter blocks the recurrent step kernels: WG invocations per workgroup, and how a register block
 * [T, RB] is chosen per dispatch. 'loads' (load-bound adapters): among the kernel's own blocks (its registry
 * entry), the one with the fewest loads per step (pickBlock). 'parallel' (GPUs): among `blocks`, the largest
 * that still leaves >= 16 row blocks, so small steps spread over many workgroups.
 */
export type StepRule = { WG: number; choose: 'loads' } | { WG: number; choose: 'parallel'; blocks: StepBlock[] };

interface Rules {
  name: string;
  source: string;
  gemmGflops?: number;
  /** The large-product tile, and the tile for a shape (column vectors, tiny products). */
  gemm: GemmTile;
  gemmFor: (m: number, n: number, k: number) => GemmTile;
  step: StepRule;
  /** Constant tunables of other kernels, by registry name (absent: the WGSL defaults). */
  fixed: Record<string, Tunables>;
}

/**
 * The register block [T, RB] for a step with `n` active rows at hidden size `h`: the candidate with the
 * fewest loads over the whole step, ceil(h / (WG·T)) x ceil(n / RB) invocation blocks, each loading
 * gates·T weights (forward; T backward) and RB h_prev / dg values per k. Multiply-adds are the same for
 * every candidate but the rows and units they waste, and the candidates bound the accumulators, so on a
 * load-bound adapter this is what a step costs: small n gets few rows and more units per invocation
 * (n = 1: 8 units x 1 row), large n up to 12 rows. Ties go to the later candidate.
 */
export function pickBlock(n: number, h: number, WG: number, weightLoads: (T: number) => number, blocks: StepBlock[]): StepBlock {
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

/** Workgroup memory the sequence kernels may use, in f32 words (16 KiB). */
const SEQ_WS_WORDS = 4096;
/** Rows per workgroup of the sequence kernels unless the state needs fewer to fit workgroup memory. */
const SEQ_RB = 4;

/**
 * Tunables of a whole-sequence kernel of a cell with `gates` gates at hidden size H (the same on every
 * adapter so far). WG: invocations striding over the H units (the smallest of 32, 64, 128, 256 that covers
 * H). The state carried between positions (h forward: width H; the recurrent gate gradients backward: width
 * G*H) stays in workgroup memory when two [RB, width] buffers fit in 16 KiB, with RB lowered from 4 down to
 * 1 to make them fit; wider states are read back from the global buffers (HS / DS = 1 selects that path).
 */
export function seqTunables(dir: 'fwd' | 'bwd', gates: number, H: number): Tunables {
  const WG = H <= 32 ? 32 : H <= 64 ? 64 : H <= 128 ? 128 : 256;
  const width = dir === 'fwd' ? H : gates * H;
  const rb = Math.min(SEQ_RB, Math.floor(SEQ_WS_WORDS / (2 * width)));
  const fit = rb >= 1 ? { RB: rb, S: width } : { RB: SEQ_RB, S: 1 };
  return dir === 'fwd' ? { WG, RB: fit.RB, HS: fit.S } : { WG, RB: fit.RB, DS: fit.S };
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

  tunablesFor(k: KernelDef, p: Params, fixed: Tunables = {}): Tunables {
    const tune = k.tune;
    if (tune?.kind === 'step') {
      const rule = this.r.step;
      const fwd = tune.dir === 'fwd';
      const n = fwd ? p.n_cur! : p.n_tgt!;
      const [T, RB] = rule.choose === 'loads'
        ? pickBlock(n, p.h!, rule.WG, (t) => (fwd ? tune.gates * t : t), tune.blocks)
        : [...rule.blocks].reverse().find(([, rb]) => n / rb >= 16) ?? rule.blocks[0]!;
      return { WG: rule.WG, RB, [fwd ? 'TN' : 'TK']: T, ...fixed };
    }
    if (tune?.kind === 'seq') return { ...seqTunables(tune.dir, tune.gates, p.h!), ...fixed };
    if (tune?.kind === 'gemm') return { ...this.r.gemmFor(p.m!, p.n!, p.k!), ...fixed };
    return { ...this.r.fixed[k.name], ...fixed };
  }
}

/** A column vector (n = 1, e.g. the attention weight gradient): one column, rows over the workgroup. */
const COLUMN: GemmTile = { WG_X: 1, WG_Y: 64, TM: 4, TN: 1 };
const GPU_TILE: GemmTile = { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 };

/** Real GPUs (and whatever has no entry): unmeasured defaults, see the header. */
export const GPU_TUNING: Tuning = new RuleTuning({
  name: 'gpu',
  source: 'defaults for real GPUs (not measured: no GPU here)',
  gemm: GPU_TILE,
  gemmFor: (_m, n) => (n === 1 ? COLUMN : GPU_TILE),
  step: { WG: 64, choose: 'parallel', blocks: [[1, 1], [1, 2], [1, 4]] },
  fixed: { embed_gather: { WG: 64, ROWS: 1024 } },
});

/** Products with >= 64 columns: 8 x 16 per invocation (the probe's 1024^3 winner); narrower: 16 x 8. */
const LAVAPIPE_TILE: GemmTile = { WG_X: 8, WG_Y: 1, TM: 8, TN: 16 };
const LAVAPIPE_NARROW: GemmTile = { WG_X: 8, WG_Y: 1, TM: 16, TN: 8 };
/** n = 1 on lavapipe: 8 rows per invocation, one SIMD row per workgroup (2x the GPU column tile there). */
const LAVAPIPE_COLUMN: GemmTile = { WG_X: 1, WG_Y: 8, TM: 8, TN: 1 };

/**
 * Mesa lavapipe (llvmpipe), measured on a 2-core AMD EPYC (Zen 4, AVX-512; llvmpipe uses 8-wide rows),
 * Mesa 25.0.7 / LLVM 15. See the header for the cost model; the measurements behind each choice are in
 * bench/RESULTS.md.
 *   gemm: 8x16 or 16x8 outputs per invocation, 8 invocations: 24 loads per 128 multiply-adds; products
 *     narrower than 64 columns get 16x8 (the head's 18 columns waste most of a 16-column block); a column
 *     vector (n = 1) 8 rows per invocation.
 *   steps: per dispatch the register block with the fewest loads for its active rows (pickBlock, over the
 *     kernel's blocks): the first, full steps of a batch get the largest blocks, the long-name tail
 *     (n = 1..4) 8 or 4 units with 1..4 rows.
 *   embed_gather: 16 workgroup rows striding over packed rows (llvmpipe pays per workgroup).
 *   embed_grad: 8 columns per invocation, 8 invocations: each row id loaded serves 8 dg loads.
 *   adam: one SIMD row per workgroup, 32 elements per invocation, the clip scale loaded once for them.
 *   grad_sumsq: one SIMD row per workgroup, 256 elements per invocation (a 3-level tree instead of 8
 *     barriers over 32 rows; the optimizer sizes its partials by it).
 */
const LAVAPIPE: Rules = {
  name: 'lavapipe',
  source: 'node bench 2026-11-24, lavapipe (Mesa 25.0.7, LLVM 15), 2-core AMD EPYC',
  gemm: LAVAPIPE_TILE,
  gemmFor: (_m, n) => (n === 1 ? LAVAPIPE_COLUMN : n < 64 ? LAVAPIPE_NARROW : LAVAPIPE_TILE),
  step: { WG: 8, choose: 'loads' },
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
  // gemmGflops: the probe's 1024^3 rate with LAVAPIPE_TILE, measured without Dawn's spinning poll.
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

/**
 * The tuning for a backend: on a GpuBackend, the autotuned table it was given (`tuning`, src/tune/autotune.ts)
 * or its adapter's entry (when it was given the adapter); else the defaults.
 */
export function tuningForBackend(be: Pick<Backend, 'kind' | 'adapter'> & { tuning?: Tuning }): Tuning {
  return be.kind === 'gpu' ? be.tuning ?? tuningFor(be.adapter) : GPU_TUNING;
}
