// The schedule walk shared by the whole-sequence twins (rnn|gru|lstm_seq_fwd|bwd.ts), the CPU side of
// shaders/seq_walk.wgsl: each twin is literally the loop the network runs with the per-step strategy —
// the step schedule (core/schedule.ts), rebuilt from the batch's offsets and lengths in `ints`, and one call
// of the per-step twin per position with the params Network passes to the per-step kernel. So both
// strategies mean the same by construction.
import type { HostArray, Params, Tunables } from '../../core/kernel.js';
import { stepSchedule, type StepInfo } from '../../core/schedule.js';

export type Twin = (b: Record<string, HostArray>, p: Params, t: Tunables) => void;

/** The step schedule of one direction from ints: n_t = rows with length > t. */
export function scheduleFromInts(ints: Uint32Array, p: Params): StepInfo[] {
  const steps = p.steps!, batch = p.batch!;
  const lengths = Array.from(ints.subarray(p.off_lengths!, p.off_lengths! + batch));
  const offsets = Array.from(ints.subarray(p.off_offsets!, p.off_offsets! + steps + 1));
  const batchSizes = Array.from({ length: steps }, (_, t) => lengths.filter((len) => len > t).length);
  return stepSchedule({ steps, offsets, batchSizes }, p.reverse === 1);
}

/** Forward: one per-step forward call per position, in reading order. */
export function seqFwd(step: Twin): Twin {
  return (b, p, t) => {
    for (const st of scheduleFromInts(b.ints as Uint32Array, p)) {
      step(b, { h: p.h!, off_cur: st.off, n_cur: st.n, off_prev: st.offPrev, n_prev: st.nPrev, ld_y: p.ld_y!, col_y: p.col_y!, off_w: p.off_w!, off_b: p.off_b! }, t);
    }
  };
}

/** Backward: one per-step backward call per position, last step of the reading order first. */
export function seqBwd(step: Twin): Twin {
  return (b, p, t) => {
    const sched = scheduleFromInts(b.ints as Uint32Array, p);
    for (let s = sched.length - 1; s >= 0; s--) {
      const tgt = sched[s]!, cur = sched[s + 1];
      step(b, { h: p.h!, off_tgt: tgt.off, n_tgt: tgt.n, off_cur: cur?.off ?? 0, n_cur: cur?.n ?? 0, ld_ext: p.ld_ext!, col_ext: p.col_ext!, off_w: p.off_w! }, t);
    }
  };
}
