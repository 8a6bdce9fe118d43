// `webgpu-rnn eval`: accuracy, macro-F1, per-language precision/recall and the confusion matrix of a model
// on the test split it was trained with (rebuilt from the split settings stored in the model file), and how
// well its probabilities are calibrated (NLL, Brier, ECE, reliability diagram) before and after its temperature.
import { DEFAULT_SPLIT_SEED, type Example } from '../data/split.js';
import { prepareOutput, writeFileAtomic } from '../node/files.js';
import { reliabilityDiagram } from '../report/svg.js';
import { calibrationMetrics, ECE_BINS, reliability, type CalibrationMetrics, type Scored } from '../train/calibration.js';
import { ModelFileError, temperatureOf, type Model } from '../train/modelfile.js';
import { buildTrainData } from '../train/traindata.js';
import { majorityBaseline, type EvalReport } from '../train/metrics.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer } from '../train/trainer.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import type { Values } from '../options.js';
import { isGenerative } from '../model/config.js';
import { judgeLanguageModel, type JudgeRow } from '../generate/judge.js';
import { KnownNames } from '../generate/novelty.js';
import type { LmReport } from '../train/trainer.js';
import { loadData, loadModel, log, openBackend, pct, table } from './common.js';
import { tuningMode, useCachedTuning } from './tuning.js';

export const EVAL_SPECS = specsFor('eval');

const isOurSvg = (head: string): boolean => head.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width=');

export async function evalCommand(argv: string[]): Promise<void> {
  const { opts: o } = parseArgs('eval', argv, EVAL_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn eval [options]', 'Evaluate a trained model.', EVAL_SPECS));
  const model = loadModel(o.model);
  if (o.judge !== undefined && !isGenerative(model.config)) throw new UsageError(`--judge is for language models; ${o.model} is a classifier`);
  const { data, source } = await loadData(o.data);
  // Checked before any work: a diagram path that may not be written fails now (an SVG this tool wrote is replaced).
  const reliabilityOut = o.reliability
    ? prepareOutput(o.reliability, { what: 'reliability diagram', option: '--reliability', inputs: [o.model, o.data, source], force: o.force, isOurs: isOurSvg })
    : undefined;
  if (data.languages.join('\n') !== model.languages.join('\n')) {
    throw new ModelFileError(`${o.model}: its languages differ from those in ${source}`);
  }
  const t = model.training;
  const split = {
    seed: o['split-seed'] ?? t?.splitSeed ?? DEFAULT_SPLIT_SEED,
    testFraction: o['test-fraction'] ?? t?.testFraction ?? 0.2,
    dedup: o.dedup ?? t?.dedup ?? false,
  };
  // The validation names were carved from the training part with the stored fraction (none before version 2).
  const parts = buildTrainData(data, { split, valFraction: t?.valFraction ?? 0, seed: t?.seed ?? 1 });
  const val = parts.val ?? [];
  if (o.split === 'val' && val.length === 0) throw new ModelFileError(`${o.model} was trained without validation names (no --val-fraction): there is no val split`);
  const examples: Example[] = o.split === 'test' ? parts.test : o.split === 'val' ? val : o.split === 'train' ? parts.train : [...parts.train, ...val, ...parts.test];
  if (isGenerative(model.config)) return evalLanguageModel(o, model, examples, parts.train, split, source);
  const opened = await openBackend(o.device);
  await useCachedTuning(opened.be, tuningMode(o.tuning));
  let report: EvalReport;
  let scored: Scored;
  try {
    const c = model.config;
    const trainer = new Trainer(opened.be,
      { ...DEFAULT_TRAIN_OPTIONS, cell: c.cell, hidden: c.hidden, layers: c.layers, bidirectional: c.bidirectional, attention: c.attention, evalBatchSize: o.batch, seed: t?.seed ?? 1 },
      { train: examples, test: [], languages: model.languages, split });
    trainer.net.setParams(model.params);
    report = await trainer.evaluate(examples, o.noise);
    scored = await trainer.score(examples, o.noise);
    trainer.dispose();
  } finally {
    opened.close();
  }
  const T = temperatureOf(model);
  const before = calibrationMetrics(scored, 1), after = calibrationMetrics(scored, T);
  const calibration = { temperature: T, bins: ECE_BINS, before, after };
  if (reliabilityOut) {
    const panel = (title: string, temp: number, c: CalibrationMetrics) => ({
      title, note: `ECE ${c.ece.toFixed(4)}   NLL ${c.nll.toFixed(4)}   Brier ${c.brier.toFixed(4)}`, bins: reliability(scored, temp),
    });
    await writeFileAtomic(reliabilityOut, reliabilityDiagram({
      title: `Reliability on the ${o.split} split (${examples.length} names, ${ECE_BINS} bins)`,
      subtitle: `${o.model}: accuracy ${pct(report.accuracy)}; probabilities softmax(logits / T)`,
      panels: [panel('before: T = 1', 1, before), panel(`after: T = ${T.toFixed(3)}${model.calibration ? '' : ' (no calibration in the model)'}`, T, after)],
    }));
  }
  if (o.json) return void log(JSON.stringify({ model: o.model, split: o.split, ...split, languages: model.languages, ...report, calibration }, null, 2));
  const langs = model.languages;
  log(`${o.model} on the ${o.split} split of ${source} (${examples.length} names, split seed ${split.seed}, test fraction ${split.testFraction}${split.dedup ? ', dedup' : ''})`);
  log(`accuracy ${pct(report.accuracy)}   macro-F1 ${report.macroF1.toFixed(3)}   loss ${report.loss.toFixed(4)}   majority baseline ${pct(majorityBaseline(examples.map((e) => e.label), langs.length))}`);
  log('');
  log(`calibration (ECE over ${ECE_BINS} confidence bins; temperature ${model.calibration ? `${T.toFixed(4)}, fitted on ${model.calibration.names} validation names` : '1: the model has none'})`);
  log(table([['', 'NLL', 'Brier', 'ECE'],
    ['before (T = 1)', before.nll.toFixed(4), before.brier.toFixed(4), before.ece.toFixed(4)],
    [`after (T = ${T.toFixed(3)})`, after.nll.toFixed(4), after.brier.toFixed(4), after.ece.toFixed(4)]], ['l', 'r', 'r', 'r']));
  if (o.reliability) log(`reliability diagram: ${o.reliability}`);
  log('');
  log(table([['language', 'precision', 'recall', 'F1', 'support'],
    ...report.perClass.map((m, i) => [langs[i]!, pct(m.precision), pct(m.recall), m.f1.toFixed(3), m.support])], ['l', 'r', 'r', 'r', 'r']));
  log('');
  log('confusion matrix (rows: true language, columns: predicted)');
  const ab = langs.map((l) => l.slice(0, 3));
  log(table([['', ...ab], ...report.confusion.map((row, i) => [langs[i]!, ...row.map((v) => (v ? v : '.'))])], ['l', ...ab.map(() => 'r' as const)]));
}

/** eval of a language model: NLL per symbol (nats, bits), perplexity; with --judge, generated names judged. */
async function evalLanguageModel(o: Values<typeof EVAL_SPECS>, model: Model, examples: Example[], train: Example[], split: { seed: number; testFraction: number; dedup: boolean }, source: string): Promise<void> {
  const judge = o.judge !== undefined ? loadModel(o.judge) : null;
  if (judge && isGenerative(judge.config)) throw new UsageError(`--judge ${o.judge} is a language model; it needs a classifier (train without --task generate)`);
  if (judge && judge.languages.join('\n') !== model.languages.join('\n')) throw new UsageError(`--judge ${o.judge} has other languages than ${o.model}`);
  const opened = await openBackend(o.device);
  await useCachedTuning(opened.be, tuningMode(o.tuning));
  let lm: LmReport;
  let rows: JudgeRow[] = [];
  try {
    const c = model.config;
    const trainer = new Trainer(opened.be,
      { ...DEFAULT_TRAIN_OPTIONS, task: 'generate', cell: c.cell, hidden: c.hidden, layers: c.layers, evalBatchSize: o.batch, seed: model.training?.seed ?? 1 },
      { train: examples, test: [], languages: model.languages, split });
    trainer.net.setParams(model.params);
    lm = await trainer.evaluateLm(examples);
    trainer.dispose();
    if (judge) rows = await judgeLanguageModel(opened.be, model, judge, { temperatures: [0.5, 1.0], count: o['judge-count'], seed: o.seed, known: new KnownNames(train) });
  } finally {
    opened.close();
  }
  if (o.json) return void log(JSON.stringify({ model: o.model, split: o.split, ...split, ...lm, judge: judge ? { classifier: o.judge, rows } : undefined }, null, 2));
  log(`${o.model} (language model) on the ${o.split} split of ${source} (${lm.names} names, ${lm.symbols} symbols incl. one END per name, split seed ${split.seed}${split.dedup ? ', dedup' : ''})`);
  log(`NLL ${lm.nll.toFixed(4)} nats/symbol   ${lm.bitsPerSymbol.toFixed(4)} bits/symbol   perplexity ${lm.perplexity.toFixed(3)}   next-symbol accuracy ${pct(lm.accuracy)}`);
  if (!judge) return;
  log('');
  log(`generated names judged by ${o.judge} (${o['judge-count']} per language and temperature, seed ${o.seed}); new = not a training name`);
  const temps = [...new Set(rows.map((r) => r.temperature))];
  const head = ['language', ...temps.flatMap((t) => [`T=${t} recognized`, 'new']), `examples (T=${temps[0]})`];
  const body = model.languages.map((lang) => {
    const mine = rows.filter((r) => r.language === lang);
    return [lang, ...mine.flatMap((r) => [pct(r.recognized), r.fresh === null ? '-' : pct(r.fresh)]), mine[0]!.examples.join(', ')];
  });
  const mean = (t: number, f: (r: JudgeRow) => number) => {
    const rs = rows.filter((r) => r.temperature === t);
    return rs.reduce((a, r) => a + f(r), 0) / rs.length;
  };
  body.push(['mean', ...temps.flatMap((t) => [pct(mean(t, (r) => r.recognized)), pct(mean(t, (r) => r.fresh ?? 0))]), '']);
  log(table([head, ...body], ['l', ...temps.flatMap(() => ['r', 'r'] as const), 'l']));
}
