// `node bench` end to end as a user runs it (dist/ is built by test/global-setup.ts): a quick run limited to
// two kernels, one shape and one cell must exit 0 and write a JSON report with the documented fields.
// Benchmarks are measurements, not tests: nothing here looks at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sharedData } from './helpers/cli.js';
import { DEFAULT_SHAPES, parseOptions } from '../bench/options.js';
import { findTorchPython, runTorchPeer } from '../bench/peers/torch.js';

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
    const r = bench(['--quick', '--kernels', 'gemm,adam', '--shapes', 'B64H128', '--cells', 'rnn', '--no-torch', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('== Kernels');
    expect(r.stdout).toMatch(/^summary: rnn B64H128 \d+ names\/s/m);
    expect(r.stdout).toMatch(/^not run \(node bench --full runs everything, with progress\): .* about .* more here/m);
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

  it('by default the ~3-minute subset (first shape, no alternatives or epochs); --full everything, explicit options win', () => {
    const d = parseOptions([])!;
    expect(d.shapes.map((x) => x.label)).toEqual([DEFAULT_SHAPES[0]]);
    expect(d).toMatchObject({ full: false, alternatives: false, epoch: false, peers: false, torch: true });
    const f = parseOptions(['--full'])!;
    expect(f.shapes.map((x) => x.label)).toEqual(DEFAULT_SHAPES);
    expect(f).toMatchObject({ full: true, alternatives: true, epoch: true, peers: true });
    expect(parseOptions(['--shapes', 'B32H64,B64H128', '--epoch'])).toMatchObject({ shapes: [{ label: 'B32H64' }, { label: 'B64H128' }], epoch: true, full: false });
    expect(parseOptions(['--full', '--no-epoch', '--no-torch'])).toMatchObject({ epoch: false, torch: false });
  });
});

describe('the PyTorch peer (bench/peers/torch.ts)', () => {
  it('without a Python that imports torch: one row that says how to get it', async () => {
    const rows = await runTorchPeer({ root: ROOT, data: sharedData(), warmup: 1, batches: 2, maxBatches: 3, timeoutMs: 60_000, log: () => {}, python: '/nonexistent/python3' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ peer: 'pytorch-cpu', learned: false, namesPerSec: 0 });
    expect(rows[0]!.notes).toMatch(/apt-get install python3-torch libopenblas0-pthread.*openblas-pthread/);
  });

  it('with one: trains the same GRU-128 on the same split, packed and padded, and reports names/s (else the how-to row)', async () => {
    const rows = await runTorchPeer({ root: ROOT, data: sharedData(), warmup: 1, batches: 3, maxBatches: 4, timeoutMs: 300_000, log: () => {} });
    if (findTorchPython() === null) {
      expect(rows[0]!.notes).toMatch(/apt-get install python3-torch/);
      return;
    }
    expect(rows.map((r) => r.peer)).toEqual(['pytorch-cpu', 'pytorch-cpu-padded']);
    expect(rows[0]!.notes).toMatch(/timed 3 batches after 1; padded \+ pack_padded_sequence/);
    expect(rows[1]!.notes).toMatch(/timed 3 batches after 1; padded, state at each name end/);
    for (const r of rows) {
      expect(r.notes).toMatch(/the faster of CPU, \d+ threads?, /);
      expect(r.namesPerSec).toBeGreaterThan(0);
      expect(r.batches).toBe(3);
      expect(r.testExamples).toBe(4017); // the project's split: 16,057 / 4,017
      expect(r.lossCurve![0]).toBeGreaterThan(2); // ~ln 18 at the start
    }
  }, 400_000);
});
