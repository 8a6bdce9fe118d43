// Evidence that the 'ops' peer computes what webgpu-rnn computes, on the backend under test:
//  1. same function and gradient: with identical weights, the peer's loss and gradients on a real training
//     batch against webgpu-rnn's own CPU reference (src/model/network.ts on CpuBackend, float64);
//  2. padding changes nothing: the batch's logits when it is padded with extra all-padding positions.
// Run by the worker before training when the job asks for it (cli --check); the results go in the notes.
import * as tf from '@tensorflow/tfjs-core';
import { CpuBackend, type CpuBuf } from '../../src/cpu/backend.js';
import { VOCAB_SIZE } from '../../src/data/vocab.js';
import { Network } from '../../src/model/network.js';
import { packBatch } from '../../src/model/packing.js';
import { paramLayout } from '../../src/model/params.js';
import { denseBatch, type DenseBatch, type EncodedExample } from './data.js';
import type { PeerModel } from './models.js';

export interface CheckReport {
  /** |peer loss - reference loss|. */
  lossDiff: number;
  /** max |peer grad - reference grad| / max |reference grad|, over all parameters. */
  gradRelErr: number;
  /** max |logits(padded) - logits(unpadded)|. */
  paddingDiff: number;
  summary: string;
}

/** The peer's variables in webgpu-rnn's flat layout (same shapes and order: see opsGru). */
const LAYOUT_NAMES = ['l0.W_ih', 'l0.b_ih', 'l0.W_hh', 'l0.b_hh', 'head.W', 'head.b'];

export async function checkAgainstReference(model: PeerModel, examples: EncodedExample[], hidden: number, classes: number): Promise<CheckReport> {
  if (model.impl !== 'ops') throw new Error('the reference check applies to the ops model (same parameter layout)');
  const batch = denseBatch(examples, classes);

  // The peer: loss and gradients.
  const { value, grads } = tf.variableGrads(() => {
    const y = tf.tensor2d(batch.y, [batch.batch, classes]);
    return tf.losses.softmaxCrossEntropy(y, model.logits(batch), undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
  }, model.variables);
  const peerLoss = (await value.data())[0]!;
  const peerGrads = await Promise.all(model.variables.map((v) => grads[v.name]!.data()));
  const weights = await Promise.all(model.variables.map((v) => v.data()));
  tf.dispose([value, ...Object.values(grads)]);

  // The reference: the same weights in webgpu-rnn's network, float64 CPU kernels.
  const cfg = { cell: 'gru' as const, hidden, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: classes };
  const layout = paramLayout(cfg);
  const flat = new Float32Array(layout.total);
  LAYOUT_NAMES.forEach((name, i) => {
    const e = layout.byName.get(name)!;
    if (e.size !== weights[i]!.length) throw new Error(`${name}: layout size ${e.size} != peer size ${weights[i]!.length}`);
    flat.set(weights[i] as Float32Array, e.offset);
  });
  const packed = packBatch(examples.map((e) => e.ids), examples.map((e) => e.label), VOCAB_SIZE);
  const net = new Network(new CpuBackend('f64'), cfg, { batch: packed.batch, rows: packed.rows });
  net.setParams(flat);
  net.forward(packed, true);
  net.backward(packed);
  const stats = await net.takeStats();
  const refLoss = stats.lossSum / stats.count;
  const refGrads = (net.grads as CpuBuf).data;

  let maxRef = 0;
  let maxDiff = 0;
  LAYOUT_NAMES.forEach((name, i) => {
    const e = layout.byName.get(name)!;
    const g = peerGrads[i]!;
    for (let k = 0; k < e.size; k++) {
      const r = refGrads[e.offset + k]!;
      maxRef = Math.max(maxRef, Math.abs(r));
      maxDiff = Math.max(maxDiff, Math.abs(g[k]! - r));
    }
  });
  net.dispose();

  // Padding: the same names with 5 more positions, all padding.
  const padded = padBatch(batch, batch.steps + 5, classes);
  const [plain, extra] = await Promise.all([logitsOf(model, batch), logitsOf(model, padded)]);
  let paddingDiff = 0;
  plain.forEach((x, k) => (paddingDiff = Math.max(paddingDiff, Math.abs(x - extra[k]!))));

  const lossDiff = Math.abs(peerLoss - refLoss);
  const gradRelErr = maxDiff / Math.max(maxRef, 1e-30);
  const summary =
    `vs webgpu-rnn's CPU reference (same weights, one batch of ${batch.batch}): loss ${peerLoss.toFixed(6)} vs ${refLoss.toFixed(6)}, ` +
    `max gradient difference ${gradRelErr.toExponential(1)} of the largest gradient; ` +
    `padding the batch by 5 more steps changes logits by at most ${paddingDiff.toExponential(2)}`;
  return { lossDiff, gradRelErr, paddingDiff, summary };
}

async function logitsOf(model: PeerModel, batch: DenseBatch): Promise<Float32Array> {
  const logits = tf.tidy(() => model.logits(batch));
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}

/** The batch with `steps` positions: the extra ones are padding (zero input, mask 0). */
function padBatch(b: DenseBatch, steps: number, classes: number): DenseBatch {
  const x = new Float32Array(steps * b.batch * VOCAB_SIZE);
  x.set(b.x);
  const mask = new Float32Array(steps * b.batch);
  mask.set(b.mask);
  return { ...b, steps, x, mask, y: b.y.slice(0, b.batch * classes) };
}
