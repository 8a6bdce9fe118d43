// Inference for a list of names with a loaded model: probabilities per language (and, with `explain`,
// attention weights when the model has attention). Platform-neutral: the CLI and the browser demo both use it.
import type { Backend } from '../core/backend.js';
import { encodeName, normalizeName, OOV, VOCAB_SIZE } from '../data/vocab.js';
import { isGenerative } from '../model/config.js';
import { Network } from '../model/network.js';
import { packBatch } from '../model/packing.js';
import { softmax } from './metrics.js';
import { temperatureOf, type Model } from './modelfile.js';

export interface Prediction {
  name: string;
  /** The name as the model reads it (normalized; characters outside the vocabulary become '_'). */
  normalized: string;
  /**
   * Share of the name's symbols outside the vocabulary (read as '_'), in [0, 1]. Above
   * MOSTLY_OUT_OF_VOCABULARY the model sees mostly '_' and its answer says little about the name.
   */
  oovShare: number;
  /** Probabilities per language, in the model's language order (softmax(logits / model temperature)). */
  probs: number[];
  /** Languages sorted by probability, most likely first. */
  ranked: { language: string; prob: number }[];
  /**
   * With `explain` on a model with attention: the attention weight of each character of `normalized`, in
   * order (they sum to 1). Absent otherwise.
   */
  attention?: number[];
}

export interface PredictOptions {
  /** Also return each character's attention weight (models with attention only; ignored otherwise). */
  explain?: boolean;
}

/** More than half of the symbols outside the vocabulary: `predict` flags the name (and still answers). */
export const MOSTLY_OUT_OF_VOCABULARY = 0.5;

/** Share of a normalized name's symbols that are OOV. */
export function oovShare(normalized: string): number {
  const symbols = [...normalized];
  return symbols.length ? symbols.filter((c) => c === OOV).length / symbols.length : 0;
}

export class EmptyNameError extends Error {
  override name = 'EmptyNameError';
}

/** A model given to the wrong command (a language model to predict, a classifier to generate). */
export class WrongTaskError extends Error {
  override name = 'WrongTaskError';
}

/** A network holding a model's weights, reusable across calls. */
export class Predictor {
  private net: Network | null = null;

  constructor(
    readonly be: Backend,
    readonly model: Model,
  ) {
    if (isGenerative(model.config)) throw new WrongTaskError('this model is a language model (it generates names); predicting a language needs a classifier: use webgpu-rnn generate with it, or train one without --task generate');
  }

  async predict(names: readonly string[], opts: PredictOptions = {}): Promise<Prediction[]> {
    const normalized = names.map((n, i) => {
      const s = normalizeName(n);
      if (s.length === 0) throw new EmptyNameError(`name ${i + 1} of ${names.length} is empty`);
      return s;
    });
    const seqs = normalized.map(encodeName);
    const b = packBatch(seqs, seqs.map(() => 0), VOCAB_SIZE);
    if (!this.net) {
      this.net = new Network(this.be, this.model.config, { batch: b.batch, rows: b.rows });
      this.net.setParams(this.model.params);
    }
    this.net.forward(b, false);
    const logits = await this.net.readLogits(b);
    // Rows of both come in the batch's sorted order; b.order maps them back to the caller's.
    const attention = opts.explain && this.model.config.attention ? await this.net.readAttention(b) : null;
    await this.net.takeStats();
    const C = this.model.config.numClasses;
    const T = temperatureOf(this.model);
    const out: Prediction[] = new Array(names.length);
    for (let r = 0; r < b.batch; r++) {
      const i = b.order[r]!;
      const probs = softmax(Array.from(logits.subarray(r * C, (r + 1) * C), (z) => z / T));
      const ranked = probs.map((prob, c) => ({ language: this.model.languages[c]!, prob })).sort((a, z) => z.prob - a.prob);
      out[i] = { name: names[i]!, normalized: normalized[i]!, oovShare: oovShare(normalized[i]!), probs, ranked };
      if (attention) out[i]!.attention = Array.from(attention[r]!);
    }
    return out;
  }

  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}
