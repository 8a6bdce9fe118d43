// Per-cell facts the network needs: gate count, what the forward step caches, the backward step's gate
// gradient layout, and the kernels. Widths are in units of H.
import type { KernelDef } from '../core/kernel.js';
import { gruStepBwdK, gruStepFwdK, rnnStepBwdK, rnnStepFwdK } from '../kernels.js';
import type { CellType } from './config.js';

export interface CellSpec {
  gates: number;
  /** Cache row width (per packed row): what the forward step saves for the backward step. */
  cache: number;
  /** Column (in H) of h_prev inside the cache row, for dW_hh = h_prev^T dgh. */
  hprevCol: number;
  /** dg row width: gradients w.r.t. x W_ih + b_ih (columns 0..G) and, where different, h W_hh + b_hh. */
  dg: number;
  /** Column (in H) of the recurrent-side gradient in dg (0 when it equals the input side's). */
  dghCol: number;
  /** Width (in H) of the per-row state gradient the backward step carries (dh, and dc for LSTM). */
  dstate: number;
  fwd: KernelDef;
  bwd: KernelDef;
}

export const CELLS: Partial<Record<CellType, CellSpec>> = {
  rnn: { gates: 1, cache: 1, hprevCol: 0, dg: 1, dghCol: 0, dstate: 1, fwd: rnnStepFwdK, bwd: rnnStepBwdK },
  gru: { gates: 3, cache: 5, hprevCol: 4, dg: 6, dghCol: 3, dstate: 1, fwd: gruStepFwdK, bwd: gruStepBwdK },
};

export function cellSpec(cell: CellType): CellSpec {
  const s = CELLS[cell];
  if (!s) throw new Error(`cell '${cell}' is not implemented`);
  return s;
}
