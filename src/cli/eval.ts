// `webgpu-rnn eval`: accuracy, macro-F1, per-language precision/recall and the confusion matrix of a model
// on the test split it was trained with (rebuilt from the split settings stored in the model file).
import { splitNames, DEFAULT_SPLIT_SEED, type Example } from '../data/split.js';
import { ModelFileError } from '../train/modelfile.js';
import { majorityBaseline, type EvalReport } from '../train/metrics.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer } from '../train/trainer.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs } from './args.js';
import { loadData, loadModel, log, openBackend, pct, table } from './common.js';

export const EVAL_SPECS = specsFor('eval');

export async function evalCommand(argv: string[]): Promise<void> {
  const { opts: o } = parseArgs('eval', argv, EVAL_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn eval [options]', 'Evaluate a trained model.', EVAL_SPECS));
  const model = loadModel(o.model);
  const { data, source } = await loadData(o.data);
  if (data.languages.join('\n') !== model.languages.join('\n')) {
    throw new ModelFileError(`${o.model}: its languages differ from those in ${source}`);
  }
  const t = model.training;
  const split = {
    seed: o['split-seed'] ?? t?.splitSeed ?? DEFAULT_SPLIT_SEED,
    testFraction: o['test-fraction'] ?? t?.testFraction ?? 0.2,
    dedup: o.dedup ?? t?.dedup ?? false,
  };
  const parts = splitNames(data, split);
  const examples: Example[] = o.split === 'test' ? parts.test : o.split === 'train' ? parts.train : [...parts.train, ...parts.test];
  const opened = await openBackend(o.device);
  let report: EvalReport;
  try {
    const c = model.config;
    const trainer = new Trainer(opened.be,
      { ...DEFAULT_TRAIN_OPTIONS, cell: c.cell, hidden: c.hidden, layers: c.layers, bidirectional: c.bidirectional, attention: c.attention, evalBatchSize: o.batch, seed: t?.seed ?? 1 },
      { train: examples, test: [], languages: model.languages, split });
    trainer.net.setParams(model.params);
    report = await trainer.evaluate(examples, o.noise);
    trainer.dispose();
  } finally {
    opened.close();
  }
  if (o.json) return void log(JSON.stringify({ model: o.model, split: o.split, ...split, languages: model.languages, ...report }, null, 2));
  const langs = model.languages;
  log(`${o.model} on the ${o.split} split of ${source} (${examples.length} names, split seed ${split.seed}, test fraction ${split.testFraction}${split.dedup ? ', dedup' : ''})`);
  log(`accuracy ${pct(report.accuracy)}   macro-F1 ${report.macroF1.toFixed(3)}   loss ${report.loss.toFixed(4)}   majority baseline ${pct(majorityBaseline(examples.map((e) => e.label), langs.length))}`);
  log('');
  log(table([['language', 'precision', 'recall', 'F1', 'support'],
    ...report.perClass.map((m, i) => [langs[i]!, pct(m.precision), pct(m.recall), m.f1.toFixed(3), m.support])], ['l', 'r', 'r', 'r', 'r']));
  log('');
  log('confusion matrix (rows: true language, columns: predicted)');
  const ab = langs.map((l) => l.slice(0, 3));
  log(table([['', ...ab], ...report.confusion.map((row, i) => [langs[i]!, ...row.map((v) => (v ? v : '.'))])], ['l', ...ab.map(() => 'r' as const)]));
}
