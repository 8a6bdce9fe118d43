// Per-cell facts the network needs: gate count, what the forward step caches, the backward step's gate
// gradient layout (the widths, from the kernel registry), and the kernels of both recurrence strategies.
// Widths are in units of H.
import type { KernelDef } from '../core/kernel.js';
import {
  gruSeqBwdK, gruSeqFwdK, gruStepBwdK, gruStepFwdK, lstmSeqBwdK, lstmSeqFwdK, lstmStepBwdK, lstmStepFwdK,
  rnnSeqBwdK, rnnSeqFwdK, rnnStepBwdK, rnnStepFwdK, GRU, LSTM, RNN,
} from '../kernels.js';
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
  /** Per-step kernels: one dispatch per position. */
  fwd: KernelDef;
  bwd: KernelDef;
  /** Whole-sequence kernels: one dispatch per layer and direction, the same results. */
  seqFwd: KernelDef;
  seqBwd: KernelDef;
}

export const CELLS: Record<CellType, CellSpec> = {
  rnn: { ...RNN, hprevCol: 0, dghCol: 0, fwd: rnnStepFwdK, bwd: rnnStepBwdK, seqFwd: rnnSeqFwdK, seqBwd: rnnSeqBwdK },
  gru: { ...GRU, hprevCol: 4, dghCol: 3, fwd: gruStepFwdK, bwd: gruStepBwdK, seqFwd: gruSeqFwdK, seqBwd: gruSeqBwdK },
  // cache i|f|g|o|c|h_prev|c_prev; the state gradient carries dh and dc.
  lstm: { ...LSTM, hprevCol: 5, dghCol: 0, fwd: lstmStepFwdK, bwd: lstmStepBwdK, seqFwd: lstmSeqFwdK, seqBwd: lstmSeqBwdK },
};

export function cellSpec(cell: CellType): CellSpec {
  return CELLS[cell];
}
