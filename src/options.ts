// Every option of the command line (train, compare, eval, predict), of `node bench` and of the demo page's
// form, declared once: type, default, bounds, help, and where it is used (`in`). The CLI parser
// (src/cli/args.ts), each command's --help, the page's form (demo/controls.ts builds its fields from the
// entries used on 'page', with the same bounds) and the README's option table (test/options.test.ts checks
// it) all read this table. How to add an option: see "Adding an option" in ARCHITECTURE.md.
import { DEFAULT_SPLIT_SEED } from './data/split.js';
import { CELL_TYPES, TASKS, type CellType } from './model/config.js';
import { DEFAULT_MAX_LENGTH } from './generate/generator.js';
import { DEFAULT_VAL_FRACTION } from './train/traindata.js';
import { DEFAULT_TRAIN_OPTIONS as D, type TrainOptions } from './train/trainer.js';

/** Where an option is used: a CLI command, `node bench`, or the demo page's form. */
export type Use = 'train' | 'compare' | 'eval' | 'predict' | 'generate' | 'export' | 'import' | 'tune' | 'bench' | 'page';

interface Common {
  /** One line for --help and the README; for a boolean that defaults to true, what its --no-X does. */
  help: string;
  /** Where it is used. */
  in: readonly Use[];
  /** The --flag (and the page's field id) when it differs from the table key (two entries share a flag). */
  flag?: string;
  /** Placeholder in --help, e.g. FILE. */
  arg?: string;
  /** What the default is, in words, when it is not a fixed value (e.g. 'all'). */
  shownDefault?: string;
  /** The page's field label (needed when `in` has 'page'). */
  label?: string;
}
interface Bounds {
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** The value must be strictly greater than this (e.g. a learning rate > 0). */
  above?: number;
  pageDefault?: number;
}
export interface IntSpec extends Common, Bounds { type: 'int'; default?: number }
export interface NumberSpec extends Common, Bounds { type: 'number'; default?: number }
export interface StringSpec extends Common { type: 'string'; default?: string }
export interface BooleanSpec extends Common { type: 'boolean'; default?: boolean }
export interface ChoiceSpec extends Common { type: 'choice'; choices: readonly string[]; default?: string }
export type OptSpec = IntSpec | NumberSpec | StringSpec | BooleanSpec | ChoiceSpec;
export type Specs = Readonly<Record<string, OptSpec>>;

/** The parsed value of an option: number, boolean, one of its choices, or a string. */
export type ValueOf<S extends OptSpec> = S extends { type: 'int' | 'number' } ? number
  : S extends { type: 'boolean' } ? boolean
  : S extends { choices: readonly (infer C extends string)[] } ? C
  : string;
/** Parsed values keyed by flag; an option without a default may be undefined. */
export type Values<S extends Specs> = { -readonly [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined };

const CLI = ['train', 'compare', 'eval', 'predict', 'generate'] as const;
const TRAINING = ['train', 'compare', 'tune'] as const;

export const OPTIONS = {
  task: { type: 'choice', choices: TASKS, default: 'classify', help: 'classify: name → language; generate: a character language model per language (webgpu-rnn generate); its defaults are --batch 32 --lr 0.005 --lr-schedule cosine --dropout 0.2', in: ['train', 'tune', 'page'], label: 'Task' },
  // ---- train: the model (compare takes these from --models instead)
  model: { type: 'choice', choices: CELL_TYPES, default: D.cell, help: 'recurrent cell', in: ['train', 'tune', 'page'], label: 'Model' },
  models: { type: 'string', arg: 'LIST', default: 'rnn,gru,gru+att,lstm,bi-gru+att', help: 'comma-separated [bi-]<cell>[x<layers>][+att]', in: ['compare'] },
  hidden: { type: 'int', min: 1, max: 65536, default: D.hidden, help: 'hidden size', in: [...TRAINING, 'page'], label: 'Hidden size' },
  layers: { type: 'int', min: 1, max: 16, default: D.layers, help: 'stacked recurrent layers', in: ['train', 'tune', 'page'], label: 'Layers' },
  bidirectional: { type: 'boolean', default: D.bidirectional, help: 'also read each name backwards (states concatenated)', in: ['train', 'tune', 'page'], label: 'Bidirectional' },
  attention: { type: 'boolean', default: D.attention, help: 'attention over the hidden states feeds the classifier', in: ['train', 'tune', 'page'], label: 'Attention' },
  // ---- training
  epochs: { type: 'int', min: 1, default: D.epochs, pageDefault: 5, help: 'passes over the training names', in: [...TRAINING, 'page'], label: 'Epochs' },
  batch: { type: 'int', min: 1, max: 1 << 20, default: D.batchSize, help: 'names per training step', in: [...TRAINING, 'page'], label: 'Batch size' },
  lr: { type: 'number', above: 0, default: D.lr, help: 'learning rate', in: [...TRAINING, 'page'], label: 'Learning rate' },
  'lr-schedule': { type: 'choice', choices: ['constant', 'cosine'], default: D.lrSchedule, help: 'constant, or cosine decay to 0 over the run', in: TRAINING },
  optimizer: { type: 'choice', choices: ['adam', 'sgd'], default: D.optimizer, help: 'optimizer', in: TRAINING },
  momentum: { type: 'number', min: 0, max: 1, default: D.momentum, help: 'SGD momentum', in: TRAINING },
  clip: { type: 'number', min: 0, default: D.clip, help: 'clip the global gradient norm to this (0: off)', in: TRAINING },
  seed: { type: 'int', min: 0, default: D.seed, help: 'seed for weights, shuffling and noise', in: TRAINING },
  noise: { type: 'int', min: 0, max: 100, default: D.noise, help: "append 0..N random characters from .,;' to each training name", in: TRAINING },
  'noise-test': { type: 'boolean', default: D.noiseTest, help: 'apply the same noise to the test names', in: TRAINING },
  balance: { type: 'number', min: 0, max: 1, default: D.balance, help: 'class-balanced loss: weight each language by (n/(languages*count))^X; 0 = plain mean, 1 = fully balanced', in: TRAINING },
  dropout: { type: 'number', min: 0, max: 0.95, default: D.dropout, help: 'dropout rate on the head input and between stacked layers while training (0: off)', in: [...TRAINING, 'page'], label: 'Dropout' },
  // ---- data and split
  data: { type: 'string', arg: 'PATH', shownDefault: '$WEBGPU_RNN_DATA, else download once to the cache', help: 'names zip or folder', in: [...TRAINING, 'eval', 'bench'] },
  'test-fraction': { type: 'number', min: 0.01, max: 0.99, default: 0.2, help: 'fraction of each language held out for testing', in: TRAINING },
  'split-seed': { type: 'int', min: 0, default: DEFAULT_SPLIT_SEED, help: 'seed of the train/test split', in: TRAINING },
  dedup: { type: 'boolean', default: false, help: 'no name string appears in both train and test', in: TRAINING },
  'val-fraction': { type: 'number', min: 0, max: 0.9, default: DEFAULT_VAL_FRACTION, help: "fraction of each language's training names held out for validation (early stopping, the temperature); 0: none", in: TRAINING },
  'early-stop': { type: 'int', min: 0, default: D.earlyStop, help: "stop when the validation loss has not improved for N epochs; keep the best epoch's weights (0: off)", in: TRAINING },
  limit: { type: 'int', min: 1, shownDefault: 'all', help: 'train on this many randomly chosen training names (quick runs)', in: [...TRAINING, 'page'], label: 'Training names' },
  // ---- eval: the split stored in the model file, unless overridden
  'model-file': { flag: 'model', type: 'string', arg: 'FILE', default: 'model.json', help: 'model file written by train', in: ['eval', 'predict', 'export'] },
  split: { type: 'choice', choices: ['test', 'val', 'train', 'all'], default: 'test', help: 'which names to evaluate (val: those the temperature was fitted on)', in: ['eval'] },
  'eval-split-seed': { flag: 'split-seed', type: 'int', min: 0, help: 'override the split seed stored in the model', in: ['eval'] },
  'eval-test-fraction': { flag: 'test-fraction', type: 'number', min: 0.01, max: 0.99, help: 'override the test fraction stored in the model', in: ['eval'] },
  'eval-dedup': { flag: 'dedup', type: 'boolean', help: 'override the dedup setting stored in the model', in: ['eval'] },
  'eval-noise': { flag: 'noise', type: 'int', min: 0, max: 100, default: 0, help: "append 0..N random characters from .,;' to each name", in: ['eval'] },
  'eval-batch': { flag: 'batch', type: 'int', min: 1, max: 1 << 20, default: D.evalBatchSize, help: 'names per evaluation batch', in: ['eval'] },
  reliability: { type: 'string', arg: 'FILE', help: 'write a reliability diagram (SVG) before and after the temperature', in: ['eval'] },
  // ---- predict
  top: { type: 'int', min: 1, default: 3, help: 'languages to show per name', in: ['predict'] },
  explain: { type: 'boolean', default: false, help: 'attention models: print each character with its attention weight', in: ['predict'] },
  json: { type: 'boolean', default: false, help: 'print JSON instead of text', in: ['eval', 'predict', 'generate'] },
  // ---- export / import (src/cli/export.ts, src/cli/import.ts)
  format: { type: 'choice', choices: ['safetensors', 'onnx'], shownDefault: 'from the --out extension', help: 'safetensors: PyTorch state_dict; onnx: ONNX graph', in: ['export'] },
  'export-out': { flag: 'out', type: 'string', arg: 'FILE', help: 'file to write, .safetensors or .onnx (required)', in: ['export'] },
  'import-out': { flag: 'out', type: 'string', arg: 'FILE', default: 'model.json', help: 'model file to write', in: ['import'] },
  languages: { type: 'string', arg: 'A,B,...', shownDefault: "the file's own, else the tutorial's 18 alphabetically", help: "class names in the head's row order", in: ['import'] },
  force: { type: 'boolean', default: false, help: 'replace an existing output file even if it is not one webgpu-rnn wrote (export/import: even if it exists)', in: ['train', 'compare', 'eval', 'export', 'import', 'bench'] },
  // ---- eval of a language model
  judge: { type: 'string', arg: 'FILE', help: 'language models: a classifier model file that judges generated names (share assigned to the requested language, share new)', in: ['eval'] },
  'judge-count': { type: 'int', min: 1, max: 10000, default: 100, help: 'with --judge: names per language and temperature', in: ['eval'] },
  'judge-seed': { flag: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 1, help: 'with --judge: seed of the generated names', in: ['eval'] },
  // ---- generate
  'lm-file': { flag: 'model', type: 'string', arg: 'FILE', default: 'lm.json', help: 'language model written by train --task generate', in: ['generate'] },
  language: { type: 'string', arg: 'NAME', help: "the names' language (any case), or all: --count names for each language", in: ['generate'] },
  count: { type: 'int', min: 1, max: 100000, default: 10, help: 'names to generate (per language with --language all)', in: ['generate'] },
  temperature: { type: 'number', above: 0, default: 0.8, help: 'softmax temperature: lower is safer, higher is wilder', in: ['generate'] },
  'top-k': { type: 'int', min: 0, max: 59, default: 0, help: 'draw only from the K most likely next symbols (0: all)', in: ['generate'] },
  start: { type: 'string', arg: 'TEXT', help: 'every name starts with this text, e.g. Ka', in: ['generate'] },
  'max-length': { type: 'int', min: 1, max: 256, default: DEFAULT_MAX_LENGTH, help: 'longest name in characters (longer ones are cut)', in: ['generate'] },
  'gen-seed': { flag: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 1, help: 'seed of the random stream: the same seed gives the same names on GPU and CPU', in: ['generate'] },
  'gen-data': { flag: 'data', type: 'string', arg: 'PATH', shownDefault: '$WEBGPU_RNN_DATA, else the cached download', help: 'names zip or folder, to mark names already in the training data', in: ['generate'] },
  // ---- output and device
  out: { type: 'string', arg: 'FILE', default: 'model.json', help: 'model file to write (after every epoch, atomically)', in: ['train'] },
  'out-dir': { type: 'string', arg: 'DIR', default: 'compare', help: 'folder for loss.svg, confusion-*.svg, results.md/json', in: ['compare'] },
  'save-models': { type: 'boolean', default: false, help: 'also write each trained model file into the folder', in: ['compare'] },
  device: { type: 'choice', choices: ['auto', 'gpu', 'cpu'], default: 'auto', help: 'auto: train times a few steps of the model on WebGPU and on the CPU path and uses the faster (other commands: WebGPU when there is an adapter); gpu: WebGPU kernels; cpu: the CPU path (plain TypeScript)', in: [...CLI, 'page'], label: 'Device' },
  tuning: { type: 'choice', choices: ['auto', 'fixed'], shownDefault: '$WEBGPU_RNN_TUNING, else auto', help: "auto: the kernels' tunables measured on this adapter for this model (webgpu-rnn tune; kept in the cache folder, a first train spends up to 20 s measuring); fixed: the built-in table", in: CLI },
  budget: { type: 'int', min: 1, max: 3600, default: 120, help: 'seconds to spend measuring (the kernels under way are finished)', in: ['tune'] },
  recurrence: { type: 'choice', choices: ['auto', 'step', 'sequence'], default: D.recurrence, help: 'recurrence dispatches: step (one per position), sequence (one per layer and direction), auto (step on software adapters, sequence on GPUs)', in: TRAINING },
  // ---- node bench (bench/options.ts)
  kernels: { type: 'string', arg: 'a,b', shownDefault: 'all', help: 'only these kernels in the kernel table (names as in src/kernels.ts, e.g. gemm,gru_step_fwd)', in: ['bench'] },
  shapes: { type: 'string', arg: 's,t', default: 'B64H128,B64H256,B256H128,B256H256', help: 'batch/hidden shapes (without --full or --shapes: the first only)', in: ['bench'] },
  cells: { type: 'string', arg: 'a,b', default: 'rnn,gru,lstm', help: 'cells for the training-step section (attention variants are added when the network supports it)', in: ['bench'] },
  reps: { type: 'int', min: 1, shownDefault: 'adaptive, >= 20 ms of device time', help: 'dispatches per kernel measurement', in: ['bench'] },
  quick: { type: 'boolean', default: false, help: 'small rep counts, a small probe, a partial epoch: a smoke test, not a measurement', in: ['bench'] },
  cpu: { type: 'boolean', default: true, help: 'skip the CPU twins', in: ['bench'] },
  probe: { type: 'boolean', default: true, help: "skip the gemm tile search (the roof is then the tuning table's figure, if any)", in: ['bench'] },
  epoch: { type: 'boolean', default: true, help: 'skip whole epochs (steps only; epochs run with --full or --epoch)', in: ['bench'] },
  'kernels-only': { type: 'boolean', default: false, help: 'only the probe and the kernel table', in: ['bench'] },
  'steps-only': { type: 'boolean', default: false, help: 'only the probe and the training steps/epochs', in: ['bench'] },
  full: { type: 'boolean', default: false, help: 'everything: every shape, the probe\'s tile search, alternative tunables, attention, the other recurrence, whole epochs and the TF.js peers, with progress and time left (default: a ~3-minute subset at the first shape)', in: ['bench'] },
  torch: { type: 'boolean', default: true, help: 'skip the PyTorch row (run when python3 can import torch)', in: ['bench'] },
  peers: { type: 'boolean', default: false, help: 'also run the TF.js peers (webgpu, wasm, cpu; bench/peers/) beside PyTorch', in: ['bench'] },
  'bench-out': { flag: 'out', type: 'string', arg: 'FILE', shownDefault: 'bench/results/<date>-<adapter>.json', help: 'JSON output path', in: ['bench'] },
  help: { type: 'boolean', default: false, help: 'show this help', in: [...CLI, 'export', 'import', 'tune', 'bench'] },
} as const satisfies Record<string, OptSpec>;

type Table = typeof OPTIONS;
type FlagOf<K extends keyof Table> = Table[K] extends { flag: infer F extends string } ? F : K;
/** The options used by `use`, keyed by flag, in table order. */
export type SpecsOf<U extends Use> = { [K in keyof Table as U extends Table[K]['in'][number] ? FlagOf<K> : never]: Table[K] };

/** The options used by `use`, keyed by flag, in table order. */
export function specsFor<U extends Use>(use: U): SpecsOf<U> {
  const out: Record<string, OptSpec> = {};
  for (const [key, spec] of Object.entries(OPTIONS) as [string, OptSpec][]) {
    if (spec.in.includes(use)) out[spec.flag ?? key] = spec;
  }
  return out as SpecsOf<U>;
}

/** Each option's default (undefined where it has none). */
export function defaultsOf<S extends Specs>(specs: S): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.default;
  return out as Values<S>;
}

export type TrainValues = Values<SpecsOf<'train'>>;
/** The training settings `train` and `compare` share; the page fills the ones it has no field for with defaults. */
export type TrainingValues = Pick<TrainValues, 'hidden' | 'epochs' | 'batch' | 'lr' | 'lr-schedule' | 'optimizer' | 'momentum' | 'clip' | 'seed' | 'noise' | 'noise-test' | 'balance' | 'dropout' | 'recurrence' | 'early-stop'>;
/** The model's shape: from train's options, or from a `compare` model spec. */
export interface ModelShape { cell: CellType; layers: number; bidirectional: boolean; attention: boolean }

/** The trainer's options from parsed option values (`compare` sets the model shape from each spec later). */
export function trainOptionsFrom(o: TrainingValues, model?: ModelShape): TrainOptions {
  return {
    ...D, ...model,
    hidden: o.hidden, epochs: o.epochs, batchSize: o.batch, lr: o.lr, lrSchedule: o['lr-schedule'], optimizer: o.optimizer,
    momentum: o.momentum, clip: o.clip, seed: o.seed, noise: o.noise, noiseTest: o['noise-test'], balance: o.balance,
    dropout: o.dropout, recurrence: o.recurrence, earlyStop: o['early-stop'],
  };
}

/** The train/test split from parsed option values. */
export function splitFrom(o: Pick<TrainValues, 'split-seed' | 'test-fraction' | 'dedup'>): { seed: number; testFraction: number; dedup: boolean } {
  return { seed: o['split-seed'], testFraction: o['test-fraction'], dedup: o.dedup };
}

/** The README's table of a command's options (test/options.test.ts keeps README.md in step with it). */
export function optionTable(use: Exclude<Use, 'page'>): string {
  const rows = Object.entries(specsFor(use) as Specs).filter(([k]) => k !== 'help').map(([k, s]) => {
    const flag = s.type === 'boolean' ? (s.default === true ? `--no-${k}` : `--${k}`) : `--${k} ${argOf(s).replace(/\|/g, '\\|')}`;
    const def = s.type === 'boolean' ? (s.default === true ? 'on' : 'off') : s.default !== undefined ? `\`${s.default}\`` : (s.shownDefault ?? '');
    const bounds = s.type === 'int' || s.type === 'number' ? boundsOf(s) : '';
    const uses = s.in.filter((u) => u !== use);
    return `| \`${flag}\` | ${def} | ${s.help.replace(/\|/g, '\\|')}${bounds ? ` (${bounds})` : ''} | ${uses.join(', ')} |`;
  });
  return [`| \`${use}\` option | default | | also in |`, '|---|---|---|---|', ...rows].join('\n');
}

/** The placeholder after a flag in help: FILE, N, a|b. */
export function argOf(s: OptSpec): string {
  return s.arg ?? (s.type === 'choice' ? s.choices.join('|') : s.type === 'int' ? 'N' : s.type === 'number' ? 'X' : 'VALUE');
}

/** 'at least 1', '1 to 16', '> 0', … for help text. */
export function boundsOf(s: IntSpec | NumberSpec): string {
  const low = s.above !== undefined ? `> ${s.above}` : s.min !== undefined ? `at least ${s.min}` : '';
  if (s.max === undefined) return low;
  if (s.min !== undefined && s.above === undefined) return `${s.min} to ${s.max}`;
  return low ? `${low}, at most ${s.max}` : `at most ${s.max}`;
}
