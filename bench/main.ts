// `node bench`: kernel, training-step and epoch benchmarks on this machine's WebGPU adapter.
// Sections: the probe (roof), the kernel table, the training steps/epochs, optionally the TF.js peers.
// Tables go to stdout, progress to stderr, everything to bench/results/<date>-<adapter>.json.
// Benchmarks are measurements, never tests: nothing here asserts a time. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GpuBackend } from '../src/gpu/backend.js';
import { describeAdapter, type AdapterSummary } from '../src/gpu/device.js';
import { DispatchTimer } from '../src/gpu/timer.js';
import { tuningFor } from '../src/tune/tuning.js';
import { ALL_KERNELS } from '../src/kernels.js';
import { cellSpec, type CellSpec } from '../src/model/cells.js';
import { CELL_TYPES, type CellType } from '../src/model/config.js';
import { resolveRecurrence, type Recurrence } from '../src/tune/recurrence.js';
import { requestNodeDevice } from '../src/node/device.js';
import { FileError, prepareOutput, writeFileAtomic } from '../src/node/files.js';
import { kernelCases } from './cases.js';
import { batchAt, loadBenchData, SHUFFLE_SEED, SPLIT, typicalRows, type BenchData } from './data.js';
import { runKernelCase, type KernelRow } from './kernels.js';
import { tunablesLabel } from './cases.js';
import { HELP, parseOptions, UsageError, type BenchOptions } from './options.js';
import { runProbe, type ProbeResult } from './probe.js';
import { attentionSupported, autotuneStep, runStepConfig, type StepRow } from './steps.js';
import { TunedTuning, type GroupResult } from '../src/tune/autotune.js';
import { tuneTable } from '../src/cli/tuning.js';
import type { Tunables } from '../src/core/kernel.js';
import { runSampling, type SampleRow } from './generate.js';
import { fmt, table } from './table.js';
import { stepAlternatives, type StepAlternative } from './variants.js';
import { Eta, formatDuration } from './eta.js';
import { DEFAULT_SHAPES } from './options.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..'); // dist/bench.js -> project root
const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
const out = (s = ''): void => void process.stdout.write(`${s}\n`);

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** 'mesa-llvmpipe', 'nvidia-hopper': vendor plus architecture, or the description's first word. */
export function adapterSlug(s: AdapterSummary): string {
  const generic = /^(|unknown|software)$/i.test(s.architecture);
  const second = generic ? s.description.split(/[\s:(]/)[0]! : s.architecture;
  const slug = `${s.vendor}-${second}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return slug || 'adapter';
}

function validate(o: BenchOptions): void {
  const known = new Set([...ALL_KERNELS.map((k) => k.name)]);
  for (const k of o.kernels) if (!known.has(k)) throw new UsageError(`unknown kernel '${k}' (known: ${[...known].join(', ')})`);
  for (const c of o.cells) if (!(CELL_TYPES as readonly string[]).includes(c)) throw new UsageError(`unknown cell '${c}' (known: ${CELL_TYPES.join(', ')})`);
}

// ---- sections ---------------------------------------------------------------------------------------

function printProbe(p: ProbeResult, s: AdapterSummary): void {
  out('== Probe: our gemm (shaders/gemm.wgsl) over tiles WG_X x WG_Y invocations, TM x TN per invocation');
  // The finalists at the largest size, then the best few of the first stage.
  const sizes = [...new Set(p.tiles.map((r) => r.size))].sort((a, b) => b - a);
  const bySpeed = (n: number) => {
    // Best reading per tile (the finalists were measured twice at the first size).
    const best = new Map<string, ProbeResult['tiles'][number]>();
    for (const r of p.tiles.filter((r) => r.size === n)) {
      const k = `${r.WG_X}/${r.WG_Y}/${r.TM}/${r.TN}`;
      if (!best.has(k) || best.get(k)!.gflops < r.gflops) best.set(k, r);
    }
    return [...best.values()].sort((a, b) => b.gflops - a.gflops);
  };
  const shown = sizes.length > 1 ? [...bySpeed(sizes[0]!), ...bySpeed(sizes[sizes.length - 1]!).slice(0, 8)] : bySpeed(sizes[0]!).slice(0, 12);
  out(table(
    [{ header: 'n^3' }, { header: 'WG_X' }, { header: 'WG_Y' }, { header: 'TM' }, { header: 'TN' }, { header: 'ms', digits: 2 }, { header: 'GFLOP/s', digits: 2 }],
    shown.map((r) => [r.size, r.WG_X, r.WG_Y, r.TM, r.TN, r.ms, r.gflops]),
  ));
  out(`(${p.tiles.length} measurements; all in the JSON)`);
  const b = p.best;
  out(`best tile: WG_X=${b.WG_X} WG_Y=${b.WG_Y} TM=${b.TM} TN=${b.TN} — ${Object.entries(p.bestBySize).map(([n, g]) => `${fmt(g, 2)} GFLOP/s at ${n}^3`).join(', ')}` +
    ` (WGSL default 16x4/4x4: ${Object.entries(p.defaultBySize).map(([n, g]) => `${fmt(g, 2)} at ${n}^3`).join(', ')})`);
  out(`roof (best gemm rate seen): ${fmt(p.roofGflops, 2)} GFLOP/s;  dispatch floor: ${fmt(p.dispatchFloorUs, 1)} µs;  stream (adam, ${p.streamElements} elements): ${fmt(p.streamGBps, 2)} GB/s`);
  const known = tuningFor(s);
  const same = known.gemm.WG_X === b.WG_X && known.gemm.WG_Y === b.WG_Y && known.gemm.TM === b.TM && known.gemm.TN === b.TN;
  out(`src/tune/tuning.ts '${known.name}' tile for large products: ${JSON.stringify(known.gemm)} (${known.source})${same ? ' — matches the probe' : ' — differs from the probe'}`);
  if (!same) {
    const g = p.bestBySize['1024'] ?? p.roofGflops;
    out(`  to record the probe's tile for this adapter, give its entry in src/tune/tuning.ts gemm: ${JSON.stringify(b).replace(/"/g, '')}, gemmGflops: ${fmt(g, 1)} (after checking the training shapes in the kernel table: '+tile' rows)`);
  }
  out();
}

function printKernels(rows: KernelRow[]): void {
  out(table(
    [
      { header: 'kernel', align: 'left' }, { header: 'variant', align: 'left' }, { header: 'tunables', align: 'left' }, { header: 'shape', align: 'left' }, { header: 'dims', align: 'left' },
      { header: 'gpu µs' }, { header: 'cpu µs' }, { header: 'speedup' }, { header: 'GFLOP/s', digits: 2 }, { header: 'GB/s', digits: 2 },
      { header: '%roof', digits: 1 }, { header: '%bw', digits: 1 }, { header: 'check', align: 'left' },
    ],
    rows.map((r) => [r.kernel, r.variant, tunablesLabel(r.tunables ?? {}), r.shape, r.dims, r.gpuUs, r.cpuUs, r.speedup, r.gflops, r.gbps, r.roofPct, r.bwPct, r.note ?? r.check ?? '']),
  ));
}

function printSteps(rows: StepRow[]): void {
  out(table(
    [
      { header: 'model', align: 'left' }, { header: 'shape', align: 'left' }, { header: 'params' }, { header: 'rows' },
      { header: 'ms/batch', digits: 1 }, { header: 'names/s', digits: 0 }, { header: 'symbols/s', digits: 0 }, { header: 'disp/batch', digits: 1 }, { header: 'subm/batch', digits: 2 },
      { header: 'GFLOP/s', digits: 2 }, { header: '%roof', digits: 1 }, { header: 'Σkernels ms', digits: 1 },
      { header: 'epoch s', digits: 1 }, { header: 'epoch names/s', digits: 0 }, { header: 'epoch ms/batch', digits: 1 },
      { header: 'vs prod (paired)', digits: 2 },
    ],
    rows.map((r) => [
      r.model, r.shape, r.params, Math.round(r.rows), r.step.msPerBatch, r.step.namesPerSec, (1000 * r.rows) / r.step.msPerBatch, r.step.dispatchesPerBatch, r.step.submitsPerBatch,
      r.gflops, r.roofPct, r.breakdownMs, r.epoch?.seconds, r.epoch?.namesPerSec, r.epoch?.msPerBatch,
      r.pairedSpeedup === null ? '' : `${fmt(r.pairedSpeedup, 2)}x`,
    ]),
  ));
  out();
  for (const alt of new Set(rows.map((r) => r.alternative).filter(Boolean))) out(`${rows.find((r) => r.alternative === alt)!.model.split('/')[1]}: ${alt}`);
  out(`tuning: ${[...new Set(rows.filter((r) => !r.alternative).map((r) => r.tuning))].join(', ')} (src/tune/tuning.ts) for the rows without an alternative`);
  out('Per-kernel share of one step (each dispatch of the step replayed alone; % of their sum), by kernel:');
  const share = (b: StepRow['breakdown'][number]) => `${b.kernel} ${fmt(b.pct, 1)}% (${b.dispatches}x, ${fmt(b.ms, 2)} ms)`;
  for (const r of rows) out(`  ${r.model} ${r.shape}: ${r.byKernel.map(share).join('; ')}`);
  out('… and by kernel and tunables:');
  for (const r of rows) out(`  ${r.model} ${r.shape}: ${r.breakdown.map(share).join('; ')}`);
}

/**
 * INTEGRATION POINT for the TF.js peer comparison (`--peers`): bench/peers/index.ts (owned by the peers
 * work) exports runPeers(opts). It is bundled at run time with the project's esbuild (a dev dependency)
 * into node_modules/.cache and imported from there, so dist/bench.js neither carries the peers' code nor
 * needs it to build; when the file or esbuild is missing, --peers prints a note and the bench goes on.
 */
async function runPeersIfPresent(opts: BenchOptions, data: BenchData, extra: Record<string, unknown> = {}): Promise<unknown> {
  const src = resolve(ROOT, 'bench/peers/index.ts');
  if (!existsSync(src)) return { skipped: 'bench/peers/index.ts is not present' };
  let mod: { runPeers?: (o: Record<string, unknown>) => Promise<unknown> };
  try {
    const esbuild = createRequire(resolve(ROOT, 'package.json'))('esbuild') as typeof import('esbuild');
    const outfile = resolve(ROOT, 'node_modules/.cache/webgpu-rnn-bench/peers.mjs');
    await esbuild.build({
      entryPoints: [src], outfile, bundle: true, platform: 'node', format: 'esm', target: 'es2022',
      external: ['webgpu', 'esbuild'], loader: { '.wgsl': 'text' }, logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const url = pathToFileURL(outfile).href;
    mod = await import(url);
  } catch (e) {
    return { skipped: `bench/peers/index.ts could not be loaded: ${(e as Error).message}` };
  }
  if (typeof mod.runPeers !== 'function') return { skipped: 'bench/peers/index.ts exports no runPeers' };
  return await mod.runPeers({ quick: opts.quick, data: { source: data.source }, root: ROOT, log, torch: opts.torch, ...extra });
}

/**
 * The peers' rows, if runPeers returned the documented PeerResult[], with the ratio of our GRU-128 batch-64
 * training steps (the production row of this run's step table, when it measured B64H128) to each peer's.
 */
function printPeers(result: unknown, ours: StepRow | undefined): void {
  if (!Array.isArray(result)) {
    out(`peers: ${JSON.stringify(result)}`);
    return;
  }
  out('== Peers (TF.js and PyTorch, GRU-128, batch 64, same data, split and optimizer; bench/peers/README.md)');
  out(ours
    ? `ours: webgpu-rnn gru B64H128 training steps in this run, ${ours.step.namesPerSec.toFixed(0)} names/s (recurrence '${ours.recurrence}')`
    : 'ours: not measured in this run (add --shapes B64H128 and the gru cell to the steps section for the ratio)');
  out(table(
    [{ header: 'peer', align: 'left' }, { header: 'learned', align: 'left' }, { header: 'names/s', digits: 0 }, { header: 'ms/batch', digits: 1 }, { header: 'ours/theirs', align: 'right' }, { header: 'notes', align: 'left' }],
    result.map((r: Record<string, unknown>) => {
      const theirs = Number(r.namesPerSec);
      const ratio = ours && theirs > 0 && r.learned === true ? `${(ours.step.namesPerSec / theirs).toFixed(1)}x` : '-';
      return [String(r.peer), String(r.learned), theirs, Number(r.msPerBatch), ratio, String(r.notes ?? '').slice(0, 100)];
    }),
  ));
  // The headline: ours against PyTorch on the CPU, beside TF.js on the same adapter, from this one run.
  const ratioTo = (peer: string): string | null => {
    const r = (result as Record<string, unknown>[]).find((x) => x.peer === peer);
    const theirs = Number(r?.namesPerSec);
    return ours && r && r.learned === true && theirs > 0 ? `${(ours.step.namesPerSec / theirs).toFixed(2)}x` : null;
  };
  const torch = (result as Record<string, unknown>[]).find((x) => x.peer === 'pytorch-cpu');
  if (torch && !(Number(torch.namesPerSec) > 0)) out(`pytorch-cpu: ${String(torch.notes)}`);
  if (ours) {
    out(`ours / PyTorch CPU: packed ${ratioTo('pytorch-cpu') ?? '-'}, padded ${ratioTo('pytorch-cpu-padded') ?? '-'};  ours / TF.js webgpu: ${ratioTo('tfjs-webgpu') ?? '-'} (GRU-128 batch-64 training steps, this run)`);
  }
  out();
}

/** One line with the headline: our GRU-128 batch-64 training steps, their share of the roof, and PyTorch's ratio. */
function printSummary(ours: StepRow | undefined, roof: number | null, peers: unknown, steps: StepRow[]): void {
  if (!ours) {
    if (steps.length) out(`summary: ${steps.map((r) => `${r.model} ${r.shape} ${r.step.namesPerSec.toFixed(0)} names/s`).join(', ')} (no gru B64H128 row for the headline)`);
    return;
  }
  // Against the faster of PyTorch's two formulations (bench/peers/torch.ts) that learned.
  const rows = Array.isArray(peers) ? (peers as Record<string, unknown>[]).filter((p) => p.backend === 'pytorch') : [];
  const good = rows.filter((p) => p.learned === true && Number(p.namesPerSec) > 0);
  const torch = good.length ? good.reduce((a, b) => (Number(b.namesPerSec) > Number(a.namesPerSec) ? b : a)) : rows[0];
  const theirs = Number(torch?.namesPerSec);
  const vs = torch && torch.learned === true && theirs > 0
    ? `PyTorch CPU (${torch.peer === 'pytorch-cpu' ? 'packed' : 'padded'}, its faster here) ${theirs.toFixed(0)} names/s: ours/PyTorch ${(ours.step.namesPerSec / theirs).toFixed(2)}x`
    : torch ? `PyTorch: ${String(torch.notes).slice(0, 160)}` : 'PyTorch not run (--no-torch)';
  out(`summary: GRU-128 batch 64 training steps ${ours.step.namesPerSec.toFixed(0)} names/s (${ours.step.msPerBatch.toFixed(1)} ms/batch` +
    `${roof && ours.roofPct !== null ? `, ${fmt(ours.roofPct, 1)}% of the ${fmt(roof, 1)} GFLOP/s roof` : ''}); ${vs}`);
  out();
}

/**
 * What the default run left out and about how long it takes here, from this run's own seconds per probe
 * tile, kernel case and step configuration (compiles included, so the estimate is rough).
 */
function printRest(opts: BenchOptions, spent: { probe: number; kernels: number; kernelCases: number; steps: number; stepConfigs: number; autotune: number }, data: BenchData, cells: { name: CellType; spec: CellSpec }[], tuning: ReturnType<typeof tuningFor>, probe: ProbeResult | null, gruMsPerBatch: number | undefined): void {
  const shapes = DEFAULT_SHAPES.map((x) => {
    const m = /^B(\d+)H(\d+)$/i.exec(x)!;
    return { batch: Number(m[1]), hidden: Number(m[2]), label: x };
  });
  const perTile = probe ? spent.probe / Math.max(1, new Set(probe.tiles.map((t) => `${t.WG_X}/${t.WG_Y}/${t.TM}/${t.TN}`)).size) : 3;
  const probeSecs = opts.probe ? perTile * 60 : 0; // ~50 tiles searched plus the finalists
  const allCases = shapes.reduce((n, sh) => n + kernelCases(sh, batchAt(data, sh.batch, 0), cells, data.classes, tuning, probe?.best).length, 0);
  const perCase = spent.kernelCases ? spent.kernels / spent.kernelCases : 3;
  const kernelSecs = opts.kernelsSection ? Math.max(0, allCases - spent.kernelCases) * perCase : 0;
  const perConfig = spent.stepConfigs ? spent.steps / spent.stepConfigs : 15;
  const configsPerShape = cells.length + 4; // + gru+att, gru@other recurrence, two other tunings
  const stepSecs = opts.stepsSection ? Math.max(0, shapes.length * configsPerShape - spent.stepConfigs) * perConfig : 0;
  // Whole epochs (training split plus evaluation): at this run's GRU B64H128 ms/batch, scaled by each shape's work.
  const ms = gruMsPerBatch ?? 40;
  const epochSecs = opts.stepsSection ? shapes.reduce((n, sh) => n + configsPerShape * 1.3 * (data.train.length / 64) * (ms / 1000) * (sh.hidden / 128) ** 2, 0) : 0;
  const peerSecs = opts.peers ? 0 : 400; // TF.js webgpu, wasm and cpu, 150 batches each (lavapipe, 2 cores)
  const total = probeSecs + kernelSecs + stepSecs + epochSecs + peerSecs;
  out(`not run (node bench --full runs everything, with progress): the probe's tile search (~${formatDuration(probeSecs)}), ` +
    `${Math.max(0, allCases - spent.kernelCases)} more kernel rows at ${shapes.length} shapes with alternative tunables (~${formatDuration(kernelSecs)}), ` +
    `attention, the other recurrence and other tunings' step rows (~${formatDuration(stepSecs)}), whole epochs (~${formatDuration(epochSecs)}), ` +
    `the TF.js peers (~${formatDuration(peerSecs)}): about ${formatDuration(total)} more here, estimated from this run's timings`);
  out();
}

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let opts: BenchOptions | null;
  try {
    opts = parseOptions(process.argv.slice(2));
    if (opts) validate(opts);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (!opts) {
    out(HELP);
    return 0;
  }
  const started = new Date();
  const handle = await requestNodeDevice();
  const s = handle.summary;
  // The results file is checked before measuring (a folder, a FIFO, someone else's file, a read-only folder
  // fail now, not after minutes of work).
  let file: string;
  try {
    file = prepareOutput(opts.out ? resolve(opts.out) : resolve(ROOT, 'bench', 'results', `${started.toISOString().slice(0, 10)}-${adapterSlug(s)}.json`), {
      what: 'bench results file', option: '--out', inputs: [opts.data], force: opts.force, isOurs: (head) => /^\{\s*"bench": "webgpu-rnn"/.test(head),
    });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    return 1;
  }
  // The adapter summary too, as the CLI passes it: the network's 'auto' choices (recurrence) depend on it.
  const be = new GpuBackend(handle.device, { description: describeAdapter(s), adapter: s });
  // The tunables the network (and the CLI) use on this adapter: what 'prod' rows measure.
  const tuning = tuningFor(s);
  const timer = new DispatchTimer(be, handle.timestamps);
  const commit = gitCommit();
  out(`webgpu-rnn bench — ${started.toISOString()} — commit ${commit ?? 'unknown'} — node ${process.version}`);
  out(`adapter: ${describeAdapter(s)}; vendor '${s.vendor}', architecture '${s.architecture}', description '${s.description}'`);
  const load0 = loadavg();
  out(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${load0.map((x) => x.toFixed(2)).join(' ')};  timing: ${timer.method === 'timestamp' ? 'timestamp queries' : 'wall clock (no timestamp-query)'}${opts.quick ? ';  QUICK MODE (smoke test, not a measurement)' : ''}`);
  out();
  const notes: string[] = [];
  const data = await loadBenchData(opts.data);
  log(`data: ${data.train.length} training names from ${data.source}`);

  // Probe.
  // Seconds per section and what they covered: the default run's estimate of what --full adds.
  const spent = { probe: 0, kernels: 0, kernelCases: 0, steps: 0, stepConfigs: 0, autotune: 0 };
  const autotuneRows: (GroupResult & { benchShape: string })[] = [];
  // --full: progress with the time left. Weights are rough seconds per item on lavapipe (compiles dominate).
  const eta = opts.full ? new Eta(0, log) : null;
  let probe: ProbeResult | null = null;
  if (opts.probe) {
    log(opts.alternatives ? 'probe (tile search)…' : "probe (the tuning's tile and the default; --full searches tiles)…");
    const t0 = performance.now();
    eta?.add(60);
    probe = await runProbe(be, timer, opts.quick, log, opts.alternatives ? undefined : [tuning.gemm]);
    spent.probe = (performance.now() - t0) / 1000;
    eta?.tick(60, 'probe');
    printProbe(probe, s);
  }
  const roof = probe?.roofGflops ?? tuning.gemmGflops ?? null;
  if (!probe) notes.push(roof ? `no probe: roof from src/tune/tuning.ts (${roof} GFLOP/s)` : 'no probe and no tuning entry: no %roof');

  // Cells the model code has (lstm arrives with another change; skipped with a note until then).
  const cells: { name: CellType; spec: CellSpec }[] = [];
  for (const c of opts.cells as CellType[]) {
    try {
      cells.push({ name: c, spec: cellSpec(c) });
    } catch (e) {
      const msg = `cell ${c} skipped: ${(e as Error).message}`;
      notes.push(msg);
      out(`note: ${msg}`);
    }
  }

  // Kernels.
  const kernelRows: KernelRow[] = [];
  if (opts.kernelsSection) {
    out(`== Kernels (one dispatch; real packed batches; shared kernels at GRU widths G = 3H)${opts.alternatives ? '' : "; the tuning's tunables only (--full: alternatives too)"}`);
    const casesOf = (shape: (typeof opts.shapes)[number]) => {
      let cases = kernelCases(shape, batchAt(data, shape.batch, 0), cells, data.classes, tuning, probe?.best);
      if (opts!.kernels.length) cases = cases.filter((c) => opts!.kernels.includes(c.kernel));
      return opts!.alternatives ? cases : cases.filter((c) => c.production);
    };
    eta?.add(3 * opts.shapes.reduce((n, sh) => n + casesOf(sh).length, 0));
    const t0 = performance.now();
    for (const shape of opts.shapes) {
      const b = batchAt(data, shape.batch, 0);
      out(`-- ${shape.label}: batch of ${b.batch} names, ${b.rows} packed rows, ${b.steps} steps, step kernels at n_cur = rows/steps = ${typicalRows(b)}`);
      const cases = casesOf(shape);
      const rows: KernelRow[] = [];
      for (const c of cases) {
        log(`kernel ${c.kernel} ${c.variant} ${shape.label}`);
        rows.push(await runKernelCase(be, timer, c, { reps: opts.reps, quick: opts.quick, cpu: opts.cpu, roofGflops: roof, streamGBps: probe?.streamGBps ?? null }));
        eta?.tick(3, `kernel ${c.kernel} ${c.variant} ${shape.label}`);
      }
      spent.kernelCases += cases.length;
      printKernels(rows);
      out();
      kernelRows.push(...rows);
    }
    spent.kernels = (performance.now() - t0) / 1000;
    const known = new Set(kernelRows.map((r) => r.kernel));
    const uncovered = ALL_KERNELS.map((k) => k.name).filter((n) => !known.has(n) && (!opts!.kernels.length || opts!.kernels.includes(n)));
    if (uncovered.length) notes.push(`kernels without a bench case here: ${uncovered.join(', ')}`);
    notes.push(`production rows use the '${tuning.name}' tuning's tunables for their shape (src/tune/tuning.ts); 'alt' and '+tile' rows are other tunables of the same kernel (bench/variants.ts)`);
  }

  // Training steps and epochs.
  const stepRows: StepRow[] = [];
  const sampleRows: SampleRow[] = [];
  if (opts.stepsSection) {
    out('== Training steps (forward + backward + Adam, one submit per batch, stats read every 20 batches) and epochs');
    // The recurrence strategy the CLI picks for this adapter, and for the GRU also the other one.
    const auto = resolveRecurrence('auto', be);
    const other: Recurrence = auto === 'step' ? 'sequence' : 'step';
    out(`recurrence: '${auto}' (the CLI's choice for this adapter); gru@${other} rows run the other strategy`);
    const configs: { cell: CellType; attention: boolean; alt?: StepAlternative; recurrence: Recurrence; label?: string; lm?: boolean }[] = cells.map((c) => ({ cell: c.name, attention: false, recurrence: auto }));
    if (opts.alternatives && cells.some((c) => c.name === 'gru')) {
      // Attention: measured for the GRU when the network dispatches it for config.attention.
      const why = await attentionSupported(be, data, tuning);
      if (why) {
        notes.push(`attention skipped: ${why}`);
        out(`note: attention skipped: ${why}`);
      } else configs.push({ cell: 'gru', attention: true, recurrence: auto });
      configs.push({ cell: 'gru', attention: false, recurrence: other, label: `@${other}` });
      // The whole network with other tunings (bench/variants.ts), paired with production.
      for (const alt of stepAlternatives(tuning, probe?.best ?? null)) configs.push({ cell: 'gru', attention: false, alt, recurrence: auto });
    }
    // Tuned vs fixed: the autotuner's choices for the GRU at every shape (src/tune/autotune.ts, as
    // `webgpu-rnn tune` measures them), then the whole network with them, paired with the fixed table.
    if (cells.some((c) => c.name === 'gru')) {
      const choices = new Map<string, Tunables>();
      let changed = 0;
      const budget = opts.quick ? 2000 : 60_000;
      out(`autotuning the gru at ${opts.shapes.map((x) => x.label).join(', ')} (budget ${budget / 1000} s a shape; src/tune/autotune.ts):`);
      const t1 = performance.now();
      for (const shape of opts.shapes) {
        log(`autotune gru ${shape.label}`);
        const r = await autotuneStep(be, data, 'gru', shape, tuning, auto, budget);
        for (const g of r.measured) {
          choices.set(g.key, g.best);
          if (g.best !== g.base) changed++;
        }
        out(`-- ${shape.label}: ${r.measured.length} kernel shapes in ${r.seconds.toFixed(1)} s${r.left ? ` (${r.left} left: budget)` : ''}`);
        for (const line of tuneTable(r.measured)) out(`   ${line}`);
        autotuneRows.push(...r.measured.map((g) => ({ ...g, benchShape: shape.label })));
      }
      spent.autotune = (performance.now() - t1) / 1000;
      configs.push({
        cell: 'gru', attention: false, recurrence: auto,
        alt: { label: 'autotuned', describe: `the autotuner's choices measured now (${changed} of ${choices.size} kernel shapes differ from '${tuning.name}'${changed ? '' : ': the same tunables, so its paired ratio is the measurement\'s noise'})`, tuning: new TunedTuning(tuning, choices) },
      });
    }
    // The language model (--task generate): the same GRU with a head and loss at every position.
    if (cells.some((c) => c.name === 'gru')) configs.push({ cell: 'gru', attention: false, recurrence: auto, lm: true });
    // An epoch's weight grows with the shape's work per batch (B H^2 relative to B64H128).
    const epochWeight = (sh: (typeof opts.shapes)[number]) => (opts!.epoch ? 25 * (sh.batch / 64) * (sh.hidden / 128) ** 2 : 0);
    eta?.add(opts.shapes.reduce((n, sh) => n + configs.length * (10 + epochWeight(sh)), 0));
    const t0 = performance.now();
    for (const shape of opts.shapes) {
      for (const c of configs) {
        const name = `${c.cell}${c.lm ? '-lm' : ''}${c.attention ? '+att' : ''}${c.alt ? `/${c.alt.label}` : ''}${c.label ?? ''}`;
        log(`steps ${name} ${shape.label}`);
        let r: StepRow | string;
        try {
          r = await runStepConfig(be, timer, data, c.cell, c.attention, shape, { quick: opts.quick, epoch: opts.epoch, roofGflops: roof, log, lm: c.lm ?? false }, tuning, c.alt, c.recurrence, c.label);
        } catch (e) {
          r = (e as Error).message; // e.g. a strategy the network does not support for this cell
        }
        if (typeof r === 'string') {
          notes.push(`${name} ${shape.label} skipped: ${r}`);
          out(`note: ${name} ${shape.label} skipped: ${r}`);
        } else stepRows.push(r);
        spent.stepConfigs++;
        eta?.tick(10 + epochWeight(shape), `steps ${name} ${shape.label}`);
      }
    }
    spent.steps = (performance.now() - t0) / 1000;
    printSteps(stepRows);
    out();
    if (cells.some((c) => c.name === 'gru')) {
      out('== Generation: sampling 256 names at a time (21 positions, one submit and one readback per batch; webgpu-rnn generate)');
      for (const H of [...new Set(opts.shapes.map((x) => x.hidden))]) {
        log(`sampling gru-lm H${H}`);
        sampleRows.push(await runSampling(be, tuning, 'gru', H, data.classes, { quick: opts.quick, log }));
      }
      out(table(
        [{ header: 'model', align: 'left' }, { header: 'hidden' }, { header: 'names/batch' }, { header: 'positions' }, { header: 'ms/batch', digits: 1 },
          { header: 'names/s', digits: 0 }, { header: 'disp/batch', digits: 0 }, { header: 'subm/batch', digits: 1 }],
        sampleRows.map((r) => [r.model, r.hidden, r.batch, r.positions, r.msPerBatch, r.namesPerSec, r.dispatchesPerBatch, r.submitsPerBatch]),
      ));
      out();
    }
  }

  let peers: unknown = null;
  const oursGru = stepRows.find((r) => r.cell === 'gru' && !r.attention && r.alternative === null && r.shape === 'B64H128' && r.recurrence === resolveRecurrence('auto', be));
  if (opts.peers || opts.torch) {
    // PyTorch alone by default (a few seconds to a minute); the TF.js backends with --peers / --full.
    log(opts.peers ? 'peers…' : 'peer: PyTorch…');
    eta?.add(opts.peers ? 400 : 30);
    peers = await runPeersIfPresent(opts, data, opts.peers ? {} : { backends: [] });
    eta?.tick(opts.peers ? 400 : 30, 'peers');
    printPeers(peers, oursGru);
  }
  printSummary(oursGru, roof, peers, stepRows);
  if (!opts.full) printRest(opts, spent, data, cells, tuning, probe, oursGru?.step.msPerBatch);

  for (const n of notes) out(`note: ${n}`);
  out(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes share the CPU lavapipe computes on)`);
  const limits = handle.device.limits;
  const report = {
    bench: 'webgpu-rnn',
    schema: 1,
    date: started.toISOString(),
    durationSec: (Date.now() - started.getTime()) / 1000,
    commit,
    node: process.version,
    // Other processes share the CPU that lavapipe computes on: the load averages at start and end say how much.
    host: { platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, loadavgStart: load0, loadavgEnd: loadavg() },
    adapter: {
      ...s, slug: adapterSlug(s), timestamps: handle.timestamps, timing: timer.method,
      limits: { maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize },
    },
    options: { ...opts, shapes: opts.shapes.map((x) => x.label) },
    data: { source: data.source, trainNames: data.train.length, classes: data.classes, split: SPLIT, shuffleSeed: SHUFFLE_SEED },
    probe,
    roofGflops: roof,
    kernels: kernelRows,
    steps: stepRows,
    autotune: autotuneRows,
    sampling: sampleRows,
    peers,
    notes,
  };
  await writeFileAtomic(file, `${JSON.stringify(report, null, 1)}\n`);
  out(`results: ${file}`);
  timer.dispose();
  be.dispose();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
