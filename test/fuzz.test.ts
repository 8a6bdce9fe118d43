// Fuzzing the two parsers users feed files to: the names zip/folder and the model file. Seeded mutations of
// valid inputs (truncations, bit flips, huge or zero length and size fields, spliced bytes): every one must
// end in a clean one-line error of the parser's own type, or in a valid load; never another exception (a
// crash, a RangeError from a huge allocation, a stack trace) and never a hang (the test's timeout).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { DataError } from '../src/data/errors.js';
import { NAMES_LIMITS, parseNamesZip, type NamesData } from '../src/data/names.js';
import { VOCAB, VOCAB_SIZE } from '../src/data/vocab.js';
import type { ModelConfig } from '../src/model/config.js';
import { initParams, paramLayout } from '../src/model/params.js';
import { ModelFileError, parseModel, serializeModel } from '../src/train/modelfile.js';
import { resolveNamesData } from '../src/node/source.js';
import { testSeed } from './helpers/compare.js';

const seed = testSeed();
const CASES = 300;

/** One random mutation of `src`; the name says which, for failure messages. */
function mutate(rng: Rng, src: Uint8Array): { what: string; bytes: Uint8Array } {
  const b = Uint8Array.from(src);
  const at = rng.int(b.length);
  switch (rng.int(6)) {
    case 0: return { what: `truncated to ${at}`, bytes: b.subarray(0, at) };
    case 1: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { what: `${flips} bit flips`, bytes: b };
    }
    case 2: {
      // A 16- or 32-bit field (zip lengths, sizes, offsets, counts) set to its largest value, or to 0.
      const v = rng.int(2) ? 0xff : 0;
      const n = rng.int(2) ? 2 : 4;
      for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = v;
      return { what: `${n} bytes at ${at} set to ${v}`, bytes: b };
    }
    case 3: {
      const len = 1 + rng.int(64);
      const from = rng.int(b.length);
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, at));
      out.set(src.subarray(from, from + len), at);
      out.set(b.subarray(at), at + len);
      return { what: `${len} bytes from ${from} spliced in at ${at}`, bytes: out.subarray(0, b.length + Math.min(len, src.length - from)) };
    }
    case 4: return { what: `cut ${at}..${at + 100}`, bytes: Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 100)]) };
    default: {
      const n = 1 + rng.int(16);
      for (let i = 0; i < n; i++) b[rng.int(b.length)] = rng.int(256);
      return { what: `${n} random bytes`, bytes: b };
    }
  }
}

function expectValidNames(d: NamesData): void {
  expect(d.languages.length).toBeGreaterThanOrEqual(2);
  expect(d.names).toHaveLength(d.languages.length);
  for (const list of d.names) {
    expect(list.length).toBeGreaterThan(0);
    for (const n of list) {
      expect(n.length).toBeGreaterThan(0);
      expect(n.length).toBeLessThanOrEqual(NAMES_LIMITS.maxNameLength);
      for (const ch of n) expect(VOCAB.includes(ch)).toBe(true);
    }
  }
}

const LANGS: Record<string, string> = {
  Czech: 'Novák\nDvořák\nSvoboda\n',
  Irish: "Murphy\nO'Brien\nKelly\n",
  Japanese: 'Satō\nSuzuki\n',
  Russian: 'Абрамов\nIvanov\n',
};

describe(`fuzzing the parsers (TEST_SEED=${seed})`, () => {
  it(`names zip: ${CASES} mutations of a valid zip (stored and deflated) load or fail with a DataError`, () => {
    const rng = new Rng(seed);
    const files = Object.fromEntries(Object.entries(LANGS).map(([l, t]) => [`data/names/${l}.txt`, strToU8(t)]));
    const zips = [zipSync(files, { level: 0 }), zipSync(files, { level: 9 }), zipSync({ ...files, 'data/eng-fra.txt': strToU8('hello\tbonjour\n'.repeat(50)) })];
    const outcome = { loaded: 0, refused: 0 };
    for (let i = 0; i < CASES; i++) {
      const { what, bytes } = mutate(rng, zips[i % zips.length]!);
      try {
        expectValidNames(parseNamesZip(bytes, 'fuzz.zip'));
        outcome.loaded++;
      } catch (e) {
        if (!(e instanceof DataError)) throw new Error(`case ${i} (${what}, seed ${seed}): ${(e as Error)?.stack ?? e}`);
        expect((e as Error).message).toMatch(/^fuzz\.zip/);
        expect((e as Error).message).not.toContain('\n');
        outcome.refused++;
      }
    }
    // Both outcomes happen: the mutations reach past the checks, and the checks catch something.
    expect(outcome.loaded, JSON.stringify(outcome)).toBeGreaterThan(0);
    expect(outcome.refused, JSON.stringify(outcome)).toBeGreaterThan(0);
  });

  it('names folder: mutated language files load or fail with a DataError', async () => {
    const rng = new Rng(seed ^ 0xf01d);
    const base = mkdtempSync(join(tmpdir(), 'webgpu-rnn-fuzz-'));
    for (let i = 0; i < 40; i++) {
      const dir = join(base, `c${i}`, 'data', 'names');
      mkdirSync(dir, { recursive: true });
      const mutated: string[] = [];
      for (const [lang, text] of Object.entries(LANGS)) {
        const m = rng.int(3) === 0 ? mutate(rng, strToU8(text)) : { what: 'as is', bytes: strToU8(text) };
        mutated.push(`${lang}: ${m.what}`);
        writeFileSync(join(dir, `${lang}.txt`), m.bytes);
      }
      try {
        expectValidNames((await resolveNamesData({ data: join(base, `c${i}`) })).data);
      } catch (e) {
        if (!(e instanceof DataError)) throw new Error(`folder case ${i} (${mutated.join('; ')}, seed ${seed}): ${(e as Error)?.stack ?? e}`);
      }
    }
  });

  it(`model file: ${CASES} mutations of a valid model load as a valid model or fail with a ModelFileError`, () => {
    const rng = new Rng(seed ^ 0x3d31);
    const configs: ModelConfig[] = [
      { cell: 'gru', hidden: 4, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: 3 },
      { cell: 'lstm', hidden: 3, layers: 2, bidirectional: true, attention: true, vocabSize: VOCAB_SIZE, numClasses: 2 },
    ];
    const texts = configs.map((config) => serializeModel({ config, vocab: VOCAB, languages: Array.from({ length: config.numClasses }, (_, i) => `L${i}`), params: initParams(paramLayout(config), 1) }));
    const outcome = { loaded: 0, refused: 0 };
    for (let i = 0; i < CASES; i++) {
      const src = texts[i % texts.length]!;
      let text: string, what: string;
      if (rng.int(3) === 0) {
        // Edit a number of the JSON: huge, negative, fractional, zero.
        const numbers = [...src.matchAll(/-?\d+(\.\d+)?/g)];
        const m = numbers[rng.int(numbers.length)]!;
        const repl = ['1e300', '-1', '0', '2.5', '4294967296', '65537', 'NaN'][rng.int(7)]!;
        text = src.slice(0, m.index) + repl + src.slice(m.index! + m[0].length);
        what = `number ${m[0]} at ${m.index} -> ${repl}`;
      } else {
        const m = mutate(rng, strToU8(src));
        text = new TextDecoder().decode(m.bytes);
        what = m.what;
      }
      try {
        const model = parseModel(text, 'fuzz.json');
        expect(model.params.length).toBe(paramLayout(model.config).total);
        expect(model.params.every((x) => Number.isFinite(x))).toBe(true);
        expect(model.languages).toHaveLength(model.config.numClasses);
        outcome.loaded++;
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw new Error(`case ${i} (${what}, seed ${seed}): ${(e as Error)?.stack ?? e}`);
        expect((e as Error).message).toMatch(/^fuzz\.json: /);
        outcome.refused++;
      }
    }
    expect(outcome.loaded, JSON.stringify(outcome)).toBeGreaterThan(0);
    expect(outcome.refused, JSON.stringify(outcome)).toBeGreaterThan(0);
  });
});
