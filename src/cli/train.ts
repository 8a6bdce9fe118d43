// `webgpu-rnn train`: trains a model on the names data and writes a model file after every epoch.
import { describeConfig } from '../model/config.js';
import { majorityBaseline } from '../train/metrics.js';
import { looksLikeModelFile, serializeModel } from '../train/modelfile.js';
import { buildTrainData } from '../train/traindata.js';
import { LM_DEFAULTS, Trainer, TrainingDivergedError, type TrainOptions } from '../train/trainer.js';
import { specsFor, splitFrom, trainOptionsFrom } from '../options.js';
import { prepareOutput, writeFileAtomic } from '../node/files.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadData, log, note, openBackend, openCpu, pct } from './common.js';
import { CpuBackend } from '../cpu/backend.js';
import { chooseFaster, DEFAULT_BUDGET, measureTraining } from '../train/choose.js';
import { ProgressBar } from './progress.js';
import { GpuBackend } from '../gpu/backend.js';
import { TRAIN_TUNE_SECONDS } from '../train/tune_run.js';
import { autotuneBackend, describeTuneRun, tuningMode } from './tuning.js';

export const TRAIN_SPECS = specsFor('train');

const given = (argv: string[], flag: string) => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));

/** A language model's own defaults (measured: README "Generation"), unless given on the command line. */
export function applyLmDefaults(opts: TrainOptions, argv: string[]): void {
  if (!given(argv, 'lr')) opts.lr = LM_DEFAULTS.lr;
  if (!given(argv, 'lr-schedule')) opts.lrSchedule = LM_DEFAULTS.lrSchedule;
  if (!given(argv, 'batch')) opts.batchSize = LM_DEFAULTS.batchSize;
  if (!given(argv, 'dropout')) opts.dropout = LM_DEFAULTS.dropout;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('train', argv, TRAIN_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn train [options]', 'Train a name → language classifier.', TRAIN_SPECS));
  if (positionals.length) throw new UsageError(`train takes no positional arguments (got '${positionals[0]}')`);
  const opts = { ...trainOptionsFrom(o, { cell: o.model, layers: o.layers, bidirectional: o.bidirectional, attention: o.attention }), task: o.task };
  if (o.task === 'generate') {
    for (const k of ['bidirectional', 'attention', 'noise-test'] as const) {
      if (o[k]) throw new UsageError(`--${k} is for classifiers: a generation model reads names left to right and predicts every next character (drop --${k} or use --task classify)`);
    }
    if (o.noise) throw new UsageError('--noise is for classifiers (drop it with --task generate)');
    applyLmDefaults(opts, argv);
    // Its figures were measured on all the training names: validation only when asked for.
    if (!given(argv, 'val-fraction')) o['val-fraction'] = 0;
  }
  if (opts.earlyStop > 0 && o['val-fraction'] === 0) throw new UsageError('--early-stop needs validation names: a --val-fraction above 0');
  const split = splitFrom(o);
  const { data, source } = await loadData(o.data);
  const trainData = buildTrainData(data, { split, valFraction: o['val-fraction'], limit: o.limit, seed: opts.seed });
  const { train, val = [], test } = trainData;
  // Checked before any training: a path that cannot or may not be written fails now, not after the run.
  const out = o.out;
  const target = prepareOutput(out, { what: 'model file', option: '--out', inputs: [o.data, source], force: o.force, isOurs: looksLikeModelFile });
  let opened = await openBackend(o.device);
  try {
    log(`data      ${source}: ${data.languages.length} languages, ${train.length} train / ${val.length} validation / ${test.length} test names` +
      `${split.dedup ? ' (dedup)' : ''}` + (opts.task === 'generate' ? '' : `; majority baseline ${pct(majorityBaseline(test.map((e) => e.label), data.languages.length))}`));
    const bar = new ProgressBar();
    // The kernels' tunables measured for this model on this adapter, where the cache lacks them (tuning.ts).
    let tuned = '';
    if (opened.be instanceof GpuBackend && tuningMode(o.tuning) === 'auto') {
      const r = await autotuneBackend(opened.be, opts, trainData, { budgetSeconds: TRAIN_TUNE_SECONDS, bar });
      if (r.compiled.seconds > 0.05) log(`kernels   ${r.compiled.pipelines} pipelines compiled in ${r.compiled.seconds.toFixed(1)} s`);
      tuned = describeTuneRun(r);
    }
    let choice = '';
    if (o.device === 'auto' && opened.be.kind === 'gpu') {
      // Time a few steps of this model on both and train on the faster (train/choose.ts). The GPU's
      // pipelines are compiled here, once: the real run below finds them compiled.
      const gpu = await measureTraining(opened.be, opts, trainData, DEFAULT_BUDGET,
        (done, total) => bar.update('compiling kernels', done, total, 'pipelines (first run on this adapter; cached after)'));
      bar.clear();
      if (gpu.compileSeconds > 0.05) log(`kernels   pipelines compiled in ${gpu.compileSeconds.toFixed(1)} s`);
      const cpu = await measureTraining(new CpuBackend(), opts, trainData);
      const c = chooseFaster(gpu, cpu);
      choice = `auto: ${c.reason} → ${c.kind === 'gpu' ? 'WebGPU' : 'CPU path'}`;
      if (c.kind === 'cpu') {
        opened.close();
        opened = openCpu();
      }
    }
    const trainer = new Trainer(opened.be, opts, trainData);
    log(`model     ${describeConfig(trainer.config)}; ${trainer.net.layout.total.toLocaleString('en-US')} parameters`);
    log(`training  ${opts.optimizer} lr ${opts.lr}${opts.lrSchedule === 'cosine' ? ' (cosine decay)' : ''}, batch ${opts.batchSize}, clip ${opts.clip || 'off'}, ${opts.epochs} epochs, seed ${opts.seed}` +
      `${opts.balance && !trainer.lm ? `, class-balanced loss (power ${opts.balance})` : ''}${opts.dropout ? `, dropout ${opts.dropout}` : ''}` +
      `${opts.noise ? `, noise 0..${opts.noise}${opts.noiseTest ? ' (train and test)' : ' (train only)'}` : ''}` +
      `${opts.earlyStop ? `, early stop after ${opts.earlyStop} epoch${opts.earlyStop > 1 ? 's' : ''} without a better validation loss` : ''}`);
    if (tuned && trainer.be.kind === 'gpu') log(`tuning    ${tuned}`);
    if (choice) log(`choice    ${choice}`);
    log(`device    ${opened.description}${opened.be.kind === 'gpu' ? `; recurrence ${trainer.recurrence}` : ''}`);
    // Every pipeline compiled before the first step, with progress, instead of one stall per kernel in
    // the first epoch (software adapters compile at first dispatch; Mesa caches them on disk after).
    const pre = await trainer.precompile((done, total) => bar.update('compiling kernels', done, total, 'pipelines (first run on this adapter; cached after)'));
    bar.clear();
    if (pre.pipelines > 0) log(`kernels   ${pre.pipelines} pipelines compiled in ${pre.seconds.toFixed(1)} s`);
    const width = String(opts.epochs).length;
    let saved = 0;
    await trainer.run({
      onProgress: (p) => bar.update(`epoch ${String(p.epoch).padStart(width)}/${opts.epochs}`, p.step, p.steps,
        `${Math.round(p.namesPerSec).toLocaleString('en-US')} names/s  loss ${p.loss.toFixed(3)}`),
      onEpoch: async (r) => {
        bar.clear();
        const speed = `${r.val ? `val loss ${r.val.nll.toFixed(4)}  ` : ''}${r.seconds.toFixed(1)} s  ${Math.round(r.namesPerSec).toLocaleString('en-US')} names/s`;
        if (r.lm) {
          log(`epoch ${String(r.epoch).padStart(width)}/${opts.epochs}  train loss ${r.trainLoss.toFixed(3)}  test NLL ${r.lm.nll.toFixed(3)} nats/symbol` +
            ` (${r.lm.bitsPerSymbol.toFixed(3)} bits, perplexity ${r.lm.perplexity.toFixed(2)})  ${speed}`);
        } else {
          log(`epoch ${String(r.epoch).padStart(width)}/${opts.epochs}  train loss ${r.trainLoss.toFixed(3)}  test acc ${pct(r.test.accuracy)}` +
            `  macro-F1 ${r.test.macroF1.toFixed(3)}  ${speed}`);
        }
        // Saved every epoch, so stopping early keeps the last finished epoch.
        await writeFileAtomic(target, serializeModel(await trainer.model({ device: opened.description })));
        saved = r.epoch;
      },
    }).catch((e: unknown) => {
      bar.clear();
      // Say what the model file holds: the last epoch before the blow-up, or nothing from this run.
      if (e instanceof TrainingDivergedError) {
        throw new TrainingDivergedError(`${e.message}; ${saved ? `${out} holds epoch ${saved}, the last one before it` : `nothing was saved to ${out}`}`);
      }
      throw e;
    });
    if (trainer.stoppedEarly) log(`stopped   the validation loss has not improved for ${opts.earlyStop} epoch${opts.earlyStop > 1 ? 's' : ''}`);
    const model = await trainer.model({ device: opened.description });
    const cal = model.calibration;
    if (cal) {
      log(`calibrated temperature ${cal.temperature.toFixed(3)} (fitted on ${cal.names} validation names: NLL ${cal.nllBefore.toFixed(4)} → ${cal.nllAfter.toFixed(4)})`);
    }
    // Written once more: the kept epoch's weights (the best under early stopping) with the temperature.
    await writeFileAtomic(target, serializeModel(model));
    const kept = trainer.epochs.find((e) => e.epoch === trainer.keptEpoch) ?? trainer.epochs[trainer.epochs.length - 1]!;
    log(kept.lm
      ? `saved     ${out} (language model, epoch ${kept.epoch}; test NLL ${kept.lm.nll.toFixed(3)} nats/symbol, ${kept.lm.bitsPerSymbol.toFixed(3)} bits; try 'webgpu-rnn generate --model ${out} --language Russian')`
      : `saved     ${out} (epoch ${kept.epoch}: test accuracy ${pct(kept.test.accuracy)}, macro-F1 ${kept.test.macroF1.toFixed(3)})`);
    trainer.dispose();
  } finally {
    opened.close();
  }
  if (o.device !== 'auto') note(`note: --device ${o.device} forced that path; the default --device auto times both and takes the faster`);
}
