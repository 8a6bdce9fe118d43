// `webgpu-rnn import` and `webgpu-rnn export` as a user runs them: a model saved by PyTorch imported and
// predicting PyTorch's probabilities, export → import giving back the same model file byte for byte, an
// ONNX export that ONNX Runtime runs to the same probabilities, and bad input ending in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeName } from '../src/data/vocab.js';
import { cli } from './helpers/cli.js';
import { relErr } from './helpers/interop.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-interop-'));
const FIX = resolve(import.meta.dirname, 'fixtures/interop');
const ref = JSON.parse(readFileSync(join(FIX, 'pytorch-probs.json'), 'utf8')) as { names: string[]; files: Record<string, { languages: string[]; probs: number[][] }> };
const model = join(dir, 'model.json');

function expectCleanError(r: { code: number; stderr: string; stdout: string }, text: RegExp): void {
  expect(r.code, r.stderr + r.stdout).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length, r.stderr).toBe(1);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** predict --json probabilities in the model's language order, one row per name. */
function predictProbs(modelFile: string, names: string[]): number[][] {
  const r = cli(['predict', ...names, '--model', modelFile, '--device', 'cpu', '--json', '--top', '99']);
  expect(r.code, r.stderr).toBe(0);
  const langs = (JSON.parse(readFileSync(modelFile, 'utf8')) as { languages: string[] }).languages;
  return (JSON.parse(r.stdout) as { top: { language: string; prob: number }[] }[]).map((p) => langs.map((l) => p.top.find((t) => t.language === l)!.prob));
}

describe('webgpu-rnn import / export', () => {
  beforeAll(() => {
    const r = cli(['import', join(FIX, 'pytorch-gru.safetensors'), '--out', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*model\.json: gru, hidden 8, 18 languages \(Arabic, Chinese, Czech, \.\.\.\)/);
  });

  it('a GRU saved by PyTorch predicts the probabilities PyTorch computed (1e-5)', () => {
    const err = relErr(predictProbs(model, ref.names).flat(), ref.files['pytorch-gru.safetensors']!.probs.flat());
    expect(err).toBeLessThan(1e-5);
  });

  it('--languages names the classes of a model that does not have 18', () => {
    const out = join(dir, 'lstm.json');
    const langs = ref.files['pytorch-bilstm57.safetensors']!.languages;
    expectCleanError(cli(['import', join(FIX, 'pytorch-bilstm57.safetensors'), '--out', out]), /head\.weight has 5 classes; name them in order with --languages/);
    const r = cli(['import', join(FIX, 'pytorch-bilstm57.safetensors'), '--out', out, '--languages', langs.join(',')]);
    expect(r.code, r.stderr).toBe(0);
    expect(relErr(predictProbs(out, ref.names).flat(), ref.files['pytorch-bilstm57.safetensors']!.probs.flat())).toBeLessThan(1e-5);
  });

  it('export --format safetensors then import gives back the same model file, byte for byte', () => {
    const st = join(dir, 'm.safetensors'), back = join(dir, 'back.json');
    let r = cli(['export', '--model', model, '--out', st]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*m\.safetensors \(safetensors, [\d,]+ bytes\)/);
    r = cli(['import', st, '--out', back]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe(readFileSync(model, 'utf8'));
  });

  it('export --format onnx writes a graph ONNX Runtime runs to the same probabilities', async () => {
    const file = join(dir, 'model.bin');
    const r = cli(['export', '--model', model, '--format', 'onnx', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(file), { logSeverityLevel: 3 });
    expect(session.inputNames).toEqual(['tokens', 'lengths']);
    expect(session.outputNames).toEqual(['logits']);
    const seqs = ref.names.map(encodeName), T = Math.max(...seqs.map((s) => s.length));
    const tokens = new BigInt64Array(seqs.length * T);
    seqs.forEach((s, b) => s.forEach((c, t) => (tokens[b * T + t] = BigInt(c))));
    const out = await session.run({
      tokens: new ort.Tensor('int64', tokens, [seqs.length, T]),
      lengths: new ort.Tensor('int64', BigInt64Array.from(seqs, (s) => BigInt(s.length)), [seqs.length]),
    });
    await session.release();
    const logits = out.logits!.data as Float32Array, C = 18;
    const probs = seqs.flatMap((_, b) => {
      const row = Array.from(logits.subarray(b * C, (b + 1) * C)), m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m)), s = e.reduce((a, v) => a + v, 0);
      return e.map((v) => v / s);
    });
    expect(relErr(probs, ref.files['pytorch-gru.safetensors']!.probs.flat())).toBeLessThan(1e-5);
  });

  it('bad input: one line, non-zero exit, nothing overwritten', () => {
    const keep = join(dir, 'keep.onnx');
    writeFileSync(keep, 'mine');
    expectCleanError(cli(['export', '--model', model, '--out', keep]), /keep\.onnx already exists \(add --force to replace it\)/);
    expect(readFileSync(keep, 'utf8')).toBe('mine');
    expectCleanError(cli(['import', join(FIX, 'pytorch-gru.safetensors'), '--out', model]), /model\.json already exists \(add --force/);
    expectCleanError(cli(['export', '--model', model]), /export needs --out FILE/);
    expectCleanError(cli(['export', '--model', model, '--out', join(dir, 'x.bin')]), /cannot tell the format from .*x\.bin.*--format/);
    expectCleanError(cli(['export', '--model', join(dir, 'none.json'), '--out', join(dir, 'n.onnx')]), /model file .*none\.json does not exist/);
    expectCleanError(cli(['export', '--model', model, '--out', join(dir, 'y.onnx'), '--format', 'tflite']), /--format must be one of safetensors, onnx/);
    expectCleanError(cli(['import', '--out', join(dir, 'z.json')]), /import needs one safetensors file/);
    expectCleanError(cli(['import', join(dir, 'missing.safetensors'), '--out', join(dir, 'z.json')]), /missing\.safetensors does not exist/);
    expectCleanError(cli(['import', model, '--out', join(dir, 'z.json')]), /model\.json: not a safetensors file \(it starts like JSON/);
    expectCleanError(cli(['import', join(FIX, 'pytorch-gru.safetensors'), '--out', join(dir, 'z.json'), '--languages', 'a,b']), /--languages names 2 languages, but model\.fc\.weight has 18 classes/);
    expectCleanError(cli(['import', join(FIX, 'pytorch-gru.safetensors'), '--out', join(dir, 'z.json'), '--languages', 'a,,b']), /--languages has an empty name/);
  });
});
