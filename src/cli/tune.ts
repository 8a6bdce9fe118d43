// `webgpu-rnn tune`: measures the kernels' candidate tunables on this adapter for a model (the training
// options say which: the same as `train`'s), all of them again, within --budget seconds; prints the table and
// keeps the result in the cache folder, where `train` and the other commands find it (src/tune/autotune.ts).
import { GpuBackend } from '../gpu/backend.js';
import { describeConfig } from '../model/config.js';
import { specsFor, splitFrom, trainOptionsFrom } from '../options.js';
import { buildTrainData } from '../train/traindata.js';
import { lmConfig } from '../train/lm_symbols.js';
import { VOCAB_SIZE } from '../data/vocab.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadData, log, openBackend } from './common.js';
import { ProgressBar } from './progress.js';
import { applyLmDefaults } from './train.js';
import { autotuneBackend, describeTuneRun, tuneTable } from './tuning.js';

export const TUNE_SPECS = specsFor('tune');

export async function tuneCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('tune', argv, TUNE_SPECS);
  if (o.help) {
    return void log(helpText('webgpu-rnn tune [options]',
      'Measure the kernels\' candidate tunables on this WebGPU adapter for a model (the same options as train) and keep the fastest in the cache folder.', TUNE_SPECS));
  }
  if (positionals.length) throw new UsageError(`tune takes no positional arguments (got '${positionals[0]}')`);
  const opts = { ...trainOptionsFrom(o, { cell: o.model, layers: o.layers, bidirectional: o.bidirectional, attention: o.attention }), task: o.task };
  if (o.task === 'generate') applyLmDefaults(opts, argv);
  const { data, source } = await loadData(o.data);
  const trainData = buildTrainData(data, { split: splitFrom(o), valFraction: o['val-fraction'], limit: o.limit, seed: opts.seed });
  const opened = await openBackend('gpu');
  try {
    const be = opened.be as GpuBackend;
    const config = o.task === 'generate' ? lmConfig(opts, data.languages.length)
      : { cell: opts.cell, hidden: opts.hidden, layers: opts.layers, bidirectional: opts.bidirectional, attention: opts.attention, vocabSize: VOCAB_SIZE, numClasses: data.languages.length };
    log(`data      ${source}: ${trainData.train.length} training names`);
    log(`model     ${describeConfig(config)}, batch ${opts.batchSize}`);
    log(`device    ${opened.description}`);
    const r = await autotuneBackend(be, opts, trainData, { budgetSeconds: o.budget, force: true, bar: new ProgressBar() });
    log('');
    for (const line of tuneTable(r.result.measured)) log(line);
    log('');
    log(describeTuneRun(r));
    if (!r.problem && r.result.measured.length) log(`saved     ${r.where}`);
  } finally {
    opened.close();
  }
}
