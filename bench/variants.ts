// Prototype variants of kernels (mostly the recurrent steps), measured next to the production kernels in the kernel
// table (rows with a variant other than 'prod'). They are never used by the network. A prototype has the
// production kernel's bindings, Params and CPU twin, so the bench also checks that it computes the same
// values (the 'check' column). Tunable-only variants run the production WGSL with other constants.
import { ceilDiv, type KernelDef, type Tunables } from '../src/core/kernel.js';
import { gruStepBwd, gruStepFwd } from '../src/cpu/kernels/gru_step.js';
import { embedGatherK, gruStepBwdK, gruStepFwdK } from '../src/kernels.js';
import gruStepFwdV2Wgsl from '../shaders/gru_step_fwd_v2.wgsl';
import gruStepBwdV2Wgsl from '../shaders/gru_step_bwd_v2.wgsl';

export interface KernelVariant {
  /** The production kernel this one stands in for. */
  base: string;
  variant: string;
  def: KernelDef;
  tunables?: Tunables;
}

export const gruStepFwdV2K: KernelDef = {
  name: 'gru_step_fwd_v2',
  wgsl: gruStepFwdV2Wgsl,
  cpu: gruStepFwd,
  grid: (p, t) => [ceilDiv(p.h!, t.WG! * t.TN!), ceilDiv(p.n_cur!, t.RB!)],
};

export const gruStepBwdV2K: KernelDef = {
  name: 'gru_step_bwd_v2',
  wgsl: gruStepBwdV2Wgsl,
  cpu: gruStepBwd,
  grid: (p, t) => [ceilDiv(p.h!, t.WG! * t.TK!), ceilDiv(p.n_tgt!, t.RB!)],
};

const label = (t: Tunables): string => Object.entries(t).map(([k, v]) => `${k}=${v}`).join(' ');
const tuned = (def: KernelDef, t: Tunables): KernelVariant => ({ base: def.name, variant: `prod ${label(t)}`, def, tunables: t });
const proto = (base: string, def: KernelDef, t: Tunables): KernelVariant => ({ base, variant: `v2 ${label(t)}`, def, tunables: t });


/**
 * embed_gather with the row grid capped: the production grid has one workgroup per packed row (thousands
 * of tiny workgroups; lavapipe pays a fixed cost per workgroup), the WGSL already strides over rows.
 */
export const embedGatherCappedK: KernelDef = {
  ...embedGatherK,
  name: 'embed_gather_rows32',
  grid: (p, t) => [ceilDiv(p.width!, t.WG!), Math.min(p.n!, 32)],
};

export const KERNEL_VARIANTS: KernelVariant[] = [
  tuned(gruStepFwdK, { WG: 32, RB: 8 }),
  proto('gru_step_fwd', gruStepFwdV2K, { WG: 32, RB: 4, TN: 2 }),
  proto('gru_step_fwd', gruStepFwdV2K, { WG: 32, RB: 8, TN: 2 }),
  proto('gru_step_fwd', gruStepFwdV2K, { WG: 32, RB: 16, TN: 2 }),
  proto('gru_step_fwd', gruStepFwdV2K, { WG: 16, RB: 8, TN: 4 }),
  proto('gru_step_fwd', gruStepFwdV2K, { WG: 16, RB: 4, TN: 4 }),
  tuned(gruStepBwdK, { WG: 32, RB: 8 }),
  proto('gru_step_bwd', gruStepBwdV2K, { WG: 16, RB: 4, TK: 4 }),
  proto('gru_step_bwd', gruStepBwdV2K, { WG: 16, RB: 8, TK: 4 }),
  proto('gru_step_bwd', gruStepBwdV2K, { WG: 16, RB: 16, TK: 4 }),
  proto('gru_step_bwd', gruStepBwdV2K, { WG: 32, RB: 8, TK: 2 }),
  { base: 'embed_gather', variant: 'grid rows 32', def: embedGatherCappedK },
];

/**
 * A way to run the production network with other kernels, for the training-step table only: the bench's
 * recording backend asks `map` about every dispatch and runs what it returns instead (same bindings and
 * Params, so the network code does not change). Nothing in src/model uses this.
 */
export interface Substitution {
  /** Suffix of the model label in the steps table, e.g. 'gru/v2'. */
  label: string;
  describe: string;
  map: (k: KernelDef, p: Record<string, number>, t: Tunables | undefined) => { k: KernelDef; t?: Tunables } | null;
}

// Tiles by active rows, from the kernel table (bench/results): for the forward step WG=16, RB=8, TN=4 is
// at or near the best at every shape measured (RB=16 is consistently worse); for the backward step RB=16,
// TK=4 is in the top two everywhere. A block computes all of its RB rows even when fewer are active, so
// small steps (the long-name tail, n of 1..8) get small blocks.
const fwdTile = (n: number): Tunables => ({ WG: 16, TN: 4, RB: n >= 8 ? 8 : 4 });
const bwdTile = (n: number): Tunables => ({ WG: 16, TK: 4, RB: n >= 32 ? 16 : n >= 12 ? 8 : 4 });

export const GRU_V2: Substitution = {
  label: 'v2',
  describe: 'GRU step kernels replaced by the v2 prototypes, row block chosen per step from n',
  map: (k, p) => {
    if (k === gruStepFwdK) return { k: gruStepFwdV2K, t: fwdTile(p.n_cur!) };
    if (k === gruStepBwdK) return { k: gruStepBwdV2K, t: bwdTile(p.n_tgt!) };
    return null;
  },
};

/** The probe's best gemm tile for every gemm of the step (transposes/accumulation kept). */
export function gemmTileSubstitution(tile: Tunables, then?: Substitution): Substitution {
  return {
    label: `${then ? `${then.label}+` : ''}tile`,
    describe: `${then ? `${then.describe}; ` : ''}gemm with the probe's best tile ${JSON.stringify(tile)}`,
    map: (k, p, t) => {
      if (k.name === 'gemm' && !(t && ('WG_X' in t || 'WG_Y' in t))) return { k, t: { ...(t ?? {}), ...tile } };
      return then ? then.map(k, p, t) : null;
    },
  };
}
