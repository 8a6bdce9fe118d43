// `webgpu-rnn compare`: trains several models with the same seed, data and settings, then writes a loss-curve
// plot, a confusion-matrix heatmap per model and a results table (Markdown and JSON) into a folder.
import { join } from 'node:path';
import { describeConfig } from '../model/config.js';
import { prepareOutput, prepareOutputDir, writeFileAtomic } from '../node/files.js';
import { confusionHeatmap, lineChart } from '../report/svg.js';
import { majorityBaseline } from '../train/metrics.js';
import { looksLikeModelFile, serializeModel } from '../train/modelfile.js';
import { buildTrainData } from '../train/traindata.js';
import { formatModelSpec, parseModelSpec, type ModelSpec } from '../train/modelspec.js';
import { Trainer } from '../train/trainer.js';
import { specsFor, splitFrom, trainOptionsFrom } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadData, log, openBackend, pct, table } from './common.js';
import { ProgressBar } from './progress.js';
import { tuningMode, useCachedTuning } from './tuning.js';

export const COMPARE_SPECS = specsFor('compare');
export const DEFAULT_MODELS = COMPARE_SPECS.models.default;

export interface CompareRow {
  model: string;
  description: string;
  parameters: number;
  testAccuracy: number;
  macroF1: number;
  trainLoss: number;
  seconds: number;
  namesPerSec: number;
  epochs: { epoch: number; trainLoss: number; testAccuracy: number; macroF1: number; seconds: number }[];
}

export async function compareCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('compare', argv, COMPARE_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn compare [options]', 'Train several models the same way and compare them.', COMPARE_SPECS));
  if (positionals.length) throw new UsageError(`compare takes no positional arguments (got '${positionals[0]}')`);
  let specs: ModelSpec[];
  try {
    specs = o.models.split(',').filter(Boolean).map(parseModelSpec);
  } catch (e) {
    throw new UsageError(`--models: ${(e as Error).message}`);
  }
  const base = trainOptionsFrom(o);
  if (base.earlyStop > 0 && o['val-fraction'] === 0) throw new UsageError('--early-stop needs validation names: a --val-fraction above 0');
  const split = splitFrom(o);
  const { data, source } = await loadData(o.data);
  const trainData = buildTrainData(data, { split, valFraction: o['val-fraction'], limit: o.limit, seed: base.seed });
  const { train, test } = trainData;
  const dir = prepareOutputs(o['out-dir'], specs, { force: o.force, saveModels: o['save-models'], inputs: [o.data, source] });
  const opened = await openBackend(o.device);
  await useCachedTuning(opened.be, tuningMode(o.tuning));
  const baseline = majorityBaseline(test.map((e) => e.label), data.languages.length);
  log(`data      ${source}: ${train.length} train / ${trainData.val?.length ?? 0} validation / ${test.length} test names${split.dedup ? ' (dedup)' : ''}; majority baseline ${pct(baseline)}`);
  log(`training  ${base.optimizer} lr ${base.lr}${base.lrSchedule === 'cosine' ? ' (cosine decay)' : ''}, batch ${base.batchSize}, clip ${base.clip || 'off'}, hidden ${base.hidden}, ${base.epochs} epochs, seed ${base.seed}` +
    `${base.balance ? `, class-balanced loss (power ${base.balance})` : ''}${base.dropout ? `, dropout ${base.dropout}` : ''}` +
    `${base.noise ? `, noise 0..${base.noise}${base.noiseTest ? ' (train and test)' : ' (train only)'}` : ''}`);
  log(`device    ${opened.description}`);
  const rows: CompareRow[] = [];
  const curves: { name: string; points: [number, number][] }[] = [];
  try {
    for (const spec of specs) {
      const name = formatModelSpec(spec);
      const trainer = new Trainer(opened.be, { ...base, ...spec }, trainData);
      const bar = new ProgressBar();
      await trainer.run({
        onProgress: (p) => bar.update(`${name} ${p.epoch}/${base.epochs}`, p.step, p.steps, `${Math.round(p.namesPerSec)} names/s  loss ${p.loss.toFixed(3)}`),
        onEpoch: () => bar.clear(),
      });
      // The epoch whose weights the model keeps (the best one under --early-stop, else the last).
      const eps = trainer.epochs, last = eps.find((e) => e.epoch === trainer.keptEpoch) ?? eps[eps.length - 1]!;
      const seconds = eps.reduce((a, e) => a + e.seconds, 0);
      rows.push({
        model: name, description: describeConfig(trainer.config), parameters: trainer.net.layout.total,
        testAccuracy: last.test.accuracy, macroF1: last.test.macroF1, trainLoss: last.trainLoss, seconds,
        namesPerSec: eps.reduce((a, e) => a + e.seconds * e.namesPerSec, 0) / seconds,
        epochs: eps.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, testAccuracy: e.test.accuracy, macroF1: e.test.macroF1, seconds: e.seconds })),
      });
      curves.push({ name, points: trainer.lossCurve.map((p) => [p.step, p.loss]) });
      log(`${name.padEnd(12)} test acc ${pct(last.test.accuracy)}  macro-F1 ${last.test.macroF1.toFixed(3)}  ${seconds.toFixed(0)} s  ${Math.round(rows[rows.length - 1]!.namesPerSec)} names/s`);
      await writeFileAtomic(join(dir, confusionFile(name)), confusionHeatmap({
        title: `${name}: confusion matrix on the test split`,
        subtitle: `accuracy ${pct(last.test.accuracy)}, macro-F1 ${last.test.macroF1.toFixed(3)}; shade = share of the true language's names`,
        labels: data.languages, matrix: last.test.confusion,
      }));
      if (o['save-models']) await writeFileAtomic(join(dir, modelFile(name)), serializeModel(await trainer.model({ device: opened.description })));
      trainer.dispose();
    }
  } finally {
    opened.close();
  }
  await writeFileAtomic(join(dir, 'loss.svg'), lineChart({
    title: `Training loss (${split.dedup ? 'dedup split, ' : ''}hidden ${base.hidden}, batch ${base.batchSize}, seed ${base.seed})`,
    xLabel: 'training step (batches)', yLabel: 'cross-entropy loss (mean over the last 20 steps)', series: curves, yMin: 0,
  }));
  const header = ['model', 'parameters', 'test accuracy', 'macro-F1', 'train loss', 'seconds', 'names/s'];
  const body = rows.map((r) => [r.model, r.parameters.toLocaleString('en-US'), pct(r.testAccuracy), r.macroF1.toFixed(3), r.trainLoss.toFixed(3), r.seconds.toFixed(1), Math.round(r.namesPerSec).toLocaleString('en-US')]);
  const md = [
    `# compare`, '',
    `Data: ${source}, ${train.length} train / ${trainData.val?.length ?? 0} validation / ${test.length} test names${split.dedup ? ' (dedup: no name in both)' : ''}, split seed ${split.seed}; majority baseline ${pct(baseline)}.`,
    `Training: ${base.optimizer} lr ${base.lr}${base.lrSchedule === 'cosine' ? ' (cosine decay)' : ''}, batch ${base.batchSize}, clip ${base.clip || 'off'}, hidden ${base.hidden}, ${base.epochs} epochs, seed ${base.seed}` +
      `${base.balance ? `, class-balanced loss (power ${base.balance})` : ''}${base.dropout ? `, dropout ${base.dropout}` : ''}` +
      `${base.noise ? `, noise 0..${base.noise}${base.noiseTest ? ' on train and test' : ' on train'}` : ''}.`,
    `Device: ${opened.description}.`, '',
    `| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`), '',
    'Plots: `loss.svg` (loss against training step), `confusion-<model>.svg` (per model).', '',
  ].join('\n');
  await writeFileAtomic(join(dir, 'results.md'), md);
  await writeFileAtomic(join(dir, 'results.json'), JSON.stringify({ format: COMPARE_FORMAT, source, split, options: base, baseline, device: opened.description, date: new Date().toISOString(), rows }, null, 2));
  log('');
  log(table([header, ...body], ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
  log(`\nwrote ${join(o['out-dir'] as string, 'results.md')}, results.json, loss.svg and ${rows.length} confusion-*.svg`);
}

const COMPARE_FORMAT = 'webgpu-rnn/compare';
const confusionFile = (model: string): string => `confusion-${model.replace(/\+/g, '_')}.svg`;
const modelFile = (model: string): string => `${model.replace(/\+/g, '_')}.model.json`;

// What a file this command wrote before starts with: those are replaced without asking, anything else
// needs --force.
const OURS_SVG = (head: string) => head.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width=');
const OURS_MD = (head: string) => head.startsWith('# compare\n');
const OURS_JSON = (head: string) => head.includes(`"format": "${COMPARE_FORMAT}"`) || /^\{\s*"source": .*\n\s*"split": \{/.test(head);

/** Checks --out-dir and every file the run will write there, before any training; the folder to write. */
function prepareOutputs(outDir: string, specs: ModelSpec[], o: { force: boolean; saveModels: boolean; inputs: (string | undefined)[] }): string {
  const dir = prepareOutputDir(outDir, '--out-dir');
  const files: [string, (head: string) => boolean][] = [
    ['loss.svg', OURS_SVG], ['results.md', OURS_MD], ['results.json', OURS_JSON],
    ...specs.map((s) => [confusionFile(formatModelSpec(s)), OURS_SVG] as [string, (head: string) => boolean]),
    ...(o.saveModels ? specs.map((s) => [modelFile(formatModelSpec(s)), looksLikeModelFile] as [string, (head: string) => boolean]) : []),
  ];
  for (const [file, isOurs] of files) prepareOutput(join(dir, file), { what: 'compare output', option: '--out-dir', inputs: o.inputs, force: o.force, isOurs });
  return dir;
}
