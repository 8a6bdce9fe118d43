// CPU twin of shaders/rnn_seq_fwd.wgsl: rnn_step_fwd.ts over the step schedule (seq_walk.ts).
import { rnnStepFwd } from './rnn_step_fwd.js';
import { seqFwd } from './seq_walk.js';

export const rnnSeqFwd = seqFwd(rnnStepFwd);
