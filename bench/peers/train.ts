// The peers' training loop: torch_peer.py's recipe (batch 64, Adam lr 0.002, global gradient-norm clipping
// at 1.0, mean cross-entropy) in TF.js, a timed window of batches after a warm-up, and the evidence that
// the peer learns (its loss curve and its test accuracy).
import * as tf from '@tensorflow/tfjs-core';
import { denseBatch, labelEntropy, majorityShare, testSubset, trainBatches, type DenseBatch, type EncodedExample, type PeerData } from './data.js';
import type { PeerModel } from './models.js';

export interface TrainOptions {
  batchSize: number;
  lr: number;
  /** Global L2 norm bound of all gradients together, as torch.nn.utils.clip_grad_norm_; 0: none. */
  clipNorm: number;
  /** Batches trained before the timed window (pipeline compilation, buffer pools, JIT). */
  warmup: number;
  /** Batches in the timed window. */
  timed: number;
  /** Training batches in all (at least warmup + timed); the learning check looks at all of them. */
  maxBatches: number;
  /** Full passes over the training split, capped by maxBatches. */
  epochs: number;
  /** Test examples to evaluate (every k-th, all languages); 0: the whole test split. */
  testLimit: number;
  log: (s: string) => void;
}

export interface TrainReport {
  namesPerSec: number;
  msPerBatch: number;
  /** Batches in the timed window. */
  timedBatches: number;
  /** Batches trained in all. */
  batches: number;
  /** Batch-mean training losses, in order. */
  losses: number[];
  /** Mean loss of the last min(20, all) batches. */
  finalLoss: number;
  testAccuracy: number;
  testExamples: number;
  /** What always answering the most frequent language scores on the evaluated test examples. */
  majorityAccuracy: number;
  /** Entropy of the training labels: the loss of a model that learned only the class priors. */
  priorLoss: number;
  learned: boolean;
  /** Why `learned` is what it is, in words. */
  verdict: string;
}

/**
 * The update, all on the device with no readback: gradients of the batch-mean loss, their global L2
 * norm over every variable together, scale = min(1, clip / (norm + 1e-6)) (torch's clip_grad_norm_
 * formula), then Adam (tfjs-core's Adam is torch.optim.Adam's update, eps given explicitly: TF.js's
 * default would be the backend epsilon, 1e-7). tfjs-core's optimizers have no clipping option, and
 * tfjs-layers' compile() takes no clipnorm, so the clipping is written out here.
 */
function makeStep(model: PeerModel, opts: TrainOptions, classes: number) {
  const adam = tf.train.adam(opts.lr, 0.9, 0.999, 1e-8);
  return (batch: DenseBatch): tf.Scalar =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const y = tf.tensor2d(batch.y, [batch.batch, classes]);
        return tf.losses.softmaxCrossEntropy(y, model.logits(batch), undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
      }, model.variables);
      let update = Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
      if (opts.clipNorm > 0) {
        const norm = tf.sqrt(tf.addN(update.map(({ tensor }) => tf.sum(tf.square(tensor)))));
        const scale = tf.minimum(1, tf.div(opts.clipNorm, tf.add(norm, 1e-6)));
        update = update.map(({ name, tensor }) => ({ name, tensor: tf.mul(tensor, scale) }));
      }
      adam.applyGradients(update);
      return value;
    });
}

export async function trainAndEvaluate(model: PeerModel, data: PeerData, opts: TrainOptions): Promise<TrainReport> {
  const classes = data.languages.length;
  const step = makeStep(model, opts, classes);
  const perEpoch = Math.ceil(data.train.length / opts.batchSize);
  const total = Math.max(opts.warmup + opts.timed, Math.min(opts.maxBatches, opts.epochs * perEpoch));
  const epochs = Math.ceil(total / perEpoch);
  const timedEnd = opts.warmup + opts.timed;

  // Losses stay on the device until a sync point: reading one forces a wait for all queued work, which
  // would serialize the host and the device. Sync points: the ends of warm-up and of the timed window
  // (where the clock needs the device idle), and every LOG_EVERY batches outside the window (progress).
  const LOG_EVERY = 10;
  const pending: tf.Scalar[] = [];
  const losses: number[] = [];
  const flush = async () => {
    const values = await Promise.all(pending.map((t) => t.data()));
    for (const t of pending) t.dispose();
    pending.length = 0;
    for (const v of values) losses.push(v[0]!);
  };

  const start = performance.now();
  let i = 0; // batches queued so far
  const progress = () => {
    const recent = losses.slice(-LOG_EVERY);
    opts.log(`batch ${i}/${total}: loss ${mean(recent).toFixed(3)} (mean of last ${recent.length}), ${((performance.now() - start) / 1000).toFixed(0)} s`);
  };
  let t0 = opts.warmup === 0 ? start : 0;
  let seconds = 0;
  let timedNames = 0;
  for (const examples of trainBatches(data.train, opts.batchSize, epochs, total)) {
    // Building the dense batch on the host is part of the timed step, as it is of a real training step
    // (well under a millisecond against tens of milliseconds for the step itself).
    pending.push(step(denseBatch(examples, classes)));
    if (i >= opts.warmup && i < timedEnd) timedNames += examples.length;
    i++;
    if (i === opts.warmup) {
      await flush();
      progress();
      t0 = performance.now();
    } else if (i === timedEnd) {
      await flush();
      seconds = (performance.now() - t0) / 1000;
      progress();
      opts.log(`timed ${opts.timed} batches: ${(timedNames / seconds).toFixed(1)} names/s, ${((1000 * seconds) / opts.timed).toFixed(1)} ms/batch`);
    } else if ((i < opts.warmup || i > timedEnd) && (i % LOG_EVERY === 0 || i === total)) {
      await flush();
      progress();
    }
  }
  await flush();

  const test = testSubset(data.test, opts.testLimit);
  const testAccuracy = await evaluate(model, test, classes);
  const finalLoss = mean(losses.slice(-20));
  const majorityAccuracy = majorityShare(test, classes);
  const priorLoss = labelEntropy(data.train, classes);
  const uniformLoss = Math.log(classes);
  // Learning, as opposed to a broken run: the training loss ends below what the class priors alone give
  // (which is itself well below ln(classes), where a model that learns nothing stays), and test accuracy
  // beats always answering the majority language by a clear margin.
  const lossOk = Number.isFinite(finalLoss) && finalLoss < priorLoss;
  const accOk = testAccuracy > majorityAccuracy + 0.05;
  const verdict =
    `final loss ${finalLoss.toFixed(3)} (ln ${classes} = ${uniformLoss.toFixed(3)}, class-prior loss ${priorLoss.toFixed(3)}), ` +
    `test accuracy ${(100 * testAccuracy).toFixed(1)}% on ${test.length} (majority ${(100 * majorityAccuracy).toFixed(1)}%)`;
  return {
    namesPerSec: timedNames / seconds,
    msPerBatch: (1000 * seconds) / opts.timed,
    timedBatches: opts.timed,
    batches: losses.length,
    losses,
    finalLoss,
    testAccuracy,
    testExamples: test.length,
    majorityAccuracy,
    priorLoss,
    learned: lossOk && accOk,
    verdict,
  };
}

/** Accuracy of argmax(logits) on the examples, in batches of 256 (forward only, no gradients). */
async function evaluate(model: PeerModel, examples: EncodedExample[], classes: number): Promise<number> {
  let correct = 0;
  for (let s = 0; s < examples.length; s += 256) {
    const batch = denseBatch(examples.slice(s, s + 256), classes);
    const predicted = tf.tidy(() => tf.argMax(model.logits(batch), 1));
    const values = await predicted.data();
    predicted.dispose();
    values.forEach((p, b) => (correct += p === batch.labels[b] ? 1 : 0));
  }
  return correct / Math.max(1, examples.length);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
