// CPU twin of shaders/rnn_seq_bwd.wgsl: rnn_step_bwd.ts over the step schedule (seq_walk.ts).
import { rnnStepBwd } from './rnn_step_bwd.js';
import { seqBwd } from './seq_walk.js';

export const rnnSeqBwd = seqBwd(rnnStepBwd);
