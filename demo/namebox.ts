// "Try a name": as the user types, the model's three most likely languages with probability bars, and for
// attention models each character shaded by its attention weight. One Predictor (one network) per model,
// reused for every keystroke; predictions run one at a time, the latest text winning. The box works at any
// time: with no model (or no device yet) it says what is missing, and a name without a single letter a–z
// gets that said instead of a guess (the model would only see '_'s).
import type { Backend } from '../src/core/backend.js';
import type { Model } from '../src/train/modelfile.js';
import { hasLetter } from '../src/data/vocab.js';
import { EmptyNameError, MOSTLY_OUT_OF_VOCABULARY, Predictor, type Prediction } from '../src/train/predict.js';
import { isGenerative } from '../src/model/config.js';
import { byId, el, pct } from './dom.js';
import { reportError } from './errors.js';

const DEBOUNCE_MS = 120;
const LM_MESSAGE = 'This model generates names (a language model): it does not guess languages. Use “Generate names”, or train (task “Classify names”) or load a classifier to try names.';
const TOP = 3;

export class NameBox {
  private readonly input = byId<HTMLInputElement>('name');
  private readonly list = byId<HTMLOListElement>('predictions');
  private readonly explain = byId('explain');
  private readonly explainBox = byId('explain-box');
  private readonly hint = byId('predict-hint');
  private predictor: Predictor | null = null;
  private model: Model | null = null;
  /** A model waiting to replace the current one (null: none). */
  private next: { model: Model } | null = null;
  private running = false;
  private again = false;
  private timer = 0;

  constructor(private readonly be: () => Backend | null) {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.kick(), DEBOUNCE_MS);
    });
  }

  /** Uses this model from now on (the text in the box is predicted again). */
  setModel(model: Model): void {
    this.next = { model };
    void this.kick();
  }

  /** Predicts the text again (e.g. once a device is ready for a model that came before it). */
  refresh(): void {
    void this.kick();
  }

  private async kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        if (this.next) this.swap(this.next.model);
        await this.predictOnce();
      } while (this.again || (this.next && this.be()));
    } catch (err) {
      reportError('prediction failed', err);
    } finally {
      this.running = false;
    }
  }

  private swap(model: Model): void {
    const be = this.be();
    if (!be) return; // kept in `next` until a device is ready
    this.next = null;
    this.predictor?.dispose();
    this.predictor = null;
    this.model = model;
    // A language model guesses no languages; predictOnce says so.
    if (!isGenerative(model.config)) this.predictor = new Predictor(be, model);
  }

  private async predictOnce(): Promise<void> {
    const text = this.input.value;
    // A language model guesses no languages: say so, whatever the text.
    if (this.model && isGenerative(this.model.config)) return this.show(null, text, LM_MESSAGE, 'language-model');
    if (text.trim() === '') return this.show(null, text, this.predictor ? 'Type a surname.' : 'Train a model or load one, then type a surname.');
    if (!hasLetter(text)) {
      return this.show(null, text, `No letter a–z in “${text.trim()}”: the model reads only letters (accents dropped), so it has nothing to go on.`, 'no-letters');
    }
    if (!this.predictor || !this.model) {
      const why = this.next ? 'The model is loaded; it runs once a device is ready (WebGPU, or the CPU reference above).' : 'No model yet: train one (Train) or load a model file (Load model…) first.';
      return this.show(null, text, why, 'no-model');
    }
    try {
      const [p] = await this.predictor.predict([text], { explain: this.model.config.attention });
      // Typing may have gone on meanwhile; the loop predicts the newer text next.
      if (!this.again) this.show(p!, text);
    } catch (err) {
      if (!(err instanceof EmptyNameError)) throw err;
      this.show(null, text, 'Type a surname.');
    }
  }

  /**
   * The top languages of `p`, or (p null) just `message`. On the list, `data-name` is the name whose
   * languages it shows; `data-state` says what the box shows ('ranked', 'no-letters', 'no-model',
   * 'language-model') and `data-for` for which text (tests wait on these).
   */
  private show(p: Prediction | null, text: string, message?: string, state?: 'no-letters' | 'no-model' | 'language-model'): void {
    this.list.replaceChildren();
    this.explain.replaceChildren();
    delete this.explain.dataset.name;
    this.explainBox.hidden = true;
    delete this.list.dataset.name;
    this.list.dataset.for = text;
    if (!p) {
      if (state) this.list.dataset.state = state;
      else delete this.list.dataset.state;
      this.hint.textContent = message ?? '';
      return;
    }
    this.list.dataset.state = 'ranked';
    for (const r of p.ranked.slice(0, TOP)) {
      const fill = el('span', { class: 'fill', style: `width: ${(100 * r.prob).toFixed(2)}%` });
      this.list.append(
        el('li', { 'data-language': r.language, 'data-prob': String(r.prob) },
          el('span', { class: 'lang' }, r.language),
          el('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
          el('span', { class: 'pct' }, pct(r.prob))),
      );
    }
    this.list.dataset.name = p.name;
    const readAs = p.normalized !== p.name.trim() ? `Read as “${p.normalized}” (accents dropped; other characters outside a–z become _).` : '';
    // As `webgpu-rnn predict`: still answered, with a warning that the answer says little.
    const mostlyOov = p.oovShare > MOSTLY_OUT_OF_VOCABULARY ? ' Most of this name is outside the alphabet: the guess says little about it.' : '';
    if (p.attention) this.showAttention(p.normalized, p.attention);
    this.hint.dataset.oov = mostlyOov ? 'mostly' : '';
    this.hint.textContent = readAs + mostlyOov;
  }

  private showAttention(text: string, alpha: number[]): void {
    const max = Math.max(...alpha);
    const chars = [...text];
    this.explain.append(
      ...chars.map((ch, i) => {
        const a = alpha[i] ?? 0;
        return el('span', { class: 'ch', 'data-alpha': a.toFixed(4), title: `${ch}: ${pct(a)}`, style: `--a: ${(a / max).toFixed(3)}` }, ch === ' ' ? '\u00a0' : ch);
      }),
    );
    this.explain.dataset.name = text;
    this.explainBox.hidden = false;
  }
}
