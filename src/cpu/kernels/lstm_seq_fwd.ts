// CPU twin of shaders/lstm_seq_fwd.wgsl: lstm_step_fwd.ts over the step schedule (seq_walk.ts).
import { lstmStepFwd } from './lstm_step_fwd.js';
import { seqFwd } from './seq_walk.js';

export const lstmSeqFwd = seqFwd(lstmStepFwd);
