// The training form, built from the option table (src/options.ts: the entries used on 'page', with the
// CLI's bounds, labels and help): reading and checking the settings with the CLI's own value parser, URL
// parameters (?model=gru&hidden=32&epochs=2&limit=4000…) to prefill it, showing a loaded model's shape, and
// locking it while training runs.
import { convert, UsageError } from '../src/cli/args.js';
import type { ModelConfig } from '../src/model/config.js';
import { defaultsOf, specsFor, trainOptionsFrom, type OptSpec, type Specs, type SpecsOf, type Values } from '../src/options.js';
import { DEFAULT_TRAIN_OPTIONS, LM_DEFAULTS, type TrainOptions } from '../src/train/trainer.js';
import type { Task } from '../src/model/config.js';
import { byId, el } from './dom.js';

export interface Settings {
  /** Includes `task`: 'classify' or 'generate'. */
  options: TrainOptions & { task: Task };
  /** Train on this many names drawn from the training split (undefined: all of them). */
  limit: number | undefined;
  /** 'auto': time a few steps on WebGPU and on the CPU path and train on the faster (demo/main.ts). */
  device: 'auto' | 'gpu' | 'cpu';
}

const FIELDS = specsFor('page');
const SPECS: Specs = FIELDS;
type PageValues = Values<SpecsOf<'page'>>;
const CHOICE_LABELS: Record<string, string> = { rnn: 'RNN (vanilla)', gru: 'GRU', lstm: 'LSTM', classify: 'Classify names', generate: 'Generate names',
  auto: 'auto: the faster, measured', gpu: 'WebGPU', cpu: 'CPU path' };
/**
 * A language model's own defaults for the fields the page has (the CLI's LM_DEFAULTS: batch 32, lr 0.005,
 * dropout 0.2; the cosine schedule has no field and is applied in readSettings). Switching the task swaps
 * a field that still holds the other task's default; a value the user typed stays.
 */
const TASK_DEFAULTS: Record<Task, Record<string, number>> = {
  classify: { batch: DEFAULT_TRAIN_OPTIONS.batchSize, lr: DEFAULT_TRAIN_OPTIONS.lr, dropout: DEFAULT_TRAIN_OPTIONS.dropout },
  generate: { batch: LM_DEFAULTS.batchSize, lr: LM_DEFAULTS.lr, dropout: LM_DEFAULTS.dropout },
};
/** Classifier-only fields: off and disabled while the task is 'generate' (a generator reads left to right). */
const CLASSIFIER_ONLY = ['attention', 'bidirectional'];
/** Older links spell the cell ?cell=. */
const URL_ALIASES: Record<string, string> = { cell: 'model' };

export class SettingsError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
  }
}

const entries = (): [string, OptSpec][] => Object.entries(SPECS);
const labelOf = (flag: string, s: OptSpec): string => s.label ?? flag;
const input = (flag: string): HTMLInputElement | HTMLSelectElement => byId<HTMLInputElement | HTMLSelectElement>(flag);

/** Builds the fields, with defaults and then any URL parameters. */
export function setupControls(): void {
  const form = byId<HTMLFormElement>('controls');
  const checks = byId('checks');
  for (const [flag, s] of entries()) {
    const attrs: Record<string, string | number> = { id: flag, name: flag, title: s.help };
    if (s.type === 'boolean') {
      checks.append(el('label', { class: 'check' }, el('input', { ...attrs, type: 'checkbox' }), ` ${labelOf(flag, s)}`));
      continue;
    }
    let field: HTMLElement;
    if (s.type === 'choice') {
      field = el('select', attrs, ...s.choices.map((c) => el('option', { value: c }, CHOICE_LABELS[c] ?? c)));
    } else if (s.type === 'int' || s.type === 'number') {
      const bounds: Record<string, number> = {};
      if (s.min !== undefined) bounds.min = s.min;
      if (s.max !== undefined) bounds.max = s.max;
      field = el('input', { ...attrs, ...bounds, type: 'number', step: s.type === 'int' ? 1 : 'any', inputmode: s.type === 'int' ? 'numeric' : 'decimal' });
      if (s.default === undefined) field.setAttribute('placeholder', 'all');
    } else {
      field = el('input', { ...attrs, type: 'text' });
    }
    form.insertBefore(el('label', {}, labelOf(flag, s), field), checks);
  }
  const shown: Record<string, unknown> = { ...defaultsOf(FIELDS) };
  for (const [flag, s] of entries()) if ('pageDefault' in s && s.pageDefault !== undefined) shown[flag] = s.pageDefault;
  const q = new URLSearchParams(location.search);
  const given = new Set<string>();
  for (const [name, v] of q) {
    const flag = URL_ALIASES[name] ?? name;
    const s: OptSpec | undefined = SPECS[flag];
    if (!s) continue;
    shown[flag] = s.type === 'boolean' ? v !== '0' && v !== 'false' : v;
    given.add(flag);
  }
  // ?task=generate: the language model's defaults for what the URL does not set.
  const task = taskOf(String(shown.task));
  for (const [flag, v] of Object.entries(TASK_DEFAULTS[task])) if (!given.has(flag)) shown[flag] = v;
  for (const [flag, v] of Object.entries(shown)) show(flag, v);
  shownTask = task;
  applyTask(task);
  input('task').addEventListener('change', () => switchTask(taskOf(input('task').value)));
  form.addEventListener('input', () => recheck());
  form.addEventListener('change', () => recheck());
}

const taskOf = (v: string): Task => (v === 'generate' ? 'generate' : 'classify');
/** The task the form's fields are set up for. */
let shownTask: Task = 'classify';

/** Another task: its defaults where the fields hold the old task's, classifier-only fields off or on. */
function switchTask(next: Task): void {
  show('task', next);
  swapTaskDefaults(shownTask, next);
  shownTask = next;
  applyTask(next);
}

/** Fields still at the old task's default get the new task's. */
function swapTaskDefaults(from: Task, to: Task): void {
  for (const [flag, v] of Object.entries(TASK_DEFAULTS[to])) {
    if (Number(input(flag).value) === TASK_DEFAULTS[from][flag]) show(flag, v);
  }
}

/** Classifier-only checkboxes are unchecked and disabled for a language model. */
function applyTask(task: Task): void {
  for (const flag of CLASSIFIER_ONLY) {
    const e = input(flag);
    if (task === 'generate') show(flag, false);
    e.disabled = task === 'generate' || byId<HTMLFormElement>('controls').dataset.locked === 'true';
    e.closest('label')?.classList.toggle('off', task === 'generate');
    e.title = task === 'generate' ? 'Only for classifiers: a generation model reads names left to right' : (SPECS[flag]?.help ?? '');
  }
}

function show(flag: string, v: unknown): void {
  const e = input(flag);
  if (e instanceof HTMLInputElement && e.type === 'checkbox') e.checked = v === true;
  else e.value = v === undefined ? '' : String(v);
}

/** A loaded model's shape in the form (cell, hidden, layers, attention, bidirectional), so Train retrains it. */
export function showModelConfig(c: ModelConfig): void {
  switchTask(taskOf(c.task ?? 'classify'));
  show('model', c.cell);
  show('hidden', c.hidden);
  show('layers', c.layers);
  show('attention', c.attention);
  show('bidirectional', c.bidirectional);
  recheck();
}

function readField(flag: string, s: OptSpec): unknown {
  const e = input(flag);
  if (s.type === 'boolean') return e instanceof HTMLInputElement && e.checked;
  const label = labelOf(flag, s);
  // A number box holding text that is no number reports an empty value; say what is wrong instead.
  if (e instanceof HTMLInputElement && e.validity.badInput) throw new SettingsError(`${label} must be ${s.type === 'int' ? 'a whole number' : 'a number'}`, flag);
  const raw = e.value.trim();
  if (raw === '') {
    if (s.default === undefined) return undefined;
    throw new SettingsError(`${label} is empty`, flag);
  }
  try {
    return convert(label, raw, s);
  } catch (err) {
    if (err instanceof UsageError) throw new SettingsError(err.message, flag);
    throw err;
  }
}

function readValues(): PageValues {
  const out: Record<string, unknown> = {};
  for (const [flag, s] of entries()) out[flag] = readField(flag, s);
  // readField returns each field's declared type (or throws): this is PageValues.
  return out as PageValues;
}

/** The form's settings; SettingsError (one line for the page, naming the field) when a field is not valid. */
export function readSettings(readEvery: number): Settings {
  const v = readValues();
  const options = trainOptionsFrom({ ...defaultsOf(specsFor('train')), ...v }, { cell: v.model, layers: v.layers, bidirectional: v.bidirectional, attention: v.attention });
  // The page has no schedule field: a language model trains with its own (cosine), as the CLI's default.
  if (v.task === 'generate') options.lrSchedule = LM_DEFAULTS.lrSchedule;
  markInvalid(null);
  return { options: { ...options, task: v.task, readEvery }, limit: v.limit, device: v.device };
}

/** Shows a settings problem under the form and marks its field (null: none). */
export function showFormError(err: SettingsError | null): void {
  const box = byId('form-error');
  box.textContent = err?.message ?? '';
  box.hidden = !err;
  markInvalid(err?.field ?? null);
}

function markInvalid(field: string | null): void {
  for (const [flag] of entries()) {
    const e = input(flag);
    if (flag === field) {
      e.setAttribute('aria-invalid', 'true');
      e.setAttribute('aria-describedby', 'form-error');
    } else {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    }
  }
}

/** While an error is shown, every edit checks the form again: a fixed field clears its stale message. */
function recheck(): void {
  if (byId('form-error').hidden) return;
  try {
    readValues();
    showFormError(null);
  } catch (err) {
    if (err instanceof SettingsError) showFormError(err);
    else throw err;
  }
}

/** Locks the settings while a run uses them. */
export function lockControls(locked: boolean): void {
  const form = byId<HTMLFormElement>('controls');
  form.dataset.locked = String(locked);
  form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select').forEach((e) => (e.disabled = locked));
  applyTask(taskOf(input('task').value));
}
