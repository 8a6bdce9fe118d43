// What the bench compares the production choices with. Production = the tunables the adapter's tuning
// (src/gpu/tuning.ts) picks for each dispatch's shape; the alternatives are other tunables of the same
// production WGSL (nothing here is a separate kernel file):
//   - kernel table: rows 'alt K=V …' next to each 'prod' row, same buffers and params (and the same check
//     against the CPU twin), to show what the tuning's choice is worth at that shape;
//   - steps table: the whole network with another Tuning (e.g. the defaults an unknown adapter gets, or
//     the probe's gemm tile everywhere), measured side by side with production (the 'vs prod' column).
import type { Tunables } from '../src/core/kernel.js';
import { GPU_TUNING, type GemmTile, type Tuning } from '../src/gpu/tuning.js';

export interface KernelAlternative {
  /** Registry name of the kernel. */
  kernel: string;
  tunables: Tunables;
}

/** Step kernels: the GPU defaults and register blocks around lavapipe's choices. */
const step = (kernel: string, T: 'TN' | 'TK', alts: [number, number, number][]): KernelAlternative[] =>
  alts.map(([WG, RB, t]) => ({ kernel, tunables: { WG, RB, [T]: t } }));

export const KERNEL_ALTERNATIVES: KernelAlternative[] = [
  ...step('rnn_step_fwd', 'TN', [[64, 2, 1], [8, 4, 8], [8, 8, 4]]),
  ...step('rnn_step_bwd', 'TK', [[64, 2, 1], [8, 4, 8], [8, 8, 4]]),
  ...step('gru_step_fwd', 'TN', [[64, 2, 1], [8, 8, 2], [8, 5, 4], [16, 8, 4]]),
  ...step('gru_step_bwd', 'TK', [[64, 2, 1], [8, 4, 8], [8, 16, 4], [8, 8, 4]]),
  ...step('lstm_step_fwd', 'TN', [[64, 2, 1], [8, 4, 2], [8, 4, 4]]),
  ...step('lstm_step_bwd', 'TK', [[64, 2, 1], [8, 4, 8], [8, 8, 4]]),
  // One workgroup row per packed row (the WGSL default), and fewer rows.
  { kernel: 'embed_gather', tunables: { ROWS: 65535 } },
  { kernel: 'embed_gather', tunables: { ROWS: 8 } },
  // One column per invocation (the WGSL default), and fewer columns per invocation.
  { kernel: 'embed_grad', tunables: { WG: 64, TC: 1 } },
  { kernel: 'embed_grad', tunables: { WG: 8, TC: 16 } },
  { kernel: 'embed_grad', tunables: { WG: 8, TC: 48 } },
  // One SIMD row per workgroup (more workgroups to share between llvmpipe's threads: no gain measured).
  { kernel: 'colsum', tunables: { WG: 8 } },
  // One element per invocation in 256-wide workgroups (the WGSL default), and other blockings.
  { kernel: 'adam', tunables: { WG: 256, ITEMS: 1 } },
  { kernel: 'adam', tunables: { WG: 64, ITEMS: 8 } },
  { kernel: 'adam', tunables: { WG: 64, ITEMS: 4 } },
  // 256 x 16 elements per workgroup (the WGSL default), and other chunks.
  { kernel: 'grad_sumsq', tunables: { WG: 256, ITEMS: 16 } },
  { kernel: 'grad_sumsq', tunables: { WG: 8, ITEMS: 64 } },
  { kernel: 'grad_sumsq', tunables: { WG: 64, ITEMS: 64 } },
  // The previous probe's 1024^3 winner and the WGSL default tile.
  { kernel: 'gemm', tunables: { WG_X: 32, WG_Y: 1, TM: 4, TN: 8 } },
  { kernel: 'gemm', tunables: { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 } },
];

/** A Tuning with other gemm tiles (the probe's best tile for every product but column vectors). */
export function withGemmTile(base: Tuning, tile: GemmTile): Tuning {
  return {
    name: `${base.name}+tile`,
    source: `${base.source}; gemm tile ${JSON.stringify(tile)}`,
    gemm: tile,
    tunablesFor: (kernel, p, fixed) => (kernel === 'gemm' && p.n !== 1 ? { ...tile, ...fixed } : base.tunablesFor(kernel, p, fixed)),
  };
}

/** Another Tuning for the whole network, measured against production in the steps table. */
export interface StepAlternative {
  /** Suffix of the model label in the steps table, e.g. 'gru/gpu-tuning'. */
  label: string;
  describe: string;
  tuning: Tuning;
}

/**
 * The alternatives for an adapter whose tuning is `prod`: the defaults (what an adapter without a table
 * entry gets) unless that is production already, and the probe's gemm tile when it differs from the
 * tuning's.
 */
export function stepAlternatives(prod: Tuning, probeTile: GemmTile | null): StepAlternative[] {
  const out: StepAlternative[] = [];
  if (prod !== GPU_TUNING) {
    out.push({ label: 'gpu-tuning', describe: `the default tuning (${GPU_TUNING.source}) instead of '${prod.name}'`, tuning: GPU_TUNING });
  }
  const t = prod.gemm;
  if (probeTile && !(t.WG_X === probeTile.WG_X && t.WG_Y === probeTile.WG_Y && t.TM === probeTile.TM && t.TN === probeTile.TN)) {
    out.push({ label: 'probe-tile', describe: `gemm with the probe's best tile ${JSON.stringify(probeTile)} for every product`, tuning: withGemmTile(prod, probeTile) });
  }
  return out;
}
