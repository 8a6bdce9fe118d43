// "Try a name": as the user types, the model's three most likely languages with probability bars, and for
// attention models each character shaded by its attention weight. One Predictor (one network) per model,
// reused for every keystroke; predictions run one at a time, the latest text winning.
import type { Backend } from '../src/core/backend.js';
import type { Model } from '../src/train/modelfile.js';
import { EmptyNameError, Predictor, type Prediction } from '../src/train/predict.js';
import { byId, el, pct, setMessage } from './dom.js';
import { reportError } from './errors.js';

const DEBOUNCE_MS = 120;
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
    this.input.disabled = false;
    if (!this.input.value) setMessage(this.hint, 'Type a surname.');
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
      } while (this.again || this.next);
    } catch (err) {
      reportError('prediction failed', err);
    } finally {
      this.running = false;
    }
  }

  private swap(model: Model): void {
    this.next = null;
    const be = this.be();
    if (!be) return;
    this.predictor?.dispose();
    this.predictor = new Predictor(be, model);
    this.model = model;
  }

  private async predictOnce(): Promise<void> {
    const text = this.input.value;
    if (!this.predictor || !this.model) return;
    if (text.trim() === '') return this.show(null, text);
    try {
      const [p] = await this.predictor.predict([text], { explain: this.model.config.attention });
      // Typing may have gone on meanwhile; the loop predicts the newer text next.
      if (!this.again) this.show(p!, text);
    } catch (err) {
      if (!(err instanceof EmptyNameError)) throw err;
      this.show(null, text);
    }
  }

  private show(p: Prediction | null, text: string): void {
    this.list.replaceChildren();
    this.explain.replaceChildren();
    delete this.explain.dataset.name;
    this.explainBox.hidden = true;
    if (!p) {
      delete this.list.dataset.name;
      setMessage(this.hint, text.trim() ? 'Type letters: nothing of this name is in the alphabet.' : 'Type a surname.');
      return;
    }
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
    if (p.attention) this.showAttention(p.normalized, p.attention);
    setMessage(this.hint, readAs || null);
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
