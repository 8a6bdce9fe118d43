// How good are generated names, judged by a classifier: for each language and temperature, generate names,
// ask the classifier for their language, count those it assigns to the requested language and those that
// are new (not training names). Platform-neutral: the CLI's `eval --judge` and the page can use it.
import { Predictor } from '../train/predict.js';
import type { Model } from '../train/modelfile.js';
import type { Backend } from '../core/backend.js';
import { Generator } from './generator.js';
import type { KnownNames } from './novelty.js';

export interface JudgeRow {
  language: string;
  temperature: number;
  names: number;
  /** Share the classifier assigns to the requested language. */
  recognized: number;
  /** Share not among the training names (null when they were not given). */
  fresh: number | null;
  /** A few of the names, for the eye. */
  examples: string[];
}

export interface JudgeOptions {
  temperatures: number[];
  /** Names per language and temperature. */
  count: number;
  seed: number;
  known: KnownNames | null;
}

export async function judgeLanguageModel(be: Backend, lm: Model, classifier: Model, o: JudgeOptions): Promise<JudgeRow[]> {
  if (classifier.languages.join('\n') !== lm.languages.join('\n')) throw new Error('the classifier and the language model have different languages');
  const gen = new Generator(be, lm);
  const predictor = new Predictor(be, classifier);
  const rows: JudgeRow[] = [];
  try {
    for (const temperature of o.temperatures) {
      const perRow = lm.languages.flatMap((_, l) => new Array<number>(o.count).fill(l));
      const names = await gen.generate({ language: perRow, temperature, seed: o.seed });
      // Empty names cannot be classified: they count as not recognized.
      const nonEmpty = names.filter((n) => n.name.length > 0);
      const preds = nonEmpty.length ? await predictor.predict(nonEmpty.map((n) => n.name)) : [];
      const predicted = new Map<(typeof names)[number], number>();
      nonEmpty.forEach((n, i) => {
        const pr = preds[i]!.probs;
        predicted.set(n, pr.indexOf(Math.max(...pr)));
      });
      lm.languages.forEach((language, l) => {
        const mine = names.filter((n) => n.language === l);
        const recognized = mine.filter((n) => predicted.get(n) === l).length;
        const fresh = o.known ? mine.filter((n) => !o.known!.has(n.name)).length : null;
        rows.push({ language, temperature, names: mine.length, recognized: recognized / mine.length, fresh: fresh === null ? null : fresh / mine.length, examples: mine.slice(0, 4).map((n) => n.name) });
      });
    }
  } finally {
    predictor.dispose();
    gen.dispose();
  }
  return rows;
}
