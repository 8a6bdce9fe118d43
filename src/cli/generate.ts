// `webgpu-rnn generate`: samples new names from a language model (train one with --task generate).
import { DataError } from '../data/errors.js';
import { splitNames, DEFAULT_SPLIT_SEED } from '../data/split.js';
import { Generator, resolveLanguage, type GeneratedName } from '../generate/generator.js';
import { KnownNames } from '../generate/novelty.js';
import { isGenerative } from '../model/config.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadData, loadModel, log, note, openBackend, pct } from './common.js';
import { tuningMode, useCachedTuning } from './tuning.js';

export const GENERATE_SPECS = specsFor('generate');

export async function generateCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('generate', argv, GENERATE_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn generate --model lm.json --language Russian [options]', 'Generate new names with a language model.', GENERATE_SPECS));
  if (positionals.length) throw new UsageError(`generate takes no positional arguments (got '${positionals[0]}'); the language goes in --language`);
  const temperature = o.temperature;
  const model = loadModel(o.model);
  if (!isGenerative(model.config)) {
    throw new UsageError(`${o.model} is a classifier (name → language); generate needs a language model: webgpu-rnn train --task generate --out lm.json`);
  }
  if (o.language === undefined) throw new UsageError(`generate needs --language (one of ${model.languages.join(', ')}, or all)`);
  const lang = String(o.language);
  const langs = lang.toLowerCase() === 'all' ? model.languages.map((_, i) => i) : [resolveLanguage(model.languages, lang)];
  const count = o.count;
  const perRow = langs.flatMap((l) => new Array<number>(count).fill(l));
  const known = await knownNames(model, o.data);
  const opened = await openBackend(o.device);
  await useCachedTuning(opened.be, tuningMode(o.tuning));
  let names: GeneratedName[];
  try {
    const gen = new Generator(opened.be, model);
    names = await gen.generate({
      language: perRow, temperature, topK: o['top-k'], start: o.start,
      maxLength: o['max-length'], seed: o.seed,
    });
    gen.dispose();
  } finally {
    opened.close();
  }
  if (o.json) {
    log(JSON.stringify(names.map((n) => ({
      name: n.name, language: n.languageName, new: known ? !known.has(n.name) : null, complete: n.complete, logProb: n.logProb,
      symbols: n.logProbs.map((lp, i) => ({ symbol: i < n.name.length ? n.name[i] : '<end>', logProb: lp })),
    })), null, 2));
    return;
  }
  const settings = `temperature ${temperature}${o['top-k'] ? `, top-k ${o['top-k']}` : ''}${o.start ? `, start '${o.start}'` : ''}, seed ${o.seed}`;
  for (const l of langs) {
    const mine = names.filter((n) => n.language === l);
    log(`${model.languages[l]} (${settings}):`);
    const w = Math.max(...mine.map((n) => n.name.length));
    for (const n of mine) {
      const tags = [known?.has(n.name) ? 'in the training data' : '', n.complete ? '' : `cut at ${o['max-length']} characters`].filter(Boolean);
      log(`  ${n.name.padEnd(w)}${tags.length ? `  (${tags.join('; ')})` : ''}`.trimEnd());
    }
  }
  if (known) {
    const fresh = names.filter((n) => !known.has(n.name)).length;
    log(`${fresh}/${names.length} new (${pct(fresh / names.length)}; the rest are names of the training data)`);
  }
}

/** The training names of the model's split, or null (with a note) when the names data cannot be loaded. */
async function knownNames(model: ReturnType<typeof loadModel>, data: string | undefined): Promise<KnownNames | null> {
  try {
    const { data: names } = await loadData(data);
    if (names.languages.join('\n') !== model.languages.join('\n')) {
      note('note: the names data has other languages than the model; not marking known names');
      return null;
    }
    const t = model.training;
    const split = splitNames(names, { seed: t?.splitSeed ?? DEFAULT_SPLIT_SEED, testFraction: t?.testFraction ?? 0.2, dedup: t?.dedup ?? false });
    return new KnownNames(split.train);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    note(`note: ${e.message}; not marking names already in the training data`);
    return null;
  }
}

