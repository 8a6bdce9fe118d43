// The generation commands as a user meets them: train --task generate, generate (every option, CPU and GPU
// giving the same names), eval of a language model (NLL, --judge), and every bad input ending in one clear
// line and a non-zero exit.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-gen-'));
const lm = join(dir, 'lm.json');
const classifier = join(dir, 'clf.json');

function expectCleanError(r: { code: number; stderr: string; stdout: string }, code: number, text: RegExp): void {
  expect(r.code, r.stderr + r.stdout).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length, r.stderr).toBe(1);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('webgpu-rnn generate', () => {
  let trainOut = '';
  beforeAll(() => {
    const r = cli(['train', '--task', 'generate', '--hidden', '32', '--epochs', '2', '--limit', '3000', '--out', lm]);
    expect(r.code, r.stderr).toBe(0);
    trainOut = r.stdout;
    const c = cli(['train', '--hidden', '16', '--epochs', '1', '--limit', '2000', '--out', classifier]);
    expect(c.code, c.stderr).toBe(0);
  });

  it('train --task generate prints the test NLL per epoch and writes a model file that says its task', () => {
    expect(trainOut).toMatch(/epoch 1\/2 +train loss \d\.\d+ +test NLL \d\.\d+ nats\/symbol \(\d\.\d+ bits, perplexity \d+\.\d+\)/);
    expect(trainOut).toMatch(/epoch 2\/2 /);
    const m = JSON.parse(readFileSync(lm, 'utf8'));
    expect(m.task).toBe('generate');
    expect(m.config).toMatchObject({ task: 'generate', conditions: 18, numClasses: 59, hidden: 32 });
    expect(m.training.testNll).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(classifier, 'utf8')).task).toBe('classify');
  });

  it('generate prints names, marks those of the training data, and the CPU draws the same names', () => {
    const args = ['generate', '--model', lm, '--language', 'rUSSIAN', '--count', '12', '--temperature', '0.9', '--seed', '5'];
    const r = cli(args);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Russian (temperature 0.9, seed 5):');
    expect(lines).toHaveLength(14);
    expect(lines[13]).toMatch(/^\d+\/12 new \(\d+\.\d%/);
    expect(cli([...args, '--device', 'cpu']).stdout).toBe(r.stdout);
  });

  it('--json gives per-symbol log-probs; --start, --top-k, --max-length and --language all', () => {
    const j = JSON.parse(cli(['generate', '--model', lm, '--language', 'Greek', '--count', '5', '--start', 'Pa', '--top-k', '3', '--max-length', '8', '--json']).stdout);
    expect(j).toHaveLength(5);
    for (const n of j) {
      expect(n.name.startsWith('Pa')).toBe(true);
      expect(n.name.length).toBeLessThanOrEqual(8);
      expect(n.language).toBe('Greek');
      expect(typeof n.new).toBe('boolean');
      expect(n.symbols.length).toBe(n.complete ? n.name.length + 1 : n.name.length);
      for (const s of n.symbols) expect(s.logProb).toBeLessThanOrEqual(0);
      expect(n.logProb).toBeCloseTo(n.symbols.reduce((a: number, s: { logProb: number }) => a + s.logProb, 0), 4);
    }
    const all = cli(['generate', '--model', lm, '--language', 'all', '--count', '2']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.match(/^\S.*\(temperature/gm)).toHaveLength(18);
  });

  it('eval of a language model: NLL in nats and bits, perplexity; --judge scores generated names with a classifier', () => {
    const j = JSON.parse(cli(['eval', '--model', lm, '--json']).stdout);
    expect(j.names).toBe(4017);
    expect(j.nll).toBeCloseTo(JSON.parse(readFileSync(lm, 'utf8')).training.testNll, 4);
    expect(j.bitsPerSymbol).toBeCloseTo(j.nll / Math.LN2, 6);
    expect(j.perplexity).toBeCloseTo(Math.exp(j.nll), 4);
    const r = cli(['eval', '--model', lm, '--judge', classifier, '--judge-count', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/NLL \d\.\d{4} nats\/symbol +\d\.\d{4} bits\/symbol +perplexity/);
    expect(r.stdout).toMatch(/T=0\.5 recognized/);
    expect(r.stdout).toMatch(/^mean +\d+\.\d% +\d+\.\d% +\d+\.\d% +\d+\.\d%/m);
  });

  it('bad input: one clear line and a non-zero exit', () => {
    expectCleanError(cli(['generate', '--model', lm, '--language', 'Klingon']), 1, /unknown language 'Klingon' \(languages: Arabic, Chinese, .*, Vietnamese, or all\)/);
    expectCleanError(cli(['generate', '--model', lm, '--language', 'Czech', '--count', '0']), 2, /--count must be at least 1, got 0/);
    expectCleanError(cli(['generate', '--model', lm, '--language', 'Czech', '--temperature', '0']), 2, /--temperature must be greater than 0, got 0/);
    expectCleanError(cli(['generate', '--model', lm, '--language', 'Czech', '--temperature', '-1']), 2, /--temperature must be greater than 0, got -1/);
    expectCleanError(cli(['generate', '--model', lm, '--language', 'Czech', '--start', 'Dvoř']), 1, /--start 'Dvoř': character 'ř' is not in the vocabulary/);
    expectCleanError(cli(['generate', '--model', lm]), 2, /needs --language \(one of Arabic, .*, or all\)/);
    expectCleanError(cli(['generate', '--model', classifier, '--language', 'Czech']), 2, /is a classifier .* train --task generate/);
    expectCleanError(cli(['predict', 'Nguyen', '--model', lm]), 2, /is a language model .* generate/);
    expectCleanError(cli(['eval', '--model', classifier, '--judge', lm]), 2, /--judge is for language models/);
    expectCleanError(cli(['eval', '--model', lm, '--judge', lm]), 2, /needs a classifier/);
    expectCleanError(cli(['train', '--task', 'generate', '--bidirectional', '--out', join(dir, 'x.json')]), 2, /--bidirectional is for classifiers/);
    expectCleanError(cli(['train', '--task', 'generate', '--attention', '--out', join(dir, 'x.json')]), 2, /--attention is for classifiers/);
    expectCleanError(cli(['train', '--task', 'nonsense']), 2, /--task must be one of classify, generate/);
    expectCleanError(cli(['export', '--model', lm, '--out', join(dir, 'lm.onnx')]), 2, /is a language model .* export writes classifiers only/);
  });
});
