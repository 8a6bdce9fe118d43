// The model file: one JSON document holding a format tag and version, the model config, the vocabulary,
// the language names, the parameter layout (names and shapes) with the weights as little-endian float32
// in base64, and how it was trained. Platform-neutral (the CLI writes it atomically; the browser downloads
// it), so a model trained in Node predicts identically in the browser and vice versa.
//
// Versions: 1 has no calibration; 2 adds "calibration" (the softmax temperature fitted on the validation
// names). Both are read; a version-1 file predicts with temperature 1, exactly as it always did.
import { VOCAB } from '../data/vocab.js';
import { CELL_TYPES, isGenerative, validateConfig, type ModelConfig } from '../model/config.js';
import { paramLayout } from '../model/params.js';

export const MODEL_FORMAT = 'webgpu-rnn/model';
export const MODEL_VERSION = 2;
/** Versions this code reads. */
export const READABLE_VERSIONS = [1, 2];

export interface TrainingInfo {
  epochs: number;
  seed: number;
  splitSeed: number;
  testFraction: number;
  dedup: boolean;
  /** Share of the training part held out for validation (absent: none, as before version 2). */
  valFraction?: number;
  valSeed?: number;
  /** --early-stop patience (absent: off). */
  earlyStop?: number;
  /** The epoch whose weights the file holds (the best one under early stopping, else the last). */
  keptEpoch?: number;
  optimizer: string;
  lr: number;
  lrSchedule?: string;
  batchSize: number;
  noise: number;
  balance?: number;
  dropout?: number;
  testAccuracy?: number;
  testMacroF1?: number;
  /** A language model's test NLL, nats per symbol. */
  testNll?: number;
  device?: string;
  date?: string;
}

export interface Model {
  config: ModelConfig;
  vocab: string;
  languages: string[];
  params: Float32Array;
  training?: TrainingInfo;
  /** Temperature scaling; absent: probabilities are softmax(logits), i.e. temperature 1. */
  calibration?: Calibration;
}

export interface Calibration {
  /** Probabilities are softmax(logits / temperature). */
  temperature: number;
  /** How many validation names it was fitted on, and their mean NLL before and after. */
  names: number;
  nllBefore: number;
  nllAfter: number;
}

/** The temperature predictions use: the fitted one, or 1 for a model without calibration. */
export const temperatureOf = (m: Pick<Model, 'calibration'>): number => m.calibration?.temperature ?? 1;

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/**
 * Whether the start of a file is a webgpu-rnn model file (serializeModel writes the format tag first), so
 * the CLI replaces its own model files without asking but nothing else.
 */
export function looksLikeModelFile(head: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"webgpu-rnn\/model"/.test(head);
}

export function serializeModel(m: Model): string {
  const layout = paramLayout(m.config);
  if (m.params.length !== layout.total) throw new Error(`model has ${m.params.length} parameters, its config needs ${layout.total}`);
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    // What the model does ('classify' | 'generate'); also in config.task, absent there in older files.
    task: m.config.task ?? 'classify',
    config: m.config,
    vocab: m.vocab,
    languages: m.languages,
    training: m.training,
    calibration: m.calibration,
    params: {
      dtype: 'float32-le',
      layout: layout.entries.map((e) => ({ name: e.name, shape: e.shape })),
      data: toBase64(m.params),
    },
  });
}

/** Parses and checks a model file; every problem is a one-line ModelFileError naming the source. */
export function parseModel(text: string, source: string): Model {
  const fail = (why: string): never => {
    throw new ModelFileError(`${source}: ${why}`);
  };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('not a webgpu-rnn model file (not valid JSON; damaged or a different file?)');
  }
  if (!doc || typeof doc !== 'object' || doc.format !== MODEL_FORMAT) fail('not a webgpu-rnn model file (no "format": "webgpu-rnn/model")');
  if (!READABLE_VERSIONS.includes(doc.version as number)) {
    fail(`model file version ${JSON.stringify(doc.version)} is not supported by this webgpu-rnn (it reads versions ${READABLE_VERSIONS.join(' and ')}); retrain the model or use the matching release`);
  }
  const c = doc.config as ModelConfig | undefined;
  if (!c || typeof c !== 'object' || !CELL_TYPES.includes(c.cell)) fail('missing or invalid "config"');
  let config: ModelConfig;
  try {
    config = validateConfig({ ...c! });
  } catch (e) {
    return fail(`invalid config: ${(e as Error).message}`);
  }
  const vocab = doc.vocab;
  if (typeof vocab !== 'string' || vocab.length !== config.vocabSize) fail('"vocab" does not match the config');
  if (vocab !== VOCAB) fail('the model uses a different vocabulary than this version of webgpu-rnn');
  const languages = doc.languages;
  if (doc.task !== undefined && doc.task !== (config.task ?? 'classify')) fail(`"task" ${JSON.stringify(doc.task)} does not match the config`);
  const nLang = isGenerative(config) ? config.conditions : config.numClasses;
  if (!Array.isArray(languages) || languages.length !== nLang || !languages.every((l) => typeof l === 'string')) {
    fail('"languages" does not match the config');
  }
  const p = doc.params as { dtype?: string; layout?: { name: string; shape: number[] }[]; data?: string } | undefined;
  if (!p || p.dtype !== 'float32-le' || typeof p.data !== 'string' || !Array.isArray(p.layout)) fail('missing or invalid "params"');
  const layout = paramLayout(config);
  const same = p!.layout!.length === layout.entries.length &&
    layout.entries.every((e, i) => p!.layout![i]?.name === e.name && JSON.stringify(p!.layout![i]?.shape) === JSON.stringify(e.shape));
  if (!same) fail('the parameter layout does not match the config (damaged file?)');
  let params: Float32Array;
  try {
    params = fromBase64(p!.data!);
  } catch {
    return fail('the weights are not valid base64 (damaged file?)');
  }
  if (params.length !== layout.total) fail(`expected ${layout.total} weights, found ${params.length} (damaged or truncated file?)`);
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) fail('the weights contain NaN or infinity');
  const calibration = doc.version === 1 ? undefined : parseCalibration(doc.calibration, fail);
  return { config, vocab: vocab as string, languages: languages as string[], params, training: doc.training as TrainingInfo | undefined, calibration };
}

function parseCalibration(c: unknown, fail: (why: string) => never): Calibration | undefined {
  if (c === undefined) return undefined;
  const o = c as Partial<Calibration> | null;
  if (!o || typeof o !== 'object' || typeof o.temperature !== 'number' || !(o.temperature > 0) || !Number.isFinite(o.temperature)) {
    fail('"calibration.temperature" must be a positive number');
  }
  return { temperature: o!.temperature!, names: Number(o!.names ?? 0), nllBefore: Number(o!.nllBefore ?? NaN), nllAfter: Number(o!.nllAfter ?? NaN) };
}

function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Float32Array {
  const s = atob(b64);
  if (s.length % 4 !== 0) throw new Error('length');
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
