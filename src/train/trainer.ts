// The training loop, shared by the CLI, the browser demo and the tests. Each step is one command buffer and
// one submit (forward, backward, clip, update); the loss and accuracy accumulate on the device and are read
// every `readEvery` steps, which is also where a NaN/Inf loss stops training with a message.
import type { Backend } from '../core/backend.js';
import { Rng } from '../core/rng.js';
import type { Example } from '../data/split.js';
import { resolveRecurrence, type Recurrence, type RecurrenceChoice } from '../tune/recurrence.js';
import { tuningForBackend } from '../tune/tuning.js';
import { VOCAB, VOCAB_SIZE } from '../data/vocab.js';
import type { CellType, ModelConfig, Task } from '../model/config.js';
import { makeLmBatches } from './lm_batches.js';
import { lmConfig } from './lm_symbols.js';
import { Network } from '../model/network.js';
import { Optimizer } from '../model/optimizer.js';
import type { PackedBatch } from '../model/packing.js';
import { initParams } from '../model/params.js';
import { planPipelines, type PlannedPipeline } from './plan.js';
import type { AdapterSummary } from '../gpu/device.js';
import { encodeExamples, longest, makeBatches, maxBatchRows, type Encoded } from './batches.js';
import { fitTemperature, nll, type Scored } from './calibration.js';
import { confusionMatrix, reportFrom, type EvalReport } from './metrics.js';
import type { Calibration, Model, TrainingInfo } from './modelfile.js';

export interface TrainOptions {
  /**
   * 'classify' (default): name → language. 'generate': a character language model conditioned on the
   * language (src/generate/): loss at every position, test NLL per symbol each epoch; bidirectional,
   * attention, noise and class balancing do not apply (the first two are refused).
   */
  task?: Task;
  cell: CellType;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  attention: boolean;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  momentum: number;
  clip: number;
  /** Seeds weights, shuffling and noise (the split has its own seed). */
  seed: number;
  /** Append 0..noise punctuation characters to training names (0: off). */
  noise: number;
  /** Apply the same noise to the test names. */
  noiseTest: boolean;
  /**
   * Class balancing strength p: each language's loss is weighted by (n / (languages * count))^p.
   * 0: plain mean; 1: rare languages count as much as common ones; the default, 0.3, is in between.
   */
  balance: number;
  /**
   * Dropout rate during training (0: off): inverted dropout on each layer's input above the first and on
   * the head's input, a fresh mask every step (seeded from `seed` and the step number).
   */
  dropout: number;
  /** Learning rate over training: 'constant', or 'cosine' decay from lr to 0 over all epochs' steps. */
  lrSchedule: 'constant' | 'cosine';
  /** Steps between reads of the device's loss counters. */
  readEvery: number;
  evalBatchSize: number;
  /**
   * How recurrences are dispatched: 'step' (one dispatch per position), 'sequence' (one per layer and
   * direction), or 'auto': 'step' on software adapters and the CPU, 'sequence' on real GPUs (tune/recurrence.ts).
   */
  recurrence: RecurrenceChoice;
  /**
   * Early stopping patience in epochs (0: off): stop when the validation NLL has not improved for this many
   * epochs, and keep the weights of the epoch where it was lowest. Needs validation names.
   */
  earlyStop: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  task: 'classify', cell: 'gru', hidden: 128, layers: 1, bidirectional: false, attention: false,
  epochs: 10, batchSize: 64, lr: 0.002, optimizer: 'adam', momentum: 0, clip: 1,
  seed: 1, noise: 0, noiseTest: false, balance: 0.3, dropout: 0, lrSchedule: 'constant', readEvery: 20, evalBatchSize: 512, recurrence: 'auto',
  earlyStop: 0,
};

/**
 * What a language model (task 'generate') trains with unless told otherwise (`webgpu-rnn train` applies them
 * to the options not given). GRU-128, 10 epochs, default split, test NLL in nats/symbol and the share of new
 * names at temperature 0.8: the classifier's batch 64 / constant lr 0.002 gives 1.830; batch 64 / 0.005
 * cosine 1.797; batch 32 / 0.005 cosine 1.778 but 83% new (it reproduces training names); with dropout 0.2
 * 1.792 and 85% new; dropout 0.3 1.804 (README "Generating names", docs/generate/).
 */
export const LM_DEFAULTS: Pick<TrainOptions, 'lr' | 'lrSchedule' | 'batchSize' | 'dropout'> = { lr: 0.005, lrSchedule: 'cosine', batchSize: 32, dropout: 0.2 };

export interface TrainData {
  train: Example[];
  test: Example[];
  /**
   * Held out from training (carveValidation): its NLL after each epoch drives early stopping, and the
   * temperature is fitted on it after training. None or empty: no early stopping, no temperature.
   */
  val?: Example[];
  languages: string[];
  /** How the split was made (saved in the model file so `eval` can rebuild the test set). */
  split: { seed: number; testFraction: number; dedup: boolean; valFraction?: number; valSeed?: number };
}

export interface Progress {
  epoch: number;
  step: number;
  steps: number;
  names: number;
  namesPerSec: number;
  /** Mean training loss since the last report. */
  loss: number;
}

/** A language model on some names: the mean over every target symbol (each character and END). */
export interface LmReport {
  names: number;
  /** Target symbols: characters + one END per name. */
  symbols: number;
  /** Negative log-likelihood per symbol, in nats, and in bits (nats / ln 2). */
  nll: number;
  bitsPerSymbol: number;
  /** exp(nll). */
  perplexity: number;
  /** Share of positions where the most likely symbol is the next one. */
  accuracy: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  /** Classifier metrics; for a language model only count (symbols), loss (NLL) and accuracy are meaningful. */
  test: EvalReport;
  /** A language model's test NLL (task 'generate'). */
  lm?: LmReport;
  /** Unweighted mean NLL and accuracy on the validation names (absent without them). */
  val?: { nll: number; accuracy: number };
  /** Seconds spent training this epoch (evaluation excluded). */
  seconds: number;
  namesPerSec: number;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface TrainCallbacks {
  onProgress?: (p: Progress) => void;
  /** Awaited before the next epoch starts (e.g. to save the model). */
  onEpoch?: (r: EpochResult) => void | Promise<void>;
  /** Polled between reads of the loss; returning true stops after the current step. */
  shouldStop?: () => boolean;
}

// Divergence without NaN: a healthy run starts at the guessing loss ln(classes) and goes down. Any window
// of steps above 4x that, a finished epoch above 2x that, or an epoch (above guessing) at 3x its best
// epoch means the weights blew up (e.g. --lr 100 sits near loss 1,000).
const DIVERGED_STEP_FACTOR = 4;
const DIVERGED_EPOCH_FACTOR = 2;
const DIVERGED_RISE_FACTOR = 3;

export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

export class Trainer {
  readonly net: Network;
  readonly opt: Optimizer;
  readonly config: ModelConfig;
  /** The recurrence strategy opts.recurrence resolved to on this backend. */
  readonly recurrence: Recurrence;
  readonly lossCurve: LossPoint[] = [];
  readonly epochs: EpochResult[] = [];
  /** Set by run() when there are validation names: the fitted temperature and its effect on their NLL. */
  calibration: Calibration | undefined;
  /** The epoch whose weights the network holds after run() (the best one under early stopping). */
  keptEpoch = 0;
  /** True when run() ended because the validation NLL stopped improving. */
  stoppedEarly = false;
  private train: Encoded;
  private test: Encoded;
  private steps = 0;
  private rng: Rng;
  private noiseRng: Rng;
  /** A language model (opts.task 'generate'). */
  readonly lm: boolean;
  /** Evaluation batches: at most this many names and this many packed rows. */
  private evalNames: number;
  private evalRows: number;

  constructor(
    readonly be: Backend,
    readonly opts: TrainOptions,
    readonly data: TrainData,
  ) {
    if (data.train.length === 0) throw new Error('no training examples');
    this.lm = opts.task === 'generate';
    this.config = this.lm
      ? { ...lmConfig(opts, data.languages.length), bidirectional: opts.bidirectional, attention: opts.attention } // validated: refused
      : {
        cell: opts.cell, hidden: opts.hidden, layers: opts.layers, bidirectional: opts.bidirectional, attention: opts.attention,
        vocabSize: VOCAB_SIZE, numClasses: data.languages.length,
      };
    this.train = encodeExamples(data.train);
    this.test = encodeExamples(data.test);
    // Buffers are sized from the batches that will really run: training's largest possible batch (its
    // longest names), and evaluation chunked by characters to at most that or a typical full batch,
    // whichever is larger, so one long name costs its own length, not batch x its length. Both shrink
    // with --batch and --hidden, which is the advice an out-of-memory error gives. A language model
    // reads START + the name: one position more per name.
    if (opts.earlyStop > 0 && !data.val?.length) throw new Error('early stopping needs validation names');
    const extra = opts.noise + (this.lm ? 1 : 0);
    // Evaluation also scores the validation names (per epoch and for the temperature): its longest counts too.
    const longestEval = Math.max(longest(this.test), longest(encodeExamples(data.val ?? [])));
    const trainRows = maxBatchRows(this.train, opts.batchSize, extra);
    this.evalNames = this.lm ? opts.evalBatchSize : Math.min(opts.evalBatchSize, 8 * opts.batchSize);
    const meanTest = this.test.seqs.reduce((n, q) => n + q.length, 0) / Math.max(1, this.test.seqs.length) + extra;
    // Language-model evaluation batches by name count only (makeLmBatches), so its buffers take its longest.
    this.evalRows = this.lm ? this.evalNames * (longestEval + extra) : Math.max(trainRows, longestEval + extra, Math.ceil(this.evalNames * meanTest));
    const batch = Math.max(opts.batchSize, this.evalNames);
    this.recurrence = resolveRecurrence(opts.recurrence ?? 'auto', be);
    // Tunables for the backend's adapter (a GpuBackend given `adapter`, as the CLI makes it), else defaults.
    this.net = new Network(be, this.config, { batch, rows: Math.max(trainRows, this.evalRows) }, { recurrence: this.recurrence, tuning: tuningForBackend(be) });
    this.net.setParams(initParams(this.net.layout, opts.seed));
    if (opts.balance > 0 && !this.lm) this.net.setClassWeights(balancedWeights(this.train.labels, this.config.numClasses, opts.balance));
    this.opt = new Optimizer(be, this.net, { kind: opts.optimizer, lr: opts.lr, clip: opts.clip, momentum: opts.momentum });
    this.rng = new Rng(opts.seed ^ 0x5eed);
    this.noiseRng = new Rng(opts.seed ^ 0x0153);
  }

  /** Every pipeline this run will dispatch (train/plan.ts), for compiling them up front. */
  pipelinePlan(): PlannedPipeline[] {
    const o = this.opts;
    return planPipelines({
      config: this.config, recurrence: this.recurrence, tuning: this.net.tuning, batchSize: o.batchSize, dropout: o.dropout,
      optimizer: { kind: o.optimizer, lr: o.lr, clip: o.clip, momentum: o.momentum },
      evalBatches: this.lm ? makeLmBatches(this.test, this.config.conditions!, { batchSize: o.evalBatchSize }) : makeBatches(this.test, { batchSize: this.evalNames, maxRows: this.evalRows }),
      ...((this.be as { adapter?: AdapterSummary }).adapter ? { adapter: (this.be as { adapter?: AdapterSummary }).adapter! } : {}),
    });
  }

  /**
   * Compiles every pipeline the run will use before the first step (GpuBackend.precompile), reporting
   * progress; on the CPU backend nothing to do. Returns how many were compiled and the seconds it took.
   */
  async precompile(onProgress?: (done: number, total: number) => void): Promise<{ pipelines: number; seconds: number }> {
    const be = this.be as Backend & { precompile?: (l: PlannedPipeline[], cb?: (d: number, t: number) => void) => Promise<Map<string, number>> };
    if (!be.precompile) return { pipelines: 0, seconds: 0 };
    const t0 = now();
    const done = await be.precompile(this.pipelinePlan().map((p) => ({ kernel: p.kernel, tunables: p.tunables, key: p.key })), onProgress);
    return { pipelines: done.size, seconds: (now() - t0) / 1000 };
  }

  /**
   * Times training steps on batches of the training data (for choosing a device, train/choose.ts): one
   * warm-up step, then steps until `seconds` have passed after at least `minSteps` (at most `maxSteps`),
   * waiting for the device after each. Changes the weights: meant for a throwaway Trainer.
   */
  async timeSteps(budget: { seconds: number; minSteps: number; maxSteps: number }): Promise<{ namesPerSec: number; steps: number }> {
    const rng = new Rng(this.opts.seed ^ 0x71e5);
    const batches = this.lm
      ? makeLmBatches(this.train, this.config.conditions!, { batchSize: this.opts.batchSize, rng })
      : makeBatches(this.train, { batchSize: this.opts.batchSize, rng });
    const at = (i: number) => batches[i % batches.length]!;
    this.step(at(0));
    await this.net.takeStats();
    const t0 = now();
    let steps = 0, names = 0;
    while (steps < budget.maxSteps && (steps < budget.minSteps || now() - t0 < budget.seconds * 1000)) {
      const b = at(1 + steps);
      this.step(b);
      await this.net.takeStats(); // waits for the device: the time is the step's, not its recording
      steps++;
      names += b.batch;
    }
    return { namesPerSec: names / Math.max(1e-9, (now() - t0) / 1000), steps };
  }

  /**
   * Trains for opts.epochs (evaluating on the test split after each) unless stopped, or, with early stopping,
   * until the validation NLL has not improved for opts.earlyStop epochs; then restores the best epoch's
   * weights. With validation names, finally fits the temperature on them (this.calibration).
   */
  async run(cb: TrainCallbacks = {}): Promise<EpochResult[]> {
    const patience = this.opts.earlyStop;
    let best: { epoch: number; nll: number; params: Float32Array } | null = null;
    for (let e = 1; e <= this.opts.epochs; e++) {
      const r = await this.epoch(e, cb);
      if (!r) break;
      this.keptEpoch = e;
      if (patience > 0 && r.val && (!best || r.val.nll < best.nll)) best = { epoch: e, nll: r.val.nll, params: await this.net.getParams() };
      await cb.onEpoch?.(r);
      if (best && e - best.epoch >= patience) {
        this.stoppedEarly = e < this.opts.epochs;
        break;
      }
    }
    if (best && best.epoch !== this.keptEpoch) {
      this.net.setParams(best.params);
      this.keptEpoch = best.epoch;
    }
    // A temperature for the classifier's softmax over languages (a language model samples with its own).
    if (this.data.val?.length && this.epochs.length && !this.lm) await this.calibrate();
    return this.epochs;
  }

  /** Fits the temperature on the validation names with the network's current weights. */
  async calibrate(): Promise<Calibration> {
    const val = await this.score(this.data.val ?? [], this.opts.noiseTest ? this.opts.noise : 0);
    const temperature = fitTemperature(val);
    this.calibration = { temperature, names: val.labels.length, nllBefore: nll(val, 1), nllAfter: nll(val, temperature) };
    return this.calibration;
  }

  /**
   * Logits [n, classes] of the examples (in the order of packed batches, not of `examples`) with their labels,
   * from the network's current weights; noise as in evaluate().
   */
  async score(examples: readonly Example[], noise = 0): Promise<Scored> {
    const { net } = this;
    await net.takeStats(); // flush training counters
    const C = this.config.numClasses;
    const logits = new Float32Array(examples.length * C), labels = new Int32Array(examples.length);
    const rng = new Rng(this.opts.seed ^ 0x7e57);
    let at = 0;
    for (const b of makeBatches(encodeExamples(examples), { batchSize: this.evalNames, maxRows: this.evalRows, noise, noiseRng: rng })) {
      net.forward(b, false);
      logits.set(await net.readLogits(b), at * C);
      labels.set(b.labels.slice(0, b.batch), at);
      at += b.batch;
    }
    await net.takeStats();
    return { logits, labels, classes: C };
  }

  /** One epoch; null if stopped before its end. */
  async epoch(epoch: number, cb: TrainCallbacks = {}): Promise<EpochResult | null> {
    const { net } = this;
    const batches = this.lm
      ? makeLmBatches(this.train, this.config.conditions!, { batchSize: this.opts.batchSize, rng: this.rng })
      : makeBatches(this.train, { batchSize: this.opts.batchSize, rng: this.rng, noise: this.opts.noise, noiseRng: this.noiseRng });
    await net.takeStats(); // start from zeroed counters
    const t0 = now();
    let names = 0, lossSum = 0, correct = 0, count = 0, sinceRead = 0, stopped = false;
    const read = async (i: number) => {
      const s = await net.takeStats();
      this.checkFinite(s.lossSum, s.nonFinite, epoch, i);
      if (s.count > 0) this.checkDiverged(s.lossSum / s.count, DIVERGED_STEP_FACTOR, `in epoch ${epoch} near step ${i}`);
      lossSum += s.lossSum;
      correct += s.correct;
      count += s.count;
      this.lossCurve.push({ step: this.steps, loss: s.lossSum / Math.max(1, s.count) });
      const secs = (now() - t0) / 1000;
      cb.onProgress?.({ epoch, step: i, steps: batches.length, names, namesPerSec: names / Math.max(secs, 1e-9), loss: s.lossSum / Math.max(1, s.count) });
      sinceRead = 0;
    };
    for (let i = 0; i < batches.length; i++) {
      this.step(batches[i]!);
      names += batches[i]!.batch;
      if (++sinceRead === this.opts.readEvery || i === batches.length - 1) {
        await read(i + 1);
        if (cb.shouldStop?.()) {
          stopped = true;
          break;
        }
      }
    }
    const seconds = (now() - t0) / 1000;
    if (stopped) return null;
    let r: EpochResult;
    if (this.lm) {
      const lm = await this.evaluateLm(this.data.test);
      const test = { count: lm.symbols, loss: lm.nll, accuracy: lm.accuracy, macroF1: 0, perClass: [], confusion: [] };
      r = { epoch, trainLoss: lossSum / count, trainAccuracy: correct / count, test, lm, seconds, namesPerSec: names / seconds };
    } else {
      const test = await this.evaluate(this.data.test, this.opts.noiseTest ? this.opts.noise : 0);
      r = { epoch, trainLoss: lossSum / count, trainAccuracy: correct / count, test, seconds, namesPerSec: names / seconds };
    }
    // A whole epoch's loss far above guessing, or far above the best epoch so far: the run blew up without
    // reaching NaN. Checked before the epoch counts (and before onEpoch saves it).
    this.checkDiverged(r.trainLoss, DIVERGED_EPOCH_FACTOR, `over epoch ${epoch}`);
    const best = Math.min(...this.epochs.map((e) => e.trainLoss));
    if (r.trainLoss > this.guessLoss && r.trainLoss > DIVERGED_RISE_FACTOR * best) {
      throw new TrainingDivergedError(
        `training diverged: the training loss rose to ${r.trainLoss.toFixed(3)} over epoch ${epoch}, from ${best.toFixed(3)} at its best ` +
          `(guessing scores ${this.guessLoss.toFixed(3)}); ${this.remedy()}`,
      );
    }
    if (this.data.val?.length) {
      // Validation NLL: per name for a classifier (host, float64), per symbol for a language model.
      if (this.lm) {
        const v = await this.evaluateLm(this.data.val);
        r.val = { nll: v.nll, accuracy: v.accuracy };
      } else {
        const val = await this.score(this.data.val, this.opts.noiseTest ? this.opts.noise : 0);
        r.val = { nll: nll(val), accuracy: accuracyOf(val) };
      }
    }
    this.epochs.push(r);
    return r;
  }

  /** Records and submits one training step. */
  step(b: PackedBatch): void {
    const { dropout, seed } = this.opts;
    this.net.forward(b, true, dropout > 0 ? { rate: dropout, seed: (Math.imul(seed, 0x85ebca6b) ^ Math.imul(this.steps + 1, 0xc2b2ae35)) >>> 0 } : undefined);
    this.net.backward(b);
    this.opt.update(this.lrAt(this.steps));
    this.be.submit();
    this.steps++;
  }

  /** The learning rate of a step (0-based) under opts.lrSchedule. */
  lrAt(step: number): number {
    const { lr, lrSchedule, epochs, batchSize } = this.opts;
    if (lrSchedule === 'constant') return lr;
    const total = epochs * Math.ceil(this.train.seqs.length / batchSize);
    return 0.5 * lr * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
  }

  /**
   * A language model's negative log-likelihood on some names, each conditioned on its true language: the
   * mean over every target symbol (the characters and END), summed on the device by row_ce / row_stats.
   */
  async evaluateLm(examples: readonly Example[]): Promise<LmReport> {
    if (!this.lm) throw new Error('evaluateLm: not a language model');
    const { net } = this;
    await net.takeStats();
    const enc = encodeExamples(examples);
    for (const b of makeLmBatches(enc, this.config.conditions!, { batchSize: this.opts.evalBatchSize })) {
      net.forward(b, false);
      this.be.submit();
    }
    const s = await net.takeStats();
    const nll = s.lossSum / Math.max(1, s.count);
    return { names: examples.length, symbols: s.count, nll, bitsPerSymbol: nll / Math.LN2, perplexity: Math.exp(nll), accuracy: s.correct / Math.max(1, s.count) };
  }

  /** Accuracy, macro-F1, per-language metrics and the confusion matrix on some examples. */
  async evaluate(examples: readonly Example[], noise = 0): Promise<EvalReport> {
    const { net } = this;
    await net.takeStats(); // flush training counters
    const enc = encodeExamples(examples);
    const rng = new Rng(this.opts.seed ^ 0x7e57); // the same noisy test set every epoch
    const truth: number[] = [], pred: number[] = [];
    for (const b of makeBatches(enc, { batchSize: this.evalNames, maxRows: this.evalRows, noise, noiseRng: rng })) {
      net.forward(b, false);
      const logits = await net.readLogits(b);
      const C = this.config.numClasses;
      for (let r = 0; r < b.batch; r++) {
        let arg = 0;
        for (let c = 1; c < C; c++) if (logits[r * C + c]! > logits[r * C + arg]!) arg = c;
        pred.push(arg);
        truth.push(b.labels[r]!);
      }
    }
    const s = await net.takeStats();
    return reportFrom(confusionMatrix(truth, pred, this.config.numClasses), s.lossSum / Math.max(1, s.count));
  }

  /**
   * The model as it stands: the network's weights, with the calibration once run() has fitted it. The
   * recorded test accuracy is that of the epoch whose weights these are.
   */
  async model(extra: Partial<TrainingInfo> = {}): Promise<Model> {
    const last = this.epochs.find((e) => e.epoch === this.keptEpoch) ?? this.epochs[this.epochs.length - 1];
    const o = this.opts, s = this.data.split;
    return {
      config: this.config,
      vocab: VOCAB,
      languages: this.data.languages,
      params: await this.net.getParams(),
      training: {
        epochs: this.epochs.length, seed: o.seed, splitSeed: this.data.split.seed, testFraction: this.data.split.testFraction,
        dedup: this.data.split.dedup, valFraction: s.valFraction, valSeed: s.valSeed, earlyStop: o.earlyStop || undefined, keptEpoch: last?.epoch,
        optimizer: o.optimizer, lr: o.lr, lrSchedule: o.lrSchedule, batchSize: o.batchSize, noise: o.noise, balance: o.balance, dropout: o.dropout,
        ...(this.lm ? { testNll: last?.lm?.nll } : { testAccuracy: last?.test.accuracy, testMacroF1: last?.test.macroF1 }), date: new Date().toISOString(), ...extra,
      },
      calibration: this.calibration,
    };
  }

  get stepCount(): number {
    return this.steps;
  }

  dispose(): void {
    this.opt.dispose();
    this.net.dispose();
  }

  /** The loss of guessing every language equally likely, ln(classes): where a fresh model starts. */
  get guessLoss(): number {
    return Math.log(this.config.numClasses);
  }

  private remedy(): string {
    const o = this.opts;
    return `the learning rate is likely too high: try a lower --lr (now ${o.lr}; the default is ${DEFAULT_TRAIN_OPTIONS.lr})` +
      `${o.clip > 0 ? '' : ' and gradient clipping (--clip 1)'}`;
  }

  private checkDiverged(loss: number, factor: number, where: string): void {
    if (loss > factor * this.guessLoss) {
      throw new TrainingDivergedError(
        `training diverged: the training loss is ${loss.toFixed(3)} ${where}, more than ${factor} times the ${this.guessLoss.toFixed(3)} ` +
          `of guessing; ${this.remedy()}`,
      );
    }
  }

  private checkFinite(lossSum: number, nonFinite: number, epoch: number, step: number): void {
    if (!Number.isFinite(lossSum) || nonFinite > 0) {
      throw new TrainingDivergedError(
        `training diverged: the ${nonFinite > 0 ? 'gradient' : 'loss'} became NaN or infinite in epoch ${epoch} near step ${step}; ` +
          `${this.remedy()}`,
      );
    }
  }
}

/** scikit-learn's "balanced" class weights n / (classes * count_c), raised to `power`; 0 for an absent class. */
export function balancedWeights(labels: readonly number[], classes: number, power = 1): Float32Array {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]!++;
  return Float32Array.from(counts, (c) => (c ? (labels.length / (classes * c)) ** power : 0));
}

function accuracyOf(s: Scored): number {
  let hit = 0;
  for (let i = 0; i < s.labels.length; i++) {
    let arg = 0;
    for (let c = 1; c < s.classes; c++) if (s.logits[i * s.classes + c]! > s.logits[i * s.classes + arg]!) arg = c;
    if (arg === s.labels[i]) hit++;
  }
  return s.labels.length ? hit / s.labels.length : 0;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
