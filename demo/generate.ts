// "Generate names": samples names from a language model (task 'generate') with the platform-neutral
// Generator (src/generate/), on the page's device: the same model file, seed and settings give the same names
// as `webgpu-rnn generate`. The settings are the generate command's options (src/options.ts), read with the
// CLI's own value parser, so bounds and messages match. Names already in the model's training split are
// marked, as the CLI marks them. Works at any time: without a language model (none yet, or a classifier) or
// a device, pressing Generate says what is missing.
import type { Backend } from '../src/core/backend.js';
import { convert, UsageError } from '../src/cli/args.js';
import { DEFAULT_MAX_LENGTH, encodeStart, Generator, GenerateInputError, type GeneratedName } from '../src/generate/generator.js';
import type { KnownNames } from '../src/generate/novelty.js';
import { isGenerative } from '../src/model/config.js';
import { OPTIONS, type OptSpec } from '../src/options.js';
import type { Model } from '../src/train/modelfile.js';
import { byId, el, int, pct } from './dom.js';
import { reportError } from './errors.js';

/** The generate command's options on the panel: field id, its entry in the option table, label. */
const FIELDS = [
  { id: 'gen-count', spec: OPTIONS.count, label: 'How many' },
  { id: 'gen-temperature', spec: OPTIONS.temperature, label: 'Temperature' },
  { id: 'gen-top-k', spec: OPTIONS['top-k'], label: 'Top-k (0: all)' },
  { id: 'gen-seed', spec: OPTIONS['gen-seed'], label: 'Seed' },
  { id: 'gen-start', spec: OPTIONS.start, label: 'Starts with' },
] as const satisfies readonly { id: string; spec: OptSpec; label: string }[];

/** What the panel shows about the model (on the results as data-state, for tests and the CSS). */
type State = 'no-model' | 'classifier' | 'no-device' | 'ready' | 'busy' | 'done' | 'error';

export interface GenerateSettings {
  /** A language name, or 'all' (count names for each language). */
  language: string;
  count: number;
  temperature: number;
  topK: number;
  seed: number;
  start: string;
}

class FieldError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
  }
}

export class GeneratePanel {
  private readonly form = byId<HTMLFormElement>('gen-form');
  private readonly language = byId<HTMLSelectElement>('gen-language');
  private readonly button = byId<HTMLButtonElement>('generate');
  private readonly status = byId('gen-status');
  private readonly error = byId('gen-error');
  private readonly results = byId('gen-results');
  private readonly list = byId<HTMLOListElement>('gen-names');
  private model: Model | null = null;
  private generator: Generator | null = null;
  private busy = false;

  /**
   * `be`: the page's backend (null until a device is ready); `known`: the model's training names, to mark
   * names that are not new (null when the page has no names data matching the model).
   */
  constructor(private readonly be: () => Backend | null, private readonly known: (m: Model) => KnownNames | null) {
    const buttons = byId('gen-buttons');
    for (const f of FIELDS) {
      const s: OptSpec = f.spec;
      const attrs: Record<string, string | number> = { id: f.id, name: f.id, title: s.help };
      let input: HTMLInputElement;
      if (s.type === 'int' || s.type === 'number') {
        if (s.min !== undefined) attrs.min = s.min;
        if (s.max !== undefined) attrs.max = s.max;
        input = el('input', { ...attrs, type: 'number', step: s.type === 'int' ? 1 : 'any', inputmode: s.type === 'int' ? 'numeric' : 'decimal' });
      } else {
        input = el('input', { ...attrs, type: 'text', spellcheck: 'false', placeholder: 'e.g. Ka' });
      }
      input.value = s.default === undefined ? '' : String(s.default);
      this.form.insertBefore(el('label', {}, f.label, input), buttons);
    }
    // Defaults from the URL (?gen-temperature=0.5&gen-count=20…), as the training form takes its own.
    const q = new URLSearchParams(location.search);
    for (const f of FIELDS) {
      const v = q.get(f.id);
      if (v !== null) byId<HTMLInputElement>(f.id).value = v;
    }
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.generate();
    });
    // A field fixed after an error clears the message at once.
    this.form.addEventListener('input', () => {
      if (!this.error.hidden) this.check();
    });
    this.showLanguages([]);
    this.setState('no-model', 'No model yet: train one with the task “Generate names”, or load a model file written by webgpu-rnn train --task generate.');
  }

  /** The page's current model (either kind); a classifier gets a message here instead of names. */
  setModel(m: Model): void {
    this.model = m;
    this.generator?.dispose();
    this.generator = null;
    if (!isGenerative(m.config)) {
      this.showLanguages([]);
      return this.setState('classifier', 'This model is a classifier (name → language): it cannot generate names. Train one with the task “Generate names”, or load a model file written by webgpu-rnn train --task generate.');
    }
    this.showLanguages(m.languages);
    const t = m.training;
    const nll = t?.testNll !== undefined ? ` (test NLL ${t.testNll.toFixed(3)} nats per symbol)` : '';
    if (this.be()) this.setState('ready', `Language model over ${m.languages.length} languages${nll}: pick a language and press Generate.`);
    else this.setState('no-device', 'The model is loaded; it generates once a device is ready (WebGPU, or the CPU reference above).');
  }

  /** A device became ready: a model that came before it can generate now. */
  deviceReady(): void {
    if (this.model && isGenerative(this.model.config) && this.results.dataset.state === 'no-device') this.setModel(this.model);
  }

  /** The settings in the form; FieldError (one line naming the field, the CLI's bounds) when one is wrong. */
  read(): GenerateSettings {
    const get = (f: { id: string; spec: OptSpec; label: string }): number | string | undefined => {
      const e = byId<HTMLInputElement>(f.id);
      if (e.validity.badInput) throw new FieldError(`${f.label} must be a number`, f.id);
      const raw = e.value.trim();
      if (raw === '') {
        if (f.spec.default !== undefined) throw new FieldError(`${f.label} is empty`, f.id);
        return undefined;
      }
      try {
        return convert(f.label, raw, f.spec);
      } catch (err) {
        if (err instanceof UsageError) throw new FieldError(err.message, f.id);
        throw err;
      }
    };
    const [count, temperature, topK, seed, start = ''] = FIELDS.map(get);
    const startLabel = FIELDS[4].label;
    try {
      encodeStart(String(start));
    } catch (err) {
      if (!(err instanceof GenerateInputError)) throw err;
      throw new FieldError(err.message.replace('--start', startLabel), 'gen-start');
    }
    if (String(start).length > DEFAULT_MAX_LENGTH) throw new FieldError(`${startLabel} is longer than the longest name generated (${DEFAULT_MAX_LENGTH} letters)`, 'gen-start');
    // Each field was converted by its own spec: numbers for count, temperature, top-k and seed.
    return { language: this.language.value, count: count as number, temperature: temperature as number, topK: topK as number, seed: seed as number, start: String(start) };
  }

  private check(): GenerateSettings | null {
    try {
      const s = this.read();
      this.showError(null);
      return s;
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      this.showError(err);
      return null;
    }
  }

  private async generate(): Promise<void> {
    if (this.busy) return;
    const s = this.check();
    if (!s) return byId(this.error.dataset.field!).focus();
    const m = this.model;
    if (!m) return this.setState('no-model', 'No model yet: train one with the task “Generate names”, or load a model file written by webgpu-rnn train --task generate.');
    if (!isGenerative(m.config)) return this.setState('classifier', 'This model is a classifier (name → language): it cannot generate names. Train one with the task “Generate names”, or load a model file written by webgpu-rnn train --task generate.');
    const be = this.be();
    if (!be) return this.setState('no-device', 'No device yet: names are generated once WebGPU (or the CPU reference above) is ready.');
    this.busy = true;
    this.button.disabled = true;
    this.results.setAttribute('aria-busy', 'true');
    this.setState('busy', 'Generating…');
    try {
      this.generator ??= new Generator(be, m);
      const langs = s.language === 'all' ? m.languages.map((_, i) => i) : [s.language];
      // As `webgpu-rnn generate`: count names per language, in one request (row r draws from the same
      // random stream position as the CLI's row r).
      const perRow = langs.flatMap((l) => new Array<string | number>(s.count).fill(l));
      const names = await this.generator.generate({ language: perRow, temperature: s.temperature, topK: s.topK, start: s.start, seed: s.seed });
      if (this.model !== m) return; // a new model came meanwhile; its own state is shown
      this.show(names, s, this.known(m));
    } catch (err) {
      if (!(err instanceof GenerateInputError)) {
        this.setState('error', 'Generating failed: see the error at the top of the page.');
        reportError('generating names failed', err);
      } else {
        this.setState('error', err.message);
      }
    } finally {
      this.busy = false;
      this.button.disabled = false;
      this.results.removeAttribute('aria-busy');
    }
  }

  private show(names: GeneratedName[], s: GenerateSettings, known: KnownNames | null): void {
    const all = s.language === 'all';
    this.list.replaceChildren(...names.map((n) => {
      const isKnown = known?.has(n.name) ?? false;
      const tags: string[] = [];
      if (isKnown) tags.push('in the training data');
      if (!n.complete) tags.push(`cut at ${DEFAULT_MAX_LENGTH} letters`);
      return el('li', { 'data-name': n.name, 'data-language': n.languageName, 'data-known': known ? String(isKnown) : 'unknown', 'data-logprob': n.logProb.toFixed(4) },
        el('span', { class: 'gen-name' }, n.name),
        ...(all ? [el('span', { class: 'gen-lang' }, n.languageName)] : []),
        ...tags.map((t) => el('span', { class: `tag${t.startsWith('in') ? ' known' : ''}` }, t)));
    }));
    this.list.dataset.count = String(names.length);
    const settings = `temperature ${s.temperature}${s.topK ? `, top-k ${s.topK}` : ''}${s.start ? `, starting “${s.start}”` : ''}, seed ${s.seed}`;
    const what = `${int(names.length)} name${names.length === 1 ? '' : 's'} ${all ? `(${s.count} per language)` : `in ${names[0]?.languageName ?? s.language}`} · ${settings}.`;
    let novelty = ' The names data is not loaded here, so names of the training data are not marked.';
    if (known) {
      const fresh = names.filter((n) => !known.has(n.name)).length;
      novelty = fresh === names.length ? ' All new: none is a name of the training data.'
        : ` ${int(fresh)} new (${pct(fresh / names.length, 0)}); the rest are names of the training data.`;
    }
    this.setState('done', what + novelty);
  }

  private showLanguages(languages: readonly string[]): void {
    const prev = this.language.value;
    this.language.replaceChildren(...languages.map((l) => el('option', { value: l }, l)));
    if (languages.length) this.language.append(el('option', { value: 'all' }, 'All languages'));
    else this.language.append(el('option', { value: '' }, '(needs a language model)'));
    if (languages.includes(prev) || (prev === 'all' && languages.length)) this.language.value = prev;
    else {
      const q = new URLSearchParams(location.search).get('gen-language');
      const wanted = q && languages.find((l) => l.toLowerCase() === q.toLowerCase());
      if (wanted || q === 'all') this.language.value = wanted || 'all';
    }
    this.language.disabled = languages.length === 0;
  }

  private setState(state: State, message: string): void {
    this.results.dataset.state = state;
    this.status.textContent = message;
    if (state !== 'done' && state !== 'busy') {
      this.list.replaceChildren();
      delete this.list.dataset.count;
    }
  }

  private showError(err: FieldError | null): void {
    this.error.textContent = err?.message ?? '';
    this.error.hidden = !err;
    if (err) this.error.dataset.field = err.field;
    else delete this.error.dataset.field;
    for (const f of FIELDS) {
      const e = byId(f.id);
      if (err?.field === f.id) {
        e.setAttribute('aria-invalid', 'true');
        e.setAttribute('aria-describedby', 'gen-error');
      } else {
        e.removeAttribute('aria-invalid');
        e.removeAttribute('aria-describedby');
      }
    }
  }
}
