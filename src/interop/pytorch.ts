// A model as a PyTorch state_dict, both ways. Our flat parameters (src/model/params.ts) hold each matrix
// input-major ([in, out], the transpose of PyTorch's [out, in]) with PyTorch's gate order (GRU r|z|n, LSTM
// i|f|g|o), so a layer maps onto nn.RNN / nn.GRU / nn.LSTM by transposing:
//   l{k}.W_ih [in, G·H]   ↔ rnn.weight_ih_l{k}[_reverse]  [G·H, in]     (in = 58 for layer 0, D above)
//   l{k}.b_ih [G·H]       ↔ rnn.bias_ih_l{k}[_reverse]    [G·H]
//   l{k}.W_hh [H, G·H]    ↔ rnn.weight_hh_l{k}[_reverse]  [G·H, H]
//   l{k}.b_hh [G·H]       ↔ rnn.bias_hh_l{k}[_reverse]    [G·H]
//   att.w [D], att.b [1]  ↔ att.weight [1, D], att.bias [1]   (nn.Linear(D, 1): the attention score)
//   head.W [D, C], head.b ↔ out.weight [C, D], out.bias [C]   (nn.Linear(D, C))
// Importing accepts any module prefix: the recurrent module is the one holding `weight_ih_l0`; the
// remaining 2-D weights with their biases are the head ([C, D], C ≥ 2) and, optionally, the attention score
// ([1, D]). Cell, layers, direction and hidden size come from the names and shapes. Layer 0 reads this
// project's 58 symbols in the PyTorch tutorial's order (ascii_letters + " .,;'" + "_"); a width of 57 is
// the older tutorial's alphabet without "_", and "_" (a symbol outside the alphabet) then adds nothing.
// nn.RNN is assumed to use tanh (nonlinearity='relu' is not visible in a state_dict).
import { VOCAB, VOCAB_SIZE } from '../data/vocab.js';
import { CELL_TYPES, type CellType, type ModelConfig } from '../model/config.js';
import { cellSpec } from '../model/cells.js';
import { entry, layerName, paramLayout } from '../model/params.js';
import { MODEL_FORMAT, type Model, type TrainingInfo } from '../train/modelfile.js';
import { InteropError } from './errors.js';
import type { Tensor } from './safetensors.js';

/** The PyTorch tutorial's 18 languages in alphabetical order: the class order of its data set. */
export const TUTORIAL_LANGUAGES = [
  'Arabic', 'Chinese', 'Czech', 'Dutch', 'English', 'French', 'German', 'Greek', 'Irish', 'Italian',
  'Japanese', 'Korean', 'Polish', 'Portuguese', 'Russian', 'Scottish', 'Spanish', 'Vietnamese',
];

/** Module names of an exported state_dict. */
export const EXPORT_PREFIX = { rnn: 'rnn.', att: 'att.', out: 'out.' } as const;

/** [rows, cols] row-major → its transpose [cols, rows]. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

const suffix = (l: number, d: number): string => `l${l}${d === 1 ? '_reverse' : ''}`;

/** The model's weights under PyTorch state_dict names and shapes, in state_dict order. */
export function toStateDict(m: Model): Map<string, Tensor> {
  const c = m.config, layout = paramLayout(c);
  const get = (name: string) => {
    const e = entry(layout, name);
    return { e, data: m.params.subarray(e.offset, e.offset + e.size) };
  };
  const out = new Map<string, Tensor>();
  for (let l = 0; l < c.layers; l++) {
    for (let d = 0; d < (c.bidirectional ? 2 : 1); d++) {
      const n = layerName(l, d), s = suffix(l, d);
      for (const [ours, theirs] of [['W_ih', 'weight_ih'], ['b_ih', 'bias_ih'], ['W_hh', 'weight_hh'], ['b_hh', 'bias_hh']] as const) {
        const { e, data } = get(`${n}.${ours}`);
        const name = `${EXPORT_PREFIX.rnn}${theirs}_${s}`;
        if (e.shape.length === 2) out.set(name, { shape: [e.shape[1]!, e.shape[0]!], data: transpose(data, e.shape[0]!, e.shape[1]!) });
        else out.set(name, { shape: [...e.shape], data: Float32Array.from(data) });
      }
    }
  }
  if (c.attention) {
    const w = get('att.w'), b = get('att.b');
    out.set(`${EXPORT_PREFIX.att}weight`, { shape: [1, w.e.size], data: Float32Array.from(w.data) });
    out.set(`${EXPORT_PREFIX.att}bias`, { shape: [1], data: Float32Array.from(b.data) });
  }
  const hw = get('head.W'), hb = get('head.b');
  out.set(`${EXPORT_PREFIX.out}weight`, { shape: [hw.e.shape[1]!, hw.e.shape[0]!], data: transpose(hw.data, hw.e.shape[0]!, hw.e.shape[1]!) });
  out.set(`${EXPORT_PREFIX.out}bias`, { shape: [...hb.e.shape], data: Float32Array.from(hb.data) });
  return out;
}

/** What an exported file says about the model besides its tensors (safetensors metadata: strings only). */
export function exportMetadata(m: Model): Record<string, string> {
  const md: Record<string, string> = {
    format: MODEL_FORMAT,
    config: JSON.stringify(m.config),
    vocab: m.vocab,
    languages: JSON.stringify(m.languages),
  };
  if (m.training) md.training = JSON.stringify(m.training);
  return md;
}

export interface ImportOptions {
  /** Class names in the head's row order (default: the metadata's, else the tutorial's 18 alphabetically). */
  languages?: string[];
  /** Metadata of the file (an export of ours carries languages and training settings). */
  metadata?: Record<string, string>;
  /** Names the file in error messages. */
  source: string;
}

const RNN_NAME = /^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/;
const GATES: Record<number, CellType> = Object.fromEntries(CELL_TYPES.map((t) => [cellSpec(t).gates, t]));

/** Builds a model from a state_dict (float32 tensors by name); anything unexpected is one InteropError line. */
export function fromStateDict(sd: ReadonlyMap<string, Tensor>, opts: ImportOptions): Model {
  const fail = (why: string): never => {
    throw new InteropError(`${opts.source}: ${why}`);
  };
  const shapeStr = (s: readonly number[]) => `[${s.join(', ')}]`;
  const roots = [...sd.keys()].filter((k) => k === 'weight_ih_l0' || k.endsWith('.weight_ih_l0'));
  if (roots.length === 0) fail('no recurrent layer: expected a tensor named weight_ih_l0 (e.g. rnn.weight_ih_l0) from nn.RNN, nn.GRU or nn.LSTM');
  if (roots.length > 1) fail(`more than one recurrent module (${roots.join(', ')}); this project runs one`);
  const prefix = roots[0]!.slice(0, -'weight_ih_l0'.length);
  // Without a prefix (a bare nn.GRU's own names next to the head's), the module is the names it can have.
  const inRnn = (k: string) => k.startsWith(prefix) && (prefix !== '' || RNN_NAME.test(k));

  // The recurrent module: every tensor under its prefix must be a (weight|bias)_(ih|hh)_l<k>[_reverse].
  let layers = 0, bidirectional = false;
  for (const k of sd.keys()) {
    if (!inRnn(k)) continue;
    const rest = k.slice(prefix.length);
    const m = RNN_NAME.exec(rest);
    if (!m) fail(`tensor ${k}: not a parameter this project's recurrent layers have (expected ${prefix}weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>, optionally _reverse; projections and peepholes are not supported)`);
    layers = Math.max(layers, Number(m![3]) + 1);
    if (m![4]) bidirectional = true;
  }
  const whh0 = sd.get(`${prefix}weight_hh_l0`) ?? fail(`tensor ${prefix}weight_hh_l0 is missing`);
  if (whh0.shape.length !== 2) fail(`tensor ${prefix}weight_hh_l0: expected 2 dimensions [gates × hidden, hidden], got ${shapeStr(whh0.shape)}`);
  const H = whh0.shape[1]!;
  const gates = H > 0 && whh0.shape[0]! % H === 0 ? whh0.shape[0]! / H : 0;
  const cell = GATES[gates] ?? fail(`tensor ${prefix}weight_hh_l0: shape ${shapeStr(whh0.shape)} is not [G × H, H] with G = 1 (RNN), 3 (GRU) or 4 (LSTM)`);
  const G = gates * H, dirs = bidirectional ? 2 : 1, D = dirs * H;
  const wih0 = sd.get(`${prefix}weight_ih_l0`)!;
  const inWidth = wih0.shape[1];
  if (wih0.shape.length !== 2 || wih0.shape[0] !== G || (inWidth !== VOCAB_SIZE && inWidth !== VOCAB_SIZE - 1)) {
    fail(`tensor ${prefix}weight_ih_l0: expected [${G}, ${VOCAB_SIZE}] (one-hot input of the ${VOCAB_SIZE} symbols ${JSON.stringify(VOCAB)}; or ${VOCAB_SIZE - 1} without "_"), got ${shapeStr(wih0.shape)}`);
  }

  // Everything else: the head [C, D] and optionally the attention score [1, D], each a weight with its bias.
  const rest = [...sd.keys()].filter((k) => !inRnn(k));
  const weights = rest.filter((k) => k === 'weight' || k.endsWith('.weight'));
  let head: string | null = null, att: string | null = null;
  for (const w of weights) {
    const t = sd.get(w)!;
    if (t.shape.length !== 2 || t.shape[1] !== D) fail(`tensor ${w}: expected a linear layer on the ${D} recurrent features ([classes, ${D}] or [1, ${D}]), got ${shapeStr(t.shape)}`);
    if (t.shape[0] === 1) {
      if (att) fail(`two attention-score layers (${att}, ${w}); expected at most one [1, ${D}] weight`);
      att = w;
    } else {
      if (head) fail(`two classifier heads (${head}, ${w}); expected one [classes, ${D}] weight`);
      head = w;
    }
  }
  if (!head) fail(`no classifier head: expected a weight [classes, ${D}] with its bias outside ${prefix || 'the recurrent module'}`);
  const biasOf = (w: string) => `${w.slice(0, -'weight'.length)}bias`;
  for (const k of rest) {
    if (k !== head && k !== att && k !== biasOf(head!) && (!att || k !== biasOf(att))) fail(`tensor ${k}: not part of the model (expected only ${prefix}*, the head ${head}${att ? `, the attention ${att}` : ''} and their biases)`);
  }
  const C = sd.get(head!)!.shape[0]!;
  const need = (name: string, shape: number[]): Float32Array => {
    const t = sd.get(name) ?? fail(`tensor ${name} is missing (expected ${shapeStr(shape)}${name.includes('bias') ? '; models without biases are not supported' : ''})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`tensor ${name}: expected ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) fail(`tensor ${name} contains NaN or infinity`);
    return t.data;
  };

  const languages = opts.languages ?? metadataLanguages(opts.metadata, C) ?? (C === TUTORIAL_LANGUAGES.length ? TUTORIAL_LANGUAGES : null);
  if (!languages) fail(`${head} has ${C} classes; name them in order with --languages a,b,... (without it, 18 classes are the tutorial's languages in alphabetical order)`);
  if (languages!.length !== C) fail(`--languages names ${languages!.length} languages, but ${head} has ${C} classes`);

  const config: ModelConfig = { cell, hidden: H, layers, bidirectional, attention: att !== null, vocabSize: VOCAB_SIZE, numClasses: C };
  const layout = paramLayout(config);
  const params = new Float32Array(layout.total);
  const put = (name: string, data: Float32Array) => params.set(data, entry(layout, name).offset);
  for (let l = 0; l < layers; l++) {
    for (let d = 0; d < dirs; d++) {
      const n = layerName(l, d), s = suffix(l, d), p = (x: string) => `${prefix}${x}_${s}`;
      const inW = l === 0 ? inWidth! : D;
      const wih = need(p('weight_ih'), [G, inW]);
      if (inW === VOCAB_SIZE - 1) {
        // The older alphabet: its 57 columns are our first 57 symbols; "_" (row 57 of ours) stays zero.
        const full = new Float32Array(VOCAB_SIZE * G);
        full.set(transpose(wih, G, inW));
        put(`${n}.W_ih`, full);
      } else put(`${n}.W_ih`, transpose(wih, G, inW));
      put(`${n}.b_ih`, need(p('bias_ih'), [G]));
      put(`${n}.W_hh`, transpose(need(p('weight_hh'), [G, H]), G, H));
      put(`${n}.b_hh`, need(p('bias_hh'), [G]));
    }
  }
  if (att) {
    put('att.w', need(att, [1, D]));
    put('att.b', need(biasOf(att), [1]));
  }
  put('head.W', transpose(need(head!, [C, D]), C, D));
  put('head.b', need(biasOf(head!), [C]));
  const model: Model = { config, vocab: VOCAB, languages: [...languages!], params };
  const training = metadataTraining(opts.metadata);
  if (training) model.training = training;
  return model;
}

function metadataLanguages(md: Record<string, string> | undefined, classes: number): string[] | null {
  if (!md?.languages) return null;
  try {
    const l = JSON.parse(md.languages) as unknown;
    if (Array.isArray(l) && l.length === classes && l.every((x) => typeof x === 'string')) return l as string[];
  } catch {
    // Not ours: fall back to the defaults.
  }
  return null;
}

function metadataTraining(md: Record<string, string> | undefined): TrainingInfo | null {
  if (md?.format !== MODEL_FORMAT || !md.training) return null;
  try {
    const t = JSON.parse(md.training) as unknown;
    return t && typeof t === 'object' && !Array.isArray(t) ? (t as TrainingInfo) : null;
  } catch {
    return null;
  }
}
