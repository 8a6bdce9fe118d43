// CPU twin of shaders/gru_seq_fwd.wgsl: gru_step_fwd.ts over the step schedule (seq_walk.ts).
import { gruStepFwd } from './gru_step_fwd.js';
import { seqFwd } from './seq_walk.js';

export const gruSeqFwd = seqFwd(gruStepFwd);
