// CPU twin of shaders/lstm_seq_bwd.wgsl: lstm_step_bwd.ts over the step schedule (seq_walk.ts).
import { lstmStepBwd } from './lstm_step_bwd.js';
import { seqBwd } from './seq_walk.js';

export const lstmSeqBwd = seqBwd(lstmStepBwd);
