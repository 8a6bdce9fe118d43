// Sampling names from a language model on any Backend (the GPU kernels or their CPU twins): a batch of B rows
// decoded position by position, all B rows active at every position (packed row block t*B .. t*B+B-1, so the
// recurrent step kernels run unchanged), in one command buffer with one readback at the end:
//   per position t: embed_gather (symbol t + language row) → per layer [gemm from the layer below] + step
//   → head gemm (logits [B, C]) → sample (writes the input of position t + 1 into `ints`).
// The sampler's random stream is counter-based (seed, position, row), so the same seed gives the same names
// on the CPU and the GPU, whatever the batch size (src/cpu/kernels/sample.ts).
import type { Backend, Buf } from '../core/backend.js';
import type { KernelDef, Params, Tunables } from '../core/kernel.js';
import { LETTERS, VOCAB } from '../data/vocab.js';
import { tuningForBackend, type Tuning } from '../tune/tuning.js';
import { embedGatherK, gemmK, gruStepFwdK, sampleK } from '../kernels.js';
import { cellSpec } from '../model/cells.js';
import { isGenerative } from '../model/config.js';
import { entry, layerName, paramLayout, type ParamLayout } from '../model/params.js';
import type { Model } from '../train/modelfile.js';
import { END, languageRow, START } from '../train/lm_symbols.js';

/** A request the user got wrong (unknown language, count 0, ...): one line that names the input. */
export class GenerateInputError extends Error {
  override name = 'GenerateInputError';
}

export interface GenerateOptions {
  /**
   * The language of every name (a name in any case, or an index into model.languages), or one per name
   * (then `count` defaults to its length).
   */
  language: string | number | readonly (string | number)[];
  /** Names to generate (default: 1, or the length of a `language` list). */
  count?: number;
  /** Softmax temperature > 0 (default 1): below 1 favours likely symbols, above 1 flattens. */
  temperature?: number;
  /** Draw only from the k most likely symbols (0 or absent: all). */
  topK?: number;
  /** Every name starts with this text (teacher-forced), e.g. 'Ka'. Characters of the vocabulary only. */
  start?: string;
  /** Longest name in characters (default 20); longer names are cut there (complete: false). */
  maxLength?: number;
  /** Seed of the random stream (default 1): the same seed and settings give the same names on CPU and GPU. */
  seed?: number;
}

export interface GeneratedName {
  name: string;
  /** Index into the model's languages, and its name. */
  language: number;
  languageName: string;
  /** The model's log-probability (natural log, temperature 1) of each symbol after START: characters, then END. */
  logProbs: number[];
  /** Sum of logProbs. */
  logProb: number;
  /** False when the name reached maxLength without END (cut there). */
  complete: boolean;
}

export const DEFAULT_MAX_LENGTH = 20;
/** Rows decoded per command buffer. */
export const DEFAULT_DECODE_BATCH = 256;

/** Resolves a language name (any case) or index; unknown ones list the languages. */
export function resolveLanguage(languages: readonly string[], lang: string | number): number {
  if (typeof lang === 'number') {
    if (Number.isInteger(lang) && lang >= 0 && lang < languages.length) return lang;
    throw new GenerateInputError(`language index ${lang} outside 0..${languages.length - 1}`);
  }
  const i = languages.findIndex((l) => l.toLowerCase() === lang.trim().toLowerCase());
  if (i < 0) throw new GenerateInputError(`unknown language '${lang}' (languages: ${languages.join(', ')}, or all)`);
  return i;
}

/** The --start text as symbol ids; anything outside the 58 characters is an error naming it. */
export function encodeStart(start: string): number[] {
  const ids: number[] = [];
  for (const ch of start) {
    if (!LETTERS.includes(ch)) throw new GenerateInputError(`--start '${start}': character '${ch}' is not in the vocabulary (letters a-z, A-Z, space and .,;')`);
    ids.push(VOCAB.indexOf(ch));
  }
  return ids;
}

export class Generator {
  readonly layout: ParamLayout;
  readonly languages: readonly string[];
  private readonly params: Buf;
  private readonly tuning: Tuning;
  private disposed = false;

  constructor(
    readonly be: Backend,
    readonly model: Model,
    opts: { tuning?: Tuning; batch?: number } = {},
  ) {
    if (!isGenerative(model.config)) throw new GenerateInputError('this model is a classifier (name → language); generating names needs a model trained with --task generate');
    this.layout = paramLayout(model.config);
    this.languages = model.languages;
    this.params = be.create('lm-params', this.layout.total);
    be.write(this.params, model.params);
    this.tuning = opts.tuning ?? tuningForBackend(be);
    this.decodeBatch = opts.batch ?? DEFAULT_DECODE_BATCH;
  }

  private readonly decodeBatch: number;

  /** Samples names; see GenerateOptions. Rows are returned in request order. */
  async generate(o: GenerateOptions): Promise<GeneratedName[]> {
    if (this.disposed) throw new Error('Generator used after dispose()');
    const list = Array.isArray(o.language) ? (o.language as readonly (string | number)[]) : null;
    const count = o.count ?? (list ? list.length : 1);
    if (!Number.isInteger(count) || count < 1) throw new GenerateInputError(`--count must be a whole number of at least 1, got ${count}`);
    if (list && list.length !== count) throw new GenerateInputError(`${list.length} languages given for ${count} names`);
    const langs = list ? list.map((l) => resolveLanguage(this.languages, l)) : new Array<number>(count).fill(resolveLanguage(this.languages, o.language as string | number));
    const temperature = o.temperature ?? 1;
    if (!(Number.isFinite(temperature) && temperature > 0)) throw new GenerateInputError(`--temperature must be a number above 0, got ${temperature}`);
    const topK = o.topK ?? 0;
    if (!Number.isInteger(topK) || topK < 0) throw new GenerateInputError(`--top-k must be a whole number (0: off), got ${topK}`);
    const maxLength = o.maxLength ?? DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 256) throw new GenerateInputError(`--max-length must be a whole number from 1 to 256, got ${maxLength}`);
    const prefix = encodeStart(o.start ?? '');
    if (prefix.length > maxLength) throw new GenerateInputError(`--start '${o.start}' is longer than --max-length ${maxLength}`);
    const seed = o.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new GenerateInputError(`--seed must be a whole number from 0 to 4294967295, got ${seed}`);
    const out: GeneratedName[] = [];
    for (let r0 = 0; r0 < count; r0 += this.decodeBatch) {
      const part = langs.slice(r0, r0 + this.decodeBatch);
      out.push(...(await this.decode(part, r0, { temperature, topK, maxLength, prefix, seed })));
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.be.destroy(this.params);
  }

  private async decode(langs: number[], rowBase: number, o: { temperature: number; topK: number; maxLength: number; prefix: number[]; seed: number }): Promise<GeneratedName[]> {
    const { be, model, layout } = this;
    const cfg = model.config, cell = cellSpec(cfg.cell);
    const B = langs.length, H = cfg.hidden, G = cell.gates * H, C = cfg.numClasses;
    // P positions: outputs are characters 1..maxLength, then END at the latest at position maxLength.
    const P = o.maxLength + 1;
    const N = P * B;
    // ints: inputs [(P + 1) * B] (block t = position t), language rows [B], done [B], prefix.
    const offLang = (P + 1) * B, offDone = offLang + B, offPrefix = offDone + B;
    const ints = new Uint32Array(offPrefix + Math.max(1, o.prefix.length));
    ints.fill(START, 0, B);
    langs.forEach((l, r) => (ints[offLang + r] = languageRow(l)));
    ints.set(o.prefix, offPrefix);
    const bufs: Buf[] = [];
    const mk = (label: string, size: number, type: 'f32' | 'u32' = 'f32') => {
      const b = be.create(label, size, type);
      bufs.push(b);
      return b;
    };
    try {
      const intsBuf = mk('decode-ints', ints.length, 'u32');
      be.write(intsBuf, ints);
      const xg = mk('decode-xg', N * G);
      const y = Array.from({ length: cfg.layers }, (_, l) => mk(`decode-y${l}`, N * H));
      const cache = Array.from({ length: cfg.layers }, (_, l) => mk(`decode-cache${l}`, N * cell.cache * H));
      const logits = mk('decode-logits', B * C);
      const logp = mk('decode-logp', N);
      const hw = entry(layout, 'head.W'), hb = entry(layout, 'head.b');
      for (let t = 0; t < P; t++) {
        for (let l = 0; l < cfg.layers; l++) {
          const n = layerName(l, 0);
          const wih = entry(layout, `${n}.W_ih`), bih = entry(layout, `${n}.b_ih`), whh = entry(layout, `${n}.W_hh`), bhh = entry(layout, `${n}.b_hh`);
          if (l === 0) {
            this.run(embedGatherK, { tok: intsBuf, w: this.params, out: xg },
              { n: B, width: G, off_tok: t * B, off_w: wih.offset, off_b: bih.offset, off_out: t * B * G, ld_out: G, hots: 2, off_tok2: offLang });
          } else {
            this.run(gemmK, { a: y[l - 1]!, b: this.params, c: xg, bias: this.params },
              { m: B, n: G, k: H, off_a: t * B * H, lda: H, off_b: wih.offset, ldb: G, off_c: t * B * G, ldc: G, off_bias: bih.offset, has_bias: 1 });
          }
          const sp = { h: H, off_cur: t * B, n_cur: B, off_prev: t > 0 ? (t - 1) * B : 0, n_prev: t > 0 ? B : 0, ld_y: H, col_y: 0, off_w: whh.offset, off_b: bhh.offset };
          const bufs = { xg, w: this.params, y: y[l]!, cache: cache[l]! };
          // The GRU's step kernel also has the fused embedding path (EMB); off here: xg holds the input projection.
          if (cell.fwd === gruStepFwdK) this.run(cell.fwd, { ...bufs, tok: intsBuf }, { ...sp, off_tok: 0, off_wih: wih.offset, off_bih: bih.offset }, { EMB: 0 });
          else this.run(cell.fwd, bufs, sp);
        }
        this.run(gemmK, { a: y[cfg.layers - 1]!, b: this.params, c: logits, bias: this.params },
          { m: B, n: C, k: H, off_a: t * B * H, lda: H, off_b: hw.offset, ldb: C, off_c: 0, ldc: C, off_bias: hb.offset, has_bias: 1 });
        this.run(sampleK, { logits, ints: intsBuf, logp },
          { batch: B, classes: C, pos: t, off_next: (t + 1) * B, off_done: offDone, off_prefix: offPrefix, n_prefix: o.prefix.length,
            end_id: END, top_k: o.topK, seed: o.seed >>> 0, row_base: rowBase, temperature: Math.fround(o.temperature) });
      }
      const got = (await be.read(intsBuf, 0, offDone + B)) as Uint32Array;
      const lp = (await be.read(logp)) as Float32Array;
      return langs.map((lang, r) => {
        const done = got[offDone + r]!;
        const len = done ? done : P; // output symbols of this row (incl. END when done)
        let name = '';
        const logProbs: number[] = [];
        for (let t = 0; t < len; t++) {
          const c = got[(t + 1) * B + r]!;
          logProbs.push(lp[t * B + r]!);
          if (c !== END) name += VOCAB[c]!;
        }
        // A row that never ended produced P characters: keep maxLength of them.
        const complete = done !== 0;
        if (!complete) {
          name = name.slice(0, o.maxLength);
          logProbs.length = o.maxLength;
        }
        return { name, language: lang, languageName: this.languages[lang]!, logProbs, logProb: logProbs.reduce((a, b) => a + b, 0), complete };
      });
    } finally {
      for (const b of bufs) be.destroy(b);
    }
  }

  private run(k: KernelDef, bufs: Record<string, Buf>, p: Params, fixed?: Tunables): void {
    this.be.run(k, bufs, p, this.tuning.tunablesFor(k, p, fixed));
  }
}
