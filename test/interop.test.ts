// PyTorch weights both ways (src/interop/): the safetensors reader/writer, the state_dict mapping and its
// refusals, bit-exact export → import, models saved by PyTorch (test/fixtures/interop/pytorch-*.safetensors)
// predicting PyTorch's probabilities, and our exports loaded in PyTorch giving our logits
// (ours-*.safetensors and ours-in-pytorch.json; both written by scripts/interop/pytorch_fixtures.py after
// `INTEROP_WRITE_FIXTURES=1 npx vitest run test/interop.test.ts` has written the exports).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { Rng } from '../src/core/rng.js';
import { encodeName, VOCAB_SIZE } from '../src/data/vocab.js';
import { exportSafetensors, importSafetensors, InteropError, TUTORIAL_LANGUAGES } from '../src/interop/index.js';
import { fromStateDict, toStateDict } from '../src/interop/pytorch.js';
import { decodeSafetensors, encodeSafetensors, toFloat32, type Tensor } from '../src/interop/safetensors.js';
import type { ModelConfig } from '../src/model/config.js';
import { parseModel, serializeModel, type Model } from '../src/train/modelfile.js';
import { Predictor } from '../src/train/predict.js';
import { testSeed } from './helpers/compare.js';
import { allConfigs, describe_, ourLogits, randomModel, relErr } from './helpers/interop.js';

const seed = testSeed();
const FIX = resolve(import.meta.dirname, 'fixtures/interop');
const fixture = (f: string) => new Uint8Array(readFileSync(resolve(FIX, f)));

const sd = (entries: [string, number[], number[]?][]): Map<string, Tensor> =>
  new Map(entries.map(([k, shape, data]) => [k, { shape, data: Float32Array.from(data ?? new Array(shape.reduce((a, b) => a * b, 1)).fill(0.5)) }]));

/** A state_dict of nn.GRU(58, 2) + nn.Linear(2, 18), then edited by the refusal tests. */
function gruDict(): Map<string, Tensor> {
  return sd([['rnn.weight_ih_l0', [6, 58]], ['rnn.weight_hh_l0', [6, 2]], ['rnn.bias_ih_l0', [6]], ['rnn.bias_hh_l0', [6]], ['fc.weight', [18, 2]], ['fc.bias', [18]]]);
}

describe('safetensors', () => {
  it('writes what it reads: names, shapes, values, metadata; 8-byte aligned data', () => {
    const t = sd([['a.weight', [2, 3], [1, -2, 3.5, 1e-30, -0, 7]], ['b', [1], [Math.fround(0.1)]], ['empty', [0, 4], []]]);
    const bytes = encodeSafetensors(t, { languages: '["x"]' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const back = decodeSafetensors(bytes, 'mem');
    expect(back.metadata).toEqual({ languages: '["x"]' });
    expect([...back.tensors.keys()]).toEqual(['a.weight', 'b', 'empty']);
    for (const [k, v] of t) {
      const r = back.tensors.get(k)!;
      expect(r.dtype).toBe('F32');
      expect(r.shape).toEqual(v.shape);
      expect(Array.from(toFloat32(r, k, 'mem'))).toEqual(Array.from(v.data));
    }
  });

  it('converts F64, F16 and BF16 tensors to float32; refuses integers by name', () => {
    const header = (dtype: string, shape: number[], bytes: number) => ({ x: { dtype, shape, data_offsets: [0, bytes] } });
    const file = (h: object, data: Uint8Array) => {
      const j = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + j.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(j.length), true);
      out.set(j, 8);
      out.set(data, 8 + j.length);
      return out;
    };
    const f64 = new Uint8Array(new Float64Array([0.1, -3]).buffer);
    const r64 = decodeSafetensors(file(header('F64', [2], 16), f64), 'f64').tensors.get('x')!;
    expect(Array.from(toFloat32(r64, 'x', 'f64'))).toEqual([Math.fround(0.1), -3]);
    // 1.0, -2.5, 2^-24 (smallest subnormal), 65504 (largest) in IEEE half; 1.0, -2.5 in bfloat16.
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc100, 0x0001, 0x7bff]).buffer);
    expect(Array.from(toFloat32(decodeSafetensors(file(header('F16', [4], 8), f16), 'h').tensors.get('x')!, 'x', 'h'))).toEqual([1, -2.5, 2 ** -24, 65504]);
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc020]).buffer);
    expect(Array.from(toFloat32(decodeSafetensors(file(header('BF16', [2], 4), bf16), 'b').tensors.get('x')!, 'x', 'b'))).toEqual([1, -2.5]);
    const i64 = decodeSafetensors(file(header('I64', [1], 8), new Uint8Array(8)), 'i').tensors.get('x')!;
    expect(() => toFloat32(i64, 'rnn.weight_ih_l0', 'i.safetensors')).toThrow(/i\.safetensors: tensor rnn\.weight_ih_l0 is I64, expected floating point/);
  });

  it('refuses damaged files with one line naming the problem', () => {
    const good = encodeSafetensors(sd([['a', [2], [1, 2]], ['b', [1], [3]]]));
    const edit = (f: (h: Record<string, { data_offsets: number[]; shape: number[]; dtype: string }>) => void) => {
      const n = Number(new DataView(good.buffer).getBigUint64(0, true));
      const h = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + n)));
      f(h);
      const j = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + j.length + good.length - 8 - n);
      new DataView(out.buffer).setBigUint64(0, BigInt(j.length), true);
      out.set(j, 8);
      out.set(good.subarray(8 + n), 8 + j.length);
      return out;
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /shorter than the 8-byte header length/],
      [good.subarray(0, 20), /header length \d+ does not fit/],
      [new TextEncoder().encode('{"format":"webgpu-rnn/model"}'), /starts like JSON/],
      [good.subarray(0, good.length - 2), /reach past the 10 data bytes|needs 4 bytes|unused|after the last/],
      [edit((h) => (h.a!.data_offsets = [0, 4])), /tensor a: F32 \[2\] needs 8 bytes, data_offsets give 4/],
      [edit((h) => (h.b!.data_offsets = [4, 8])), /tensor a|tensor b: its bytes overlap/],
      [edit((h) => (h.a!.dtype = 'Q7')), /tensor a: unknown dtype "Q7"/],
      [edit((h) => (h.a!.shape = [-2])), /tensor a: shape must be a list of non-negative integers/],
      [edit((h) => (h.b!.data_offsets = [9, 8])), /tensor b: data_offsets must be \[begin, end\]/],
      [edit((h) => delete (h as Record<string, unknown>).b), /4 bytes after the last tensor/],
    ];
    for (const [bytes, re] of cases) {
      let msg = '';
      try {
        decodeSafetensors(bytes, 'x.safetensors');
      } catch (e) {
        expect(e).toBeInstanceOf(InteropError);
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/^x\.safetensors: /);
      expect(msg).toMatch(re);
      expect(msg).not.toContain('\n');
    }
  });
});

describe('PyTorch state_dicts', () => {
  it('export → import is bit-exact for every cell × layers × direction × attention (config, languages, settings, weights)', () => {
    for (const cfg of allConfigs(5, 4)) {
      const m: Model = { ...randomModel(cfg, seed), training: { epochs: 3, seed: 9, splitSeed: 1, testFraction: 0.2, dedup: false, optimizer: 'adam', lr: 0.002, batchSize: 64, noise: 0 } };
      const back = importSafetensors(exportSafetensors(m), { source: describe_(cfg) });
      expect(serializeModel(back), describe_(cfg)).toBe(serializeModel(m));
      expect(new Uint32Array(back.params.buffer)).toEqual(new Uint32Array(m.params.buffer));
    }
  });

  it('exports PyTorch names and shapes: rnn.weight_ih_l0 [G·H, 58], ..._reverse, att.weight [1, D], out.weight [C, D]', () => {
    const cfg: ModelConfig = { cell: 'lstm', hidden: 3, layers: 2, bidirectional: true, attention: true, vocabSize: VOCAB_SIZE, numClasses: 18 };
    const t = toStateDict(randomModel(cfg, 1));
    const shapes = Object.fromEntries([...t].map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      'rnn.weight_ih_l0': [12, 58], 'rnn.bias_ih_l0': [12], 'rnn.weight_hh_l0': [12, 3], 'rnn.bias_hh_l0': [12],
      'rnn.weight_ih_l0_reverse': [12, 58], 'rnn.bias_ih_l0_reverse': [12], 'rnn.weight_hh_l0_reverse': [12, 3], 'rnn.bias_hh_l0_reverse': [12],
      'rnn.weight_ih_l1': [12, 6], 'rnn.bias_ih_l1': [12], 'rnn.weight_hh_l1': [12, 3], 'rnn.bias_hh_l1': [12],
      'rnn.weight_ih_l1_reverse': [12, 6], 'rnn.bias_ih_l1_reverse': [12], 'rnn.weight_hh_l1_reverse': [12, 3], 'rnn.bias_hh_l1_reverse': [12],
      'att.weight': [1, 6], 'att.bias': [1], 'out.weight': [18, 6], 'out.bias': [18],
    });
  });

  it('reads any module prefix, the cell from the gate count, and 18 classes as the tutorial languages', () => {
    const m = fromStateDict(gruDict(), { source: 's' });
    expect(m.config).toEqual({ cell: 'gru', hidden: 2, layers: 1, bidirectional: false, attention: false, vocabSize: 58, numClasses: 18 });
    expect(m.languages).toEqual(TUTORIAL_LANGUAGES);
    const bare = new Map([...gruDict()].map(([k, v]) => [k.replace('rnn.', ''), v]));
    expect(fromStateDict(bare, { source: 's' }).config.cell).toBe('gru');
  });

  it('refuses what it cannot run with one line naming the tensor and what was expected', () => {
    const cases: [(d: Map<string, Tensor>) => void, RegExp, string[]?][] = [
      [(d) => d.delete('rnn.weight_ih_l0'), /no recurrent layer: expected a tensor named weight_ih_l0/],
      [(d) => d.set('enc.weight_ih_l0', d.get('rnn.weight_ih_l0')!), /more than one recurrent module \(rnn\.weight_ih_l0, enc\.weight_ih_l0\)/],
      [(d) => d.delete('rnn.bias_hh_l0'), /tensor rnn\.bias_hh_l0 is missing \(expected \[6\]; models without biases are not supported\)/],
      [(d) => d.set('rnn.weight_ih_l0', { shape: [6, 40], data: new Float32Array(240) }), /tensor rnn\.weight_ih_l0: expected \[6, 58\] .* got \[6, 40\]/],
      [(d) => d.set('rnn.weight_hh_l0', { shape: [4, 2], data: new Float32Array(8) }), /rnn\.weight_hh_l0: shape \[4, 2\] is not \[G × H, H\] with G = 1 \(RNN\), 3 \(GRU\) or 4 \(LSTM\)/],
      [(d) => d.set('rnn.weight_hr_l0', { shape: [2, 2], data: new Float32Array(4) }), /tensor rnn\.weight_hr_l0: not a parameter .* projections/],
      [(d) => d.set('fc.weight', { shape: [18, 3], data: new Float32Array(54) }), /tensor fc\.weight: expected a linear layer on the 2 recurrent features/],
      [(d) => { d.delete('fc.weight'); d.delete('fc.bias'); }, /no classifier head: expected a weight \[classes, 2\]/],
      [(d) => d.set('norm.running_mean', { shape: [2], data: new Float32Array(2) }), /tensor norm\.running_mean: not part of the model/],
      [(d) => d.set('fc.bias', { shape: [17], data: new Float32Array(17) }), /tensor fc\.bias: expected \[18\], got \[17\]/],
      [(d) => d.get('rnn.bias_ih_l0')!.data.fill(NaN), /tensor rnn\.bias_ih_l0 contains NaN or infinity/],
      [(d) => d.set('fc.weight', { shape: [5, 2], data: new Float32Array(10) }).set('fc.bias', { shape: [5], data: new Float32Array(5) }), /fc\.weight has 5 classes; name them in order with --languages/],
      [() => {}, /--languages names 2 languages, but fc\.weight has 18 classes/, ['a', 'b']],
    ];
    for (const [edit, re, languages] of cases) {
      const d = gruDict();
      edit(d);
      let msg = '';
      try {
        fromStateDict(d, { source: 'm.safetensors', languages });
      } catch (e) {
        expect(e).toBeInstanceOf(InteropError);
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/^m\.safetensors: /);
      expect(msg).toMatch(re);
    }
  });

  it('models saved by PyTorch (prefixes of their own, 58 or 57 symbols) predict PyTorch\'s probabilities to 1e-5', async () => {
    const ref = JSON.parse(readFileSync(resolve(FIX, 'pytorch-probs.json'), 'utf8')) as { names: string[]; files: Record<string, { languages: string[]; probs: number[][] }> };
    expect(Object.keys(ref.files).sort()).toEqual(['pytorch-bilstm57.safetensors', 'pytorch-gru.safetensors']);
    for (const [file, r] of Object.entries(ref.files)) {
      // The 18-class file needs no --languages (the tutorial's alphabetical order); the other names its own.
      const model = importSafetensors(fixture(file), { source: file, languages: r.languages.length === 18 ? undefined : r.languages });
      expect(model.languages).toEqual(r.languages);
      const p = new Predictor(new CpuBackend(), model);
      const preds = await p.predict(ref.names);
      p.dispose();
      const err = relErr(preds.flatMap((x) => x.probs), r.probs.flat());
      expect(err, file).toBeLessThan(1e-5);
    }
    expect(importSafetensors(fixture('pytorch-bilstm57.safetensors'), { source: 'x', languages: ['a', 'b', 'c', 'd', 'e'] }).config).toMatchObject({ cell: 'lstm', layers: 2, bidirectional: true, hidden: 4 });
  });
});

/** Our models that PyTorch loaded (scripts/interop/pytorch_fixtures.py): fixed seeds, so the files are reproducible. */
const OURS: Record<string, ModelConfig> = {
  'ours-gru.safetensors': { cell: 'gru', hidden: 6, layers: 1, bidirectional: false, attention: false, vocabSize: VOCAB_SIZE, numClasses: 18 },
  'ours-bi-lstmx2-att.safetensors': { cell: 'lstm', hidden: 4, layers: 2, bidirectional: true, attention: true, vocabSize: VOCAB_SIZE, numClasses: 18 },
  'ours-bi-rnn.safetensors': { cell: 'rnn', hidden: 5, layers: 1, bidirectional: true, attention: false, vocabSize: VOCAB_SIZE, numClasses: 18 },
};
const oursModel = (cfg: ModelConfig, i: number): Model => ({ ...randomModel(cfg, 1000 + i), languages: TUTORIAL_LANGUAGES });

describe('our exports in PyTorch', () => {
  it('the committed exports are what export writes today, and PyTorch computes our logits from them (1e-5)', async () => {
    if (process.env.INTEROP_WRITE_FIXTURES) {
      for (const [i, [file, cfg]] of Object.entries(OURS).entries()) writeFileSync(resolve(FIX, file), exportSafetensors(oursModel(cfg, i)));
    }
    const ref = JSON.parse(readFileSync(resolve(FIX, 'ours-in-pytorch.json'), 'utf8')) as { names: string[]; logits: Record<string, number[][]> };
    expect(Object.keys(ref.logits).sort()).toEqual(Object.keys(OURS).sort());
    for (const [i, [file, cfg]] of Object.entries(OURS).entries()) {
      const model = oursModel(cfg, i);
      const bytes = exportSafetensors(model);
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(fixture(file))), `${file} differs from export's output`).toBe(0);
      const theirs = ref.logits[file];
      expect(theirs, `${file} missing from ours-in-pytorch.json (run scripts/interop/pytorch_fixtures.py)`).toBeDefined();
      const ours = await ourLogits(new CpuBackend(), model, ref.names.map(encodeName));
      expect(relErr(ours, theirs!.flat()), file).toBeLessThan(1e-5);
    }
  });

  it('the model file written from an import is one parseModel accepts', () => {
    const m = importSafetensors(fixture('pytorch-gru.safetensors'), { source: 'g' });
    expect(parseModel(serializeModel(m), 'g').config.hidden).toBe(8);
    const rng = new Rng(seed);
    expect(rng.next()).toBeLessThan(1);
  });
});
