// `webgpu-rnn predict NAME...`: the most likely languages for each name.
import { isGenerative } from '../model/config.js';
import { hasLetter } from '../data/vocab.js';
import { Predictor } from '../train/predict.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadModel, log, openBackend, pct } from './common.js';

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
  try {
    const predictor = new Predictor(opened.be, model);
    const preds = await predictor.predict(names, { explain: o.explain });
    predictor.dispose();
    if (o.json) {
      log(JSON.stringify(preds.map((p) => ({ name: p.name, normalized: p.normalized, top: p.ranked.slice(0, top), attention: p.attention })), null, 2));
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
      if (p.attention) log(explainLine(p.normalized, p.attention));
    }
  } finally {
    opened.close();
  }
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
