// Per-cell facts the network needs: gate count, what the forward step caches, the backward step's gate
// gradient layout, and the kernels of both recurrence strategies. Widths are in units of H.
import type { KernelDef, Tunables } from '../core/kernel.js';
import {
  gruSeqBwdK, gruSeqFwdK, gruStepBwdK, gruStepFwdK, lstmSeqBwdK, lstmSeqFwdK, lstmStepBwdK, lstmStepFwdK,
  rnnSeqBwdK, rnnSeqFwdK, rnnStepBwdK, rnnStepFwdK,
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

export const CELLS: Partial<Record<CellType, CellSpec>> = {
  rnn: { gates: 1, cache: 1, hprevCol: 0, dg: 1, dghCol: 0, dstate: 1, fwd: rnnStepFwdK, bwd: rnnStepBwdK, seqFwd: rnnSeqFwdK, seqBwd: rnnSeqBwdK },
  gru: { gates: 3, cache: 5, hprevCol: 4, dg: 6, dghCol: 3, dstate: 1, fwd: gruStepFwdK, bwd: gruStepBwdK, seqFwd: gruSeqFwdK, seqBwd: gruSeqBwdK },
  // cache i|f|g|o|c|h_prev|c_prev; the state gradient carries dh and dc.
  lstm: { gates: 4, cache: 7, hprevCol: 5, dg: 4, dghCol: 0, dstate: 2, fwd: lstmStepFwdK, bwd: lstmStepBwdK, seqFwd: lstmSeqFwdK, seqBwd: lstmSeqBwdK },
};

export function cellSpec(cell: CellType): CellSpec {
  const s = CELLS[cell];
  if (!s) throw new Error(`cell '${cell}' is not implemented`);
  return s;
}

/** Workgroup memory the sequence kernels may use, in f32 words (16 KiB). */
const SEQ_WS_WORDS = 4096;
/** Rows per workgroup of the sequence kernels unless the state needs fewer to fit workgroup memory. */
const SEQ_RB = 4;

/**
 * Tunables of the whole-sequence kernels for hidden size H. WG: invocations striding over the H units (the
 * smallest of 32, 64, 128, 256 that covers H). The state carried between positions (h forward: width H;
 * the recurrent gate gradients backward: width G*H) stays in workgroup memory when two [RB, width] buffers
 * fit in 16 KiB, with RB lowered from 4 down to 1 to make them fit; wider states are read back from the
 * global buffers (HS / DS = 1 selects that path).
 */
export function seqTunables(cell: CellSpec, H: number): { fwd: Tunables; bwd: Tunables } {
  const WG = H <= 32 ? 32 : H <= 64 ? 64 : H <= 128 ? 128 : 256;
  const fit = (width: number): { RB: number; S: number } => {
    const rb = Math.min(SEQ_RB, Math.floor(SEQ_WS_WORDS / (2 * width)));
    return rb >= 1 ? { RB: rb, S: width } : { RB: SEQ_RB, S: 1 };
  };
  const f = fit(H), b = fit(cell.gates * H);
  return { fwd: { WG, RB: f.RB, HS: f.S }, bwd: { WG, RB: b.RB, DS: b.S } };
}
