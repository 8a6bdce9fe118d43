// `node bench` end to end as a user runs it (dist/ is built by test/global-setup.ts): a quick run limited to
// two kernels, one shape and one cell must exit 0 and write a JSON report with the documented fields.
// Benchmarks are measurements, not tests: nothing here looks at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sharedData } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench(args: string[]) {
  return spawnSync(process.execPath, [resolve(ROOT, 'bench/index.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, WEBGPU_RNN_DATA: sharedData() },
    timeout: 110_000,
  });
}

describe('node bench', () => {
  it('--quick on two kernels and one shape writes a complete JSON report', () => {
    const out = join(dir, 'quick.json');
    const r = bench(['--quick', '--kernels', 'gemm,adam', '--shapes', 'B64H128', '--cells', 'rnn', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('== Kernels');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    for (const key of ['date', 'commit', 'node', 'adapter', 'options', 'probe', 'kernels', 'steps']) expect(report).toHaveProperty(key);
    expect(report.node).toBe(process.version);
    expect(report.adapter).toHaveProperty('description');
    expect(report.options.shapes).toEqual(['B64H128']);
    expect(report.probe.roofGflops).toBeGreaterThan(0);
    expect(report.probe.best).toHaveProperty('TM');
    const kernels = new Set(report.kernels.map((k: { kernel: string }) => k.kernel));
    expect([...kernels].sort()).toEqual(['adam', 'gemm']);
    for (const k of report.kernels) {
      for (const f of ['variant', 'shape', 'dims', 'gpuUs', 'cpuUs', 'speedup', 'gflops', 'gbps', 'roofPct', 'check']) expect(k).toHaveProperty(f);
      expect(k.gpuUs).toBeGreaterThan(0);
      expect(k.check).toBe('ok');
    }
    expect(report.steps.length).toBeGreaterThan(0);
    for (const s of report.steps) {
      for (const f of ['model', 'shape', 'step', 'epoch', 'breakdown', 'gflops']) expect(s).toHaveProperty(f);
      expect(s.step.namesPerSec).toBeGreaterThan(0);
      expect(s.step.dispatchesPerBatch).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown option with exit status 2 and one line', () => {
    const r = bench(['--no-such-option']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !l.includes('artificially reduced'))).toHaveLength(1);
  });
});
