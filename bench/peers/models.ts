// The two TF.js versions of the benchmark model: one-hot(58) -> GRU(128) -> Linear(128, 18).
//
//  'ops'    the fair peer: a GRU cell written in tf ops with PyTorch's (and webgpu-rnn's) formulation, and
//           an explicit mask on the state update, so padding cannot change the result. Used by default.
//  'layers' what a TF.js user would write: tf.layers.masking + tf.layers.gru + tf.layers.dense. Its GRU
//           cannot match ours (tfjs-layers 4.22 throws on resetAfter: true), and on the webgpu backend it
//           silently stops learning behind Masking, so it is kept only as a cross-check (--impl layers).
//
// Both are trained by the same loop (train.ts): the loss is the batch-mean cross-entropy, as
// nn.CrossEntropyLoss.
import * as tf from '@tensorflow/tfjs-core';
import { VOCAB_SIZE } from '../../src/data/vocab.js';
import { batchMajor, type DenseBatch } from './data.js';

export type PeerImpl = 'ops' | 'layers';

export interface PeerModel {
  impl: PeerImpl;
  /** The GRU equations this model computes, for the report. */
  formulation: string;
  /** How padding is kept out of the result, for the report. */
  masking: string;
  /** Everything the optimizer updates. */
  variables: tf.Variable[];
  /** Logits [B, classes] of a batch (creates its input tensors; call inside tidy / variableGrads). */
  logits(batch: DenseBatch): tf.Tensor2D;
}

export interface ModelShape {
  hidden: number;
  classes: number;
  /** Seeds the initial weights (tf.randomUniform's seed), so reruns start from the same point. */
  seed: number;
}

/**
 * PyTorch's nn.GRU + nn.Linear initialization: every weight and bias uniform in ±1/sqrt(hidden) (for the
 * Linear, ±1/sqrt(fan_in) with fan_in = hidden). webgpu-rnn initializes the same way.
 */
function uniformInit(shape: number[], bound: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

/**
 * The hand-written GRU, PyTorch's equations (gate order r, z, n; reset applied after the recurrent
 * matmul, "reset_after"; logistic sigmoid):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 - z) ⊙ n + z ⊙ h
 * Weights are stored input-major (x @ W), like webgpu-rnn's flat layout: W_ih [58, 3H], W_hh [H, 3H],
 * columns r | z | n.
 *
 * Padding: a batch is padded to its longest name and every row starts from h = 0. At a padded position
 * the mask m is 0 and the update is h = m ⊙ h' + (1 - m) ⊙ h, so h stays exactly the state after the
 * row's last character (1·h' + 0·h = h' and 0·h' + 1·h = h are exact in floating point), and the
 * gradient reaching h' (and so every weight) from a padded position is exactly 0. The classifier then
 * reads h after the last position, which is each row's own last state, as PyTorch's packed h_n.
 * The mask is built on the host as float32; there is no bool tensor or mask transpose on the device.
 */
export function opsGru({ hidden: H, classes, seed }: ModelShape): PeerModel {
  const bound = 1 / Math.sqrt(H);
  const v = (name: string, shape: number[], offset: number) =>
    tf.variable(uniformInit(shape, bound, seed + offset), true, `peer_${name}`);
  const Wih = v('W_ih', [VOCAB_SIZE, 3 * H], 0);
  const bih = v('b_ih', [3 * H], 1);
  const Whh = v('W_hh', [H, 3 * H], 2);
  const bhh = v('b_hh', [3 * H], 3);
  const Wout = v('W_out', [H, classes], 4);
  const bout = v('b_out', [classes], 5);

  const logits = (b: DenseBatch): tf.Tensor2D => {
    const { steps: T, batch: B } = b;
    const x = tf.tensor2d(b.x, [T * B, VOCAB_SIZE]);
    const mask = tf.tensor3d(b.mask, [T, B, 1]);
    // The input projection of every position at once (one matmul instead of T), then split by position.
    const gi = tf.unstack(tf.reshape(tf.fused.matMul({ a: x, b: Wih, bias: bih }), [T, B, 3 * H]));
    const keep = tf.unstack(mask);
    const hold = tf.unstack(tf.sub(1, mask));
    let h: tf.Tensor2D = tf.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      const gh = tf.fused.matMul({ a: h, b: Whh, bias: bhh });
      const [giRz, giN] = tf.split(gi[t]!, [2 * H, H], 1);
      const [ghRz, ghN] = tf.split(gh, [2 * H, H], 1);
      // r and z share one add and one sigmoid over their 2H columns.
      const [r, z] = tf.split(tf.sigmoid(tf.add(giRz!, ghRz!)), 2, 1);
      const n = tf.tanh(tf.add(giN!, tf.mul(r!, ghN!)));
      const hNew = tf.add(n, tf.mul(z!, tf.sub(h, n))); // (1 - z) n + z h
      h = tf.add(tf.mul(keep[t]!, hNew), tf.mul(hold[t]!, h)) as tf.Tensor2D;
    }
    return tf.fused.matMul({ a: h, b: Wout, bias: bout }) as tf.Tensor2D;
  };

  return {
    impl: 'ops',
    formulation:
      'PyTorch GRU (reset_after, sigmoid, gates r|z|n): n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h = (1-z)*n + z*h; ' +
      'hand-written in tf ops (tf.fused.matMul, split, sigmoid, tanh), autodiff by tf.variableGrads',
    masking:
      'padded to the batch\'s longest name; host-built float mask m[t,b]; h = m*h_new + (1-m)*h, so padded ' +
      'positions leave h (and all gradients) exactly unchanged; logits from h after the last position',
    variables: [Wih, bih, Whh, bhh, Wout, bout],
    logits,
  };
}

/**
 * The stock tfjs-layers model. tfjs-layers' GRUCell is Keras's reset_after=false ("reset before"),
 * gate order z|r|h and h' = z ⊙ h + (1 - z) ⊙ h̃ with h̃ = tanh(W x + U (r ⊙ h) + b): the reset gate
 * multiplies h before the recurrent matmul, and there is a single bias per gate. The constructor
 * throws on resetAfter: true, so PyTorch's formulation is not available. recurrentActivation is set to
 * 'sigmoid' (the default is hardSigmoid) and the weights get the same uniform init as the ops model.
 * Padding: tf.layers.masking({maskValue: 0}) marks all-zero one-hot rows, and the RNN layer keeps the
 * previous state where the mask is 0 (K.rnn: h = m h' + (1 - m) h).
 */
export async function layersGru({ hidden: H, classes, seed }: ModelShape): Promise<PeerModel> {
  // Imported only here: the default peer never loads tfjs-layers.
  const tfl = await import('@tensorflow/tfjs-layers');
  const init = (offset: number, bound: number) => tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed + offset });
  const b = 1 / Math.sqrt(H);
  const model = tfl.sequential({
    layers: [
      tfl.layers.masking({ maskValue: 0, inputShape: [null, VOCAB_SIZE] }),
      tfl.layers.gru({
        units: H,
        recurrentActivation: 'sigmoid',
        kernelInitializer: init(0, b),
        recurrentInitializer: init(2, b),
        biasInitializer: init(1, b),
      }),
      tfl.layers.dense({ units: classes, kernelInitializer: init(4, b), biasInitializer: init(5, b) }),
    ],
  });
  // LayerVariable.read() is the underlying tf.Variable, which is what tf.variableGrads differentiates.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    impl: 'layers',
    formulation:
      'tfjs-layers GRU (Keras reset_after=false, recurrentActivation sigmoid, gates z|r|h): ' +
      'h~ = tanh(W_h x + U_h (r*h) + b_h), h = z*h + (1-z)*h~ (resetAfter: true is rejected by tfjs-layers 4.22)',
    masking: 'tf.layers.masking({maskValue: 0}) on the zero one-hot rows of padding; K.rnn keeps the previous state where the mask is 0',
    variables,
    logits: (batch) => {
      const x = tf.tensor3d(batchMajor(batch.x, batch.steps, batch.batch), [batch.batch, batch.steps, VOCAB_SIZE]);
      return model.apply(x) as tf.Tensor2D; // no dropout: training and inference are the same
    },
  };
}
