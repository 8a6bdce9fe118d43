// The training form: which cells exist, reading and checking the settings, URL parameters
// (?cell=gru&hidden=32&epochs=2&limit=4000…) to prefill it, and locking it while training runs.
import { CELLS } from '../src/model/cells.js';
import { CELL_TYPES, type CellType } from '../src/model/config.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../src/train/trainer.js';
import { byId, el } from './dom.js';

export interface Settings {
  options: TrainOptions;
  /** Train on this many names drawn from the training split (null: all of them). */
  limit: number | null;
}

const CELL_LABELS: Record<CellType, string> = { rnn: 'RNN (vanilla)', gru: 'GRU', lstm: 'LSTM' };

const NUMBERS = {
  hidden: { label: 'Hidden size', int: true, min: 1, max: 1024 },
  layers: { label: 'Layers', int: true, min: 1, max: 4 },
  epochs: { label: 'Epochs', int: true, min: 1, max: 100 },
  batch: { label: 'Batch size', int: true, min: 1, max: 1024 },
  lr: { label: 'Learning rate', int: false, min: 1e-6, max: 1 },
  limit: { label: 'Training names', int: true, min: 1, max: 1e7 },
} as const;
type NumberField = keyof typeof NUMBERS;

const BOXES = ['attention', 'bidirectional'] as const;

export class SettingsError extends Error {}

/** Cells this build implements (LSTM appears once src/model/cells.ts has it). */
export function availableCells(): CellType[] {
  return CELL_TYPES.filter((c) => CELLS[c] !== undefined);
}

export function setupControls(): void {
  const select = byId<HTMLSelectElement>('cell');
  for (const c of availableCells()) select.append(el('option', { value: c }, CELL_LABELS[c]));
  select.value = DEFAULT_TRAIN_OPTIONS.cell;
  const q = new URLSearchParams(location.search);
  const cell = q.get('cell') ?? q.get('model');
  if (cell && availableCells().includes(cell as CellType)) select.value = cell;
  for (const f of Object.keys(NUMBERS) as NumberField[]) {
    const v = q.get(f);
    if (v !== null) byId<HTMLInputElement>(f).value = v;
  }
  for (const b of BOXES) {
    const v = q.get(b);
    if (v !== null) byId<HTMLInputElement>(b).checked = v !== '0' && v !== 'false';
  }
}

function readNumber(f: NumberField): number | null {
  const spec = NUMBERS[f];
  const raw = byId<HTMLInputElement>(f).value.trim();
  if (raw === '') {
    if (f === 'limit') return null;
    throw new SettingsError(`${spec.label} is empty`);
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || (spec.int && !Number.isInteger(n))) throw new SettingsError(`${spec.label} must be ${spec.int ? 'a whole number' : 'a number'}, not '${raw}'`);
  if (n < spec.min || n > spec.max) throw new SettingsError(`${spec.label} must be between ${spec.min} and ${spec.max}`);
  return n;
}

/** The form's settings; SettingsError (one line for the page) when a field is not valid. */
export function readSettings(readEvery: number): Settings {
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    cell: byId<HTMLSelectElement>('cell').value as CellType,
    hidden: readNumber('hidden')!,
    layers: readNumber('layers')!,
    epochs: readNumber('epochs')!,
    batchSize: readNumber('batch')!,
    lr: readNumber('lr')!,
    attention: byId<HTMLInputElement>('attention').checked,
    bidirectional: byId<HTMLInputElement>('bidirectional').checked,
    readEvery,
  };
  return { options, limit: readNumber('limit') };
}

/** Locks the settings while a run uses them. */
export function lockControls(locked: boolean): void {
  byId<HTMLFormElement>('controls').querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select').forEach((e) => (e.disabled = locked));
}
