// The command line as a user meets it: a real (small) training run, prediction and evaluation, and every
// kind of bad input ending in one clear line, a non-zero exit, no stack trace and no file written.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, sharedData } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-cli-'));
const model = join(dir, 'model.json');

function expectCleanError(r: { code: number; stderr: string; stdout: string }, code: number, text: RegExp): void {
  expect(r.code, r.stderr + r.stdout).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length, r.stderr).toBe(1);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('webgpu-rnn CLI', () => {
  beforeAll(() => {
    const r = cli(['train', '--model', 'gru', '--hidden', '32', '--epochs', '2', '--limit', '3000', '--out', model]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('train prints the run and per-epoch loss, accuracy, macro-F1 and speed, and writes a model file', () => {
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.format).toBe('webgpu-rnn/model');
    expect(m.config).toMatchObject({ cell: 'gru', hidden: 32 });
    expect(m.languages).toHaveLength(18);
    expect(m.training.epochs).toBe(2);
  });

  it('predict gives the top languages with probabilities; unknown characters are read as _', () => {
    const r = cli(['predict', 'Nguyen', 'Søren', '1234', '--model', model, '--top', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines.slice(0, 2)) expect(l.match(/\d+\.\d%/g)).toHaveLength(3);
    expect(lines[1]).toContain("read as 'S_ren'");
    // No letter at all: said so, no confident-looking ranking.
    expect(lines[2]).toMatch(/^1234 +no letter a–z \(read as '____'\): nothing to go on, so no guess$/);
    const j = JSON.parse(cli(['predict', 'Nguyen', '--model', model, '--json']).stdout);
    const probs = j[0].top.map((t: { prob: number }) => t.prob);
    expect(probs[0]).toBeGreaterThanOrEqual(probs[1]);
  });

  it('eval rebuilds the test split and reports accuracy, macro-F1, per-language metrics and a confusion matrix', () => {
    const r = cli(['eval', '--model', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.count).toBe(4017);
    expect(j.perClass).toHaveLength(18);
    expect(j.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(4017);
    const saved = JSON.parse(readFileSync(model, 'utf8')).training.testAccuracy;
    expect(j.accuracy).toBeCloseTo(saved, 6); // same split, same weights, same answer
    const text = cli(['eval', '--model', model]).stdout;
    expect(text).toMatch(/accuracy \d+\.\d%/);
    expect(text).toContain('confusion matrix');
  });

  it('predict --explain prints each character with its attention weight (attention models only)', () => {
    const att = join(dir, 'att.json');
    expect(cli(['train', '--attention', '--hidden', '8', '--epochs', '1', '--limit', '500', '--out', att]).code).toBe(0);
    const r = cli(['predict', 'Papadopoulos', 'Søren', '--explain', '--json', '--model', att]);
    expect(r.code, r.stderr).toBe(0);
    for (const p of JSON.parse(r.stdout)) {
      expect(p.attention).toHaveLength(p.normalized.length);
      expect(p.attention.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(cli(['predict', 'Papadopoulos', '--explain', '--model', att]).stdout).toContain('attention weight of each character');
    expectCleanError(cli(['predict', 'Nguyen', '--explain', '--model', model]), 2, /--explain needs a model trained with --attention/);
  });

  it('--dropout trains two stacked layers with dropout, says so, and records the rate in the model file', () => {
    const out = join(dir, 'dropout.json');
    const r = cli(['train', '--layers', '2', '--dropout', '0.3', '--hidden', '16', '--epochs', '1', '--limit', '1500', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dropout 0\.3/);
    const m = JSON.parse(readFileSync(out, 'utf8'));
    expect(m.config).toMatchObject({ layers: 2 });
    expect(m.training.dropout).toBe(0.3);
    expectCleanError(cli(['train', '--dropout', '1']), 2, /--dropout/);
  });

  it('--device cpu trains on the CPU path and says the path was forced', () => {
    const out = join(dir, 'cpu.json');
    const r = cli(['train', '--device', 'cpu', '--hidden', '8', '--epochs', '1', '--limit', '300', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/device +CPU path/);
    expect(r.stderr).toMatch(/--device cpu forced that path; the default --device auto times both/);
    expect(existsSync(out)).toBe(true);
  });

  it('--device auto (the default) times both paths, prints both rates, trains on the faster, as if forced', () => {
    const out = join(dir, 'auto.json');
    const args = ['--hidden', '8', '--epochs', '1', '--limit', '300'];
    const r = cli(['train', ...args, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = /choice +auto: WebGPU ([\d,]+) names\/s, CPU path ([\d,]+) names\/s .*: (WebGPU|the CPU path) is [\d.]+x faster → (WebGPU|CPU path)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [gpu, cpu] = [Number(m![1]!.replace(/,/g, '')), Number(m![2]!.replace(/,/g, ''))];
    const chosen = m![4] === 'WebGPU' ? 'gpu' : 'cpu';
    expect(chosen).toBe(gpu >= cpu ? 'gpu' : 'cpu');
    expect(r.stdout).toMatch(chosen === 'gpu' ? /device +WebGPU:/ : /device +CPU path/);
    // The timing runs on throwaway trainers: the model is the one the forced path trains.
    const forced = join(dir, 'forced.json');
    expect(cli(['train', ...args, '--device', chosen, '--out', forced]).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).params).toEqual(JSON.parse(readFileSync(forced, 'utf8')).params);
  });

  it('bad options: unknown option, unknown model, malformed number, stray argument', () => {
    expectCleanError(cli(['train', '--bogus']), 2, /unknown option --bogus/);
    expectCleanError(cli(['train', '--model', 'transformer']), 2, /--model must be one of rnn, gru, lstm/);
    expectCleanError(cli(['train', '--hidden', 'big']), 2, /--hidden expects an integer/);
    expectCleanError(cli(['train', '--hidden', '0x20']), 2, /--hidden expects an integer, got '0x20'/);
    expectCleanError(cli(['train', '--lr', '0']), 2, /--lr must be greater than 0/);
    expectCleanError(cli(['train', 'extra']), 2, /no positional arguments/);
    expectCleanError(cli(['frobnicate']), 2, /unknown command 'frobnicate'/);
  });

  it('bad data: corrupt zip, zip without names, empty language file, missing path', () => {
    const corrupt = join(dir, 'corrupt.zip');
    writeFileSync(corrupt, readFileSync(sharedData()).subarray(0, 5000));
    expectCleanError(cli(['train', '--data', corrupt, '--out', join(dir, 'x.json')]), 1, /corrupt\.zip.*(not a valid zip|zip)/i);
    const empty = join(dir, 'nonames.zip');
    writeFileSync(empty, zipSync({ 'readme.txt': strToU8('hello') }));
    expectCleanError(cli(['train', '--data', empty, '--out', join(dir, 'x.json')]), 1, /contains no data\/names/);
    const emptyLang = join(dir, 'emptylang.zip');
    writeFileSync(emptyLang, zipSync({ 'data/names/Greek.txt': strToU8(''), 'data/names/Irish.txt': strToU8('Murphy\n') }));
    expectCleanError(cli(['train', '--data', emptyLang, '--out', join(dir, 'x.json')]), 1, /Greek\.txt has no names/);
    expectCleanError(cli(['train', '--data', join(dir, 'nope.zip')]), 1, /does not exist/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('sizes the adapter cannot hold fail clearly and leave an existing model file untouched', () => {
    const keep = join(dir, 'keep.json');
    const previous = readFileSync(model, 'utf8'); // a model file: replacing it would be allowed, so only the failure keeps it
    writeFileSync(keep, previous);
    expectCleanError(cli(['train', '--hidden', '60000', '--out', keep]), 1, /MiB.*(hidden size|batch)/);
    expectCleanError(cli(['train', '--batch', '1000000', '--out', keep]), 1, /MiB|workgroups/);
    expect(readFileSync(keep, 'utf8')).toBe(previous);
  });

  it('bad model files: missing, damaged, another version, not a model', () => {
    expectCleanError(cli(['predict', 'Nguyen', '--model', join(dir, 'missing.json')]), 1, /does not exist/);
    const text = readFileSync(model, 'utf8');
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, text.slice(0, text.length / 2));
    expectCleanError(cli(['predict', 'Nguyen', '--model', damaged]), 1, /damaged/);
    const other = join(dir, 'v99.json');
    writeFileSync(other, JSON.stringify({ ...JSON.parse(text), version: 99 }));
    expectCleanError(cli(['predict', 'Nguyen', '--model', other]), 1, /version 99 is not supported/);
    const notModel = join(dir, 'package.json');
    writeFileSync(notModel, '{"name": "x"}');
    expectCleanError(cli(['eval', '--model', notModel]), 1, /not a webgpu-rnn model file/);
  });

  it('predict: an empty name is an error, no name is a usage error', () => {
    expectCleanError(cli(['predict', '', '--model', model]), 1, /name 1 of 1 is empty/);
    expectCleanError(cli(['predict', '--model', model]), 2, /needs at least one name/);
  });

  it('without a WebGPU adapter, --device gpu names the fix; auto runs the CPU path and says so', () => {
    const noAdapter = { VK_DRIVER_FILES: '/nonexistent.json', VK_ICD_FILENAMES: '/nonexistent.json' };
    const r = cli(['predict', 'Nguyen', '--model', model, '--device', 'gpu'], noAdapter);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no WebGPU adapter found.*setup-webgpu\.sh.*--device cpu/);
    const auto = cli(['predict', 'Nguyen', '--model', model], noAdapter);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/no WebGPU adapter here, so the CPU path runs/);
    expect(auto.stdout).toMatch(/^Nguyen +\S+ [\d.]+%/m);
  });
});

describe('webgpu-rnn CLI: validation names and calibration', () => {
  it('train holds out validation names and stores the temperature fitted on them', () => {
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.version).toBe(2);
    expect(m.training).toMatchObject({ valFraction: 0.1, keptEpoch: 2 });
    expect(m.calibration.temperature).toBeGreaterThan(0);
    expect(m.calibration.names).toBe(1607);
    expect(m.calibration.nllAfter).toBeLessThanOrEqual(m.calibration.nllBefore);
  });

  it('eval reports NLL, Brier and ECE before and after the temperature and draws a reliability diagram', () => {
    const svg = join(dir, 'reliability.svg');
    const r = cli(['eval', '--model', model, '--reliability', svg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/calibration \(ECE over 15 confidence bins; temperature \d+\.\d+, fitted on 1607 validation names\)/);
    expect(r.stdout).toMatch(/before \(T = 1\)\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}/);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*before: T = 1[\s\S]*after: T = [\s\S]*<\/svg>$/);
    // On the names it was fitted on, the temperature cannot make the NLL worse.
    const v = JSON.parse(cli(['eval', '--model', model, '--split', 'val', '--json']).stdout);
    expect(v.count).toBe(1607);
    expect(v.calibration.temperature).toBe(JSON.parse(readFileSync(model, 'utf8')).calibration.temperature);
    expect(v.calibration.after.nll).toBeLessThanOrEqual(v.calibration.before.nll + 1e-9);
    expect(v.calibration.after.accuracy).toBe(v.calibration.before.accuracy);
  });

  it('a version-1 model file (no calibration, no validation names) predicts with temperature 1', () => {
    const doc = JSON.parse(readFileSync(model, 'utf8'));
    const old = join(dir, 'v1.json');
    const { valFraction: _v, valSeed: _s, keptEpoch: _k, ...training } = doc.training;
    writeFileSync(old, JSON.stringify({ ...doc, version: 1, calibration: undefined, training }));
    const j = JSON.parse(cli(['eval', '--model', old, '--json']).stdout);
    expect(j.calibration.temperature).toBe(1);
    expect(j.calibration.after).toEqual(j.calibration.before);
    const [p1] = JSON.parse(cli(['predict', 'Nguyen', '--model', old, '--json']).stdout);
    const [p2] = JSON.parse(cli(['predict', 'Nguyen', '--model', model, '--json']).stdout);
    expect(p1.top[0].language).toBe(p2.top[0].language);
    expect(p1.top[0].prob).not.toBeCloseTo(p2.top[0].prob, 6); // the temperature changes the probabilities
    expectCleanError(cli(['eval', '--model', old, '--split', 'val']), 1, /trained without validation names/);
  });

  it('predict flags a name mostly outside the vocabulary, and still answers', () => {
    // A name with a letter but mostly outside the vocabulary is answered and flagged; one with no letter
    // a-z at all gets no ranking (and so no flag either).
    const r = cli(['predict', '李小a', 'Søren', '李小龍', '--model', model]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^李小a\s+\S+ \d+\.\d%/);
    expect(lines[1]).toMatch(/2 of 3 symbols of '李小a' are outside the vocabulary/);
    expect(lines[2]).toMatch(/^Søren/); // one of five: not flagged
    expect(lines[3]).toMatch(/^李小龍\s+no letter a–z/);
    const j = JSON.parse(cli(['predict', '李小a', 'Søren', '--model', model, '--json']).stdout);
    expect(j.map((p: { mostlyOutOfVocabulary: boolean }) => p.mostlyOutOfVocabulary)).toEqual([true, false]);
  });

  it('--early-stop keeps the best epoch and needs validation names', () => {
    const out = join(dir, 'early.json');
    const r = cli(['train', '--hidden', '8', '--epochs', '2', '--limit', '300', '--early-stop', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/early stop after 1 epoch without a better validation loss/);
    const m = JSON.parse(readFileSync(out, 'utf8'));
    expect(m.training.earlyStop).toBe(1);
    expect(m.training.keptEpoch).toBeGreaterThanOrEqual(1);
    expectCleanError(cli(['train', '--early-stop', '2', '--val-fraction', '0']), 2, /--early-stop needs validation names/);
    expectCleanError(cli(['train', '--val-fraction', '0.95']), 2, /--val-fraction must be at most 0\.9/);
  });
});
