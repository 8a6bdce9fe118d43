// `webgpu-rnn predict NAME...`: the most likely languages for each name, with the model's calibrated
// probabilities (softmax(logits / temperature)). A name whose symbols are mostly outside the vocabulary is
// still answered, with one line saying that the answer says little (a batch of names is not refused for one).
import { MOSTLY_OUT_OF_VOCABULARY, Predictor, type Prediction } from '../train/predict.js';
import { isGenerative } from '../model/config.js';
import { hasLetter } from '../data/vocab.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadModel, log, openBackend, pct } from './common.js';
import { tuningMode, useCachedTuning } from './tuning.js';

export const PREDICT_SPECS = specsFor('predict');

export async function predictCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals: names } = parseArgs('predict', argv, PREDICT_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn predict NAME... [options]', 'Predict the language of each name.', PREDICT_SPECS));
  if (names.length === 0) throw new UsageError("predict needs at least one name, e.g. 'webgpu-rnn predict Nguyen Schmidt'");
  const model = loadModel(o.model);
  if (isGenerative(model.config)) {
    throw new UsageError(`${o.model} is a language model (it generates names): use 'webgpu-rnn generate --model ${o.model} --language NAME', or give predict a classifier`);
  }
  if (o.explain && !model.config.attention) {
    throw new UsageError(`--explain needs a model trained with --attention (${o.model} has none)`);
  }
  const top = Math.min(o.top, model.languages.length);
  const opened = await openBackend(o.device);
  await useCachedTuning(opened.be, tuningMode(o.tuning));
  try {
    const predictor = new Predictor(opened.be, model);
    const preds = await predictor.predict(names, { explain: o.explain });
    predictor.dispose();
    if (o.json) {
      log(JSON.stringify(preds.map((p) => ({
        name: p.name, normalized: p.normalized, top: p.ranked.slice(0, top), attention: p.attention,
        oovShare: p.oovShare, mostlyOutOfVocabulary: p.oovShare > MOSTLY_OUT_OF_VOCABULARY,
      })), null, 2));
      return;
    }
    const w = Math.max(...names.map((n) => n.length));
    for (const p of preds) {
      if (!hasLetter(p.name)) {
        log(`${p.name.padEnd(w)}  no letter a–z (read as '${p.normalized}'): nothing to go on, so no guess`);
        continue;
      }
      const guesses = p.ranked.slice(0, top).map((r) => `${r.language} ${pct(r.prob)}`).join(', ');
      const read = p.normalized !== p.name.trim() ? `  (read as '${p.normalized}')` : '';
      log(`${p.name.padEnd(w)}  ${guesses}${read}`);
      if (p.oovShare > MOSTLY_OUT_OF_VOCABULARY) log(oovLine(p));
      if (p.attention) log(explainLine(p.normalized, p.attention));
    }
  } finally {
    opened.close();
  }
}

/** The flag for a name the model mostly cannot read. */
export function oovLine(p: Prediction): string {
  const n = [...p.normalized].length, k = Math.round(p.oovShare * n);
  return `  ↳ ${k} of ${n} symbols of '${p.name.trim()}' are outside the vocabulary (a-z, A-Z, space and .,;') and read as '_': the guess above says little about this name`;
}

/** Each character over its attention weight in percent, with a bar of block characters: where the model looked. */
export function explainLine(name: string, weights: number[]): string {
  const blocks = ' ▁▂▃▄▅▆▇█';
  const max = Math.max(...weights);
  const cols = [...name].map((c, i) => {
    const w = weights[i] ?? 0;
    const bar = blocks[Math.round((w / (max || 1)) * (blocks.length - 1))]!;
    return { c, pct: `${Math.round(100 * w)}`, bar };
  });
  const width = Math.max(...cols.map((x) => x.pct.length)) + 1;
  const row = (f: (x: (typeof cols)[number]) => string) => '  ' + cols.map((x) => f(x).padStart(width)).join('');
  return [row((x) => x.c), row((x) => x.bar), row((x) => x.pct), '  (attention weight of each character, %)'].join('\n');
}
