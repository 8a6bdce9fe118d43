// CPU twin of shaders/gru_seq_bwd.wgsl: gru_step_bwd.ts over the step schedule (seq_walk.ts).
import { gruStepBwd } from './gru_step_bwd.js';
import { seqBwd } from './seq_walk.js';

export const gruSeqBwd = seqBwd(gruStepBwd);
