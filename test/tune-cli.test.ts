// `webgpu-rnn tune` and autotuning in `train`, as a user runs them: the table, the cache file in the cache
// folder, a later run reading it, and what happens with a cache file that is not ours.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCache } from '../src/tune/cache.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-tune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SMALL = ['--hidden', '16', '--limit', '300', '--batch', '16'];

describe('webgpu-rnn tune', () => {
  const cache = join(dir, 'cache');
  const file = join(cache, 'tuning.json');
  const env = { WEBGPU_RNN_CACHE_DIR: cache, WEBGPU_RNN_TUNING: 'auto' };

  it('measures the candidates of every kernel shape of the model and keeps them in the cache folder', () => {
    const r = cli(['tune', ...SMALL, '--budget', '300'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kernel and shape\s+dispatches\s+fixed table\s+µs\s+autotuned/m);
    expect(r.stdout).toMatch(/^gru_step_fwd EMB h=16\s+\d+/m);
    expect(r.stdout).toMatch(/^autotuned: \d+ kernel shapes measured in [\d.]+ s/m);
    expect(r.stdout).toContain(`saved     ${file}`);
    const c = parseCache(readFileSync(file, 'utf8'));
    const groups = Object.values(c.adapters).flatMap((a) => Object.values(a.groups));
    expect(groups.length).toBeGreaterThan(5);
    expect(groups.map((g) => g.kernel)).toContain('gru_step_bwd');
  });

  it('train then uses the cache and measures nothing more for the same model', () => {
    const r = cli(['train', ...SMALL, '--epochs', '1', '--device', 'gpu', '--out', join(dir, 'm.json')], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^tuning    autotuned: \\d+ from ${file.replace(/[.]/g, '\\.')}; \\d+ of \\d+ differ from the fixed table$`, 'm'));
    expect(r.stdout).not.toMatch(/measured in/);
  });

  it('--tuning fixed (or WEBGPU_RNN_TUNING=fixed) uses the built-in table', () => {
    const r = cli(['train', ...SMALL, '--epochs', '1', '--device', 'gpu', '--tuning', 'fixed', '--out', join(dir, 'm.json')], env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^tuning /m);
  });

  it('a cache file that is not ours is reported in one line, not used, and not replaced', () => {
    const other = join(dir, 'other');
    const target = join(other, 'tuning.json');
    rmSync(other, { recursive: true, force: true });
    mkdirSync(other);
    writeFileSync(target, 'my notes, not JSON');
    const r = cli(['train', ...SMALL, '--epochs', '1', '--device', 'gpu', '--out', join(dir, 'm2.json')], { WEBGPU_RNN_CACHE_DIR: other, WEBGPU_RNN_TUNING: 'auto' });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('tuning cache'))).toEqual([`note: ignoring the tuning cache ${target}: not JSON (measurements are not kept until it is removed)`]);
    expect(r.stdout).toMatch(/^tuning    autotuned: \d+ kernel shapes measured/m);
    expect(readFileSync(target, 'utf8')).toBe('my notes, not JSON');
  });

  it('bad values are one line each', () => {
    const bad = cli(['train', ...SMALL, '--epochs', '1'], { WEBGPU_RNN_TUNING: 'fast' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("webgpu-rnn train: WEBGPU_RNN_TUNING must be auto or fixed (got 'fast')");
    const budget = cli(['tune', '--budget', '0'], env);
    expect(budget.code).toBe(2);
    expect(budget.stderr.trim().split('\n')).toHaveLength(1);
    expect(budget.stderr).toMatch(/--budget/);
    expect(existsSync(join(dir, 'm3.json'))).toBe(false);
  });
});
