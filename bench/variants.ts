// What the bench compares the production choices with. Production = the tunables the adapter's tuning
// (src/tune/tuning.ts) picks for each dispatch's shape; the alternatives are other tunables of the same
// production WGSL (nothing here is a separate kernel file):
//   - kernel table: rows 'alt K=V …' next to each 'prod' row — the kernel's candidates (its registry entry in
//     src/kernels.ts) — same buffers and params (and the same check against the CPU twin), to show what the
//     tuning's choice is worth at that shape;
//   - steps table: the whole network with another Tuning (e.g. the defaults an unknown adapter gets, or
//     the probe's gemm tile everywhere), measured side by side with production (the 'vs prod' column).
import { GPU_TUNING, type GemmTile, type Tuning } from '../src/tune/tuning.js';

/** A Tuning with other gemm tiles (the probe's best tile for every product but column vectors). */
export function withGemmTile(base: Tuning, tile: GemmTile): Tuning {
  return {
    name: `${base.name}+tile`,
    source: `${base.source}; gemm tile ${JSON.stringify(tile)}`,
    gemm: tile,
    tunablesFor: (kernel, p, fixed) => (kernel.tune?.kind === 'gemm' && p.n !== 1 ? { ...tile, ...fixed } : base.tunablesFor(kernel, p, fixed)),
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
