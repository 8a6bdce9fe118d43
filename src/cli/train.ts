// `webgpu-rnn train`: trains a model on the names data and writes a model file after every epoch.
import { Rng } from '../core/rng.js';
import { DEFAULT_SPLIT_SEED, splitNames } from '../data/split.js';
import { CELL_TYPES, describeConfig } from '../model/config.js';
import { majorityBaseline } from '../train/metrics.js';
import { serializeModel } from '../train/modelfile.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type TrainOptions } from '../train/trainer.js';
import { writeFileAtomic } from '../node/files.js';
import { helpText, parseArgs, UsageError, type Specs } from './args.js';
import { loadData, log, note, openBackend, pct } from './common.js';
import { ProgressBar } from './progress.js';

const D = DEFAULT_TRAIN_OPTIONS;
export const TRAIN_SPECS: Specs = {
  model: { type: 'choice', choices: CELL_TYPES, default: D.cell, help: 'recurrent cell' },
  hidden: { type: 'int', min: 1, max: 65536, default: D.hidden, help: 'hidden size' },
  layers: { type: 'int', min: 1, max: 16, default: D.layers, help: 'stacked recurrent layers' },
  bidirectional: { type: 'boolean', default: false, help: 'also read each name backwards (states concatenated)' },
  attention: { type: 'boolean', default: false, help: 'attention over the hidden states feeds the classifier' },
  epochs: { type: 'int', min: 1, default: D.epochs, help: 'passes over the training names' },
  batch: { type: 'int', min: 1, max: 1 << 20, default: D.batchSize, help: 'names per training step' },
  lr: { type: 'number', above: 0, default: D.lr, help: 'learning rate (> 0)' },
  'lr-schedule': { type: 'choice', choices: ['constant', 'cosine'], default: D.lrSchedule, help: 'constant, or cosine decay to 0 over the run' },
  optimizer: { type: 'choice', choices: ['adam', 'sgd'], default: D.optimizer, help: 'optimizer' },
  momentum: { type: 'number', min: 0, max: 1, default: D.momentum, help: 'SGD momentum' },
  clip: { type: 'number', min: 0, default: D.clip, help: 'clip the global gradient norm to this (0: off)' },
  seed: { type: 'int', min: 0, default: D.seed, help: 'seed for weights, shuffling and noise' },
  noise: { type: 'int', min: 0, max: 100, default: 0, help: "append 0..N random characters from .,;' to each training name" },
  'noise-test': { type: 'boolean', default: false, help: 'apply the same noise to the test names' },
  balance: { type: 'number', min: 0, max: 1, default: D.balance, help: 'class-balanced loss: weight each language by (n/(languages*count))^X; 0 = plain mean, 1 = fully balanced' },
  dropout: { type: 'number', min: 0, max: 0.95, default: D.dropout, help: 'dropout rate on the head input and between stacked layers while training (0: off)' },
  data: { type: 'string', arg: 'PATH', help: 'names zip or folder (default: $WEBGPU_RNN_DATA, else download once to the cache)' },
  'test-fraction': { type: 'number', min: 0.01, max: 0.99, default: 0.2, help: 'fraction of each language held out for testing' },
  'split-seed': { type: 'int', min: 0, default: DEFAULT_SPLIT_SEED, help: 'seed of the train/test split' },
  dedup: { type: 'boolean', default: false, help: 'no name string appears in both train and test' },
  limit: { type: 'int', min: 1, help: 'train on this many randomly chosen training names (quick runs)' },
  out: { type: 'string', arg: 'FILE', default: 'model.json', help: 'model file to write (after every epoch, atomically)' },
  device: { type: 'choice', choices: ['gpu', 'cpu'], default: 'gpu', help: 'gpu: WebGPU kernels; cpu: the CPU reference (slow)' },
  recurrence: { type: 'choice', choices: ['auto', 'step', 'sequence'], default: D.recurrence, help: 'recurrence dispatches: step (one per position), sequence (one per layer and direction), auto (step on software adapters, sequence on GPUs)' },
  help: { type: 'boolean', default: false, help: 'show this help' },
};

export async function trainCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('train', argv, TRAIN_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn train [options]', 'Train a name → language classifier.', TRAIN_SPECS));
  if (positionals.length) throw new UsageError(`train takes no positional arguments (got '${positionals[0]}')`);
  const opts: TrainOptions = {
    ...D,
    cell: o.model as TrainOptions['cell'], hidden: o.hidden as number, layers: o.layers as number,
    bidirectional: o.bidirectional as boolean, attention: o.attention as boolean, epochs: o.epochs as number,
    batchSize: o.batch as number, lr: o.lr as number, optimizer: o.optimizer as 'adam' | 'sgd', momentum: o.momentum as number,
    clip: o.clip as number, seed: o.seed as number, noise: o.noise as number, noiseTest: o['noise-test'] as boolean,
    balance: o.balance as number, dropout: o.dropout as number, lrSchedule: o['lr-schedule'] as TrainOptions['lrSchedule'], recurrence: o.recurrence as TrainOptions['recurrence'],
  };
  const split = { seed: o['split-seed'] as number, testFraction: o['test-fraction'] as number, dedup: o.dedup as boolean };
  const { data, source } = await loadData(o.data as string | undefined);
  const { train: fullTrain, test } = splitNames(data, split);
  const train = o.limit ? new Rng(opts.seed).shuffle(fullTrain.slice()).slice(0, o.limit as number) : fullTrain;
  const opened = await openBackend(o.device as string);
  const out = o.out as string;
  try {
    const trainer = new Trainer(opened.be, opts, { train, test, languages: data.languages, split });
    log(`data      ${source}: ${data.languages.length} languages, ${train.length} train / ${test.length} test names` +
      `${split.dedup ? ' (dedup)' : ''}; majority baseline ${pct(majorityBaseline(test.map((e) => e.label), data.languages.length))}`);
    log(`model     ${describeConfig(trainer.config)}; ${trainer.net.layout.total.toLocaleString('en-US')} parameters`);
    log(`training  ${opts.optimizer} lr ${opts.lr}${opts.lrSchedule === 'cosine' ? ' (cosine decay)' : ''}, batch ${opts.batchSize}, clip ${opts.clip || 'off'}, ${opts.epochs} epochs, seed ${opts.seed}` +
      `${opts.balance ? `, class-balanced loss (power ${opts.balance})` : ''}${opts.dropout ? `, dropout ${opts.dropout}` : ''}` +
      `${opts.noise ? `, noise 0..${opts.noise}${opts.noiseTest ? ' (train and test)' : ' (train only)'}` : ''}`);
    log(`device    ${opened.description}; recurrence ${trainer.recurrence}`);
    const bar = new ProgressBar();
    const width = String(opts.epochs).length;
    await trainer.run({
      onProgress: (p) => bar.update(`epoch ${String(p.epoch).padStart(width)}/${opts.epochs}`, p.step, p.steps,
        `${Math.round(p.namesPerSec).toLocaleString('en-US')} names/s  loss ${p.loss.toFixed(3)}`),
      onEpoch: async (r) => {
        bar.clear();
        log(`epoch ${String(r.epoch).padStart(width)}/${opts.epochs}  train loss ${r.trainLoss.toFixed(3)}  test acc ${pct(r.test.accuracy)}` +
          `  macro-F1 ${r.test.macroF1.toFixed(3)}  ${r.seconds.toFixed(1)} s  ${Math.round(r.namesPerSec).toLocaleString('en-US')} names/s`);
        // Saved every epoch, so stopping early keeps the last finished epoch.
        writeFileAtomic(out, serializeModel(await trainer.model({ device: opened.description })));
      },
    });
    const last = trainer.epochs[trainer.epochs.length - 1]!;
    log(`saved     ${out} (test accuracy ${pct(last.test.accuracy)}, macro-F1 ${last.test.macroF1.toFixed(3)})`);
    trainer.dispose();
  } finally {
    opened.close();
  }
  if (o.device === 'cpu') note('note: --device cpu ran the CPU reference, the slow path; use the default --device gpu for speed');
}
