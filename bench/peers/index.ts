// `node bench --peers`, TF.js part: the same GRU-128 classifier (batch 64, Adam 0.002, clip 1.0) trained by
// TensorFlow.js on its webgpu backend (the same Dawn adapter webgpu-rnn uses), its wasm backend and its
// cpu backend, on the same data and split, each checked to learn before its speed is quoted.
//
// Each backend runs in its own `node` process (worker.ts, bundled here with esbuild; Dawn stays a runtime
// import). This module imports no TF.js itself, so the bench bundle does not carry it, and TF.js
// stays a devDependency.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import type { PeerImpl } from './models.js';
import { runTorchPeer } from './torch.js';
import type { WorkerJob } from './worker.js';
import { RESULT_PREFIX, type PeerBackend, type PeerResult } from './types.js';

export type { PeerBackend, PeerResult } from './types.js';
export const PEER_BACKENDS: readonly PeerBackend[] = ['webgpu', 'wasm', 'cpu'];

export interface PeerOptions {
  /** Which TF.js backends, in order; all three by default. */
  backends?: PeerBackend[];
  /** Full passes over the training split for the learning run; 1 by default, capped by maxBatches. */
  epochs?: number;
  /** Training batches per backend in all (warm-up + timed + the rest); 150 by default (unless epochs is given). */
  maxBatches?: number;
  /**
   * A names zip or folder, or the bench's loaded data (its `source` path is used: the worker loads and splits
   * the names itself). Else WEBGPU_RNN_DATA, else ../shared/data/names.zip next to the project, else the
   * cached download (src/node/source.ts), as the bench does.
   */
  data?: string | { source: string };
  /** The bench's --quick: a few batches only, a smoke test (too short to show learning). */
  quick?: boolean;
  log?: (s: string) => void;
  /** Batches in the timed window; 60 by default (about a minute on webgpu over lavapipe). */
  batches?: number;
  /** Batches before the timed window; 5 by default. */
  warmup?: number;
  /** Test examples evaluated for the learning check (every k-th); 0 (default): the whole test split. */
  testLimit?: number;
  /** 'ops' (default): the hand-written PyTorch-formulation GRU; 'layers': stock tf.layers (cross-check). */
  impl?: PeerImpl;
  /** Per-backend time limit; 30 minutes by default. */
  timeoutMs?: number;
  /** Before training, check the ops model against webgpu-rnn's CPU reference and for padding (check.ts). */
  check?: boolean;
  /** The project root (where bench/peers/ and node_modules/ are); found from this file or the cwd. */
  root?: string;
  /** Also PyTorch (torch.ts) after the TF.js backends; true by default. */
  torch?: boolean;
}

export async function runPeers(opts: PeerOptions = {}): Promise<PeerResult[]> {
  const log = opts.log ?? (() => {});
  const root = opts.root ?? findRoot();
  const worker = await bundleWorker(root);
  const data = dataPath(opts.data, root);
  const quick = opts.quick ?? false;
  const results: PeerResult[] = [];
  for (const backend of opts.backends ?? PEER_BACKENDS) {
    const job: WorkerJob = {
      backend,
      impl: opts.impl ?? 'ops',
      hidden: 128,
      seed: 1,
      batchSize: 64,
      lr: 0.002,
      clipNorm: 1.0,
      warmup: opts.warmup ?? (quick ? 2 : 5),
      timed: Math.max(1, opts.batches ?? (quick ? 10 : 60)),
      epochs: opts.epochs ?? 1,
      maxBatches: opts.maxBatches ?? (opts.epochs ? Number.MAX_SAFE_INTEGER : quick ? 12 : 150),
      testLimit: opts.testLimit ?? (quick ? 500 : 0),
      data,
      check: opts.check ?? false,
    };
    log(`peer ${peerName(job)}: ${job.warmup} warm-up + ${job.timed} timed batches of ${job.maxBatches === Number.MAX_SAFE_INTEGER ? `${job.epochs} epochs` : `at most ${job.maxBatches}`}, ${job.impl} model`);
    const result = await runWorker(worker, root, job, opts.timeoutMs ?? 30 * 60_000, log);
    if (quick) result.notes = `quick run, a smoke test: too few batches to judge learning; ${result.notes}`;
    results.push(result);
  }
  if (opts.torch ?? true) {
    // The same windows as the TF.js peers; the data path must be explicit for Python.
    const torchData = data ?? process.env.WEBGPU_RNN_DATA ?? resolve(root, '../shared/data/names.zip');
    const torchRows = await runTorchPeer({
      root, data: torchData, warmup: quick ? 2 : (opts.warmup ?? 5), batches: Math.max(1, opts.batches ?? (quick ? 10 : 60)),
      maxBatches: opts.maxBatches ?? (quick ? 12 : 150), timeoutMs: opts.timeoutMs ?? 30 * 60_000, log,
    });
    for (const result of torchRows) {
      if (quick && result.namesPerSec > 0) result.notes = `quick run, a smoke test: too few batches to judge learning; ${result.notes}`;
      results.push(result);
    }
  }
  return results;
}

/** An absolute path for the worker (whose cwd is the root), or undefined to let it use WEBGPU_RNN_DATA / the cache. */
function dataPath(data: PeerOptions['data'], root: string): string | undefined {
  // A relative path means relative to the caller's cwd, not the worker's.
  if (typeof data === 'string' && data) return resolve(data);
  if (data && typeof data === 'object' && typeof data.source === 'string' && existsSync(data.source)) return resolve(data.source);
  if (process.env.WEBGPU_RNN_DATA) return undefined;
  const shared = resolve(root, '../shared/data/names.zip');
  return existsSync(shared) ? shared : undefined;
}

/** The directory holding bench/peers/worker.ts: above this module (source or bundle), else above the cwd. */
function findRoot(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'bench/peers/worker.ts'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('peers: cannot find bench/peers/worker.ts above this module or the current directory; pass root');
}

/**
 * Bundles worker.ts with the project's data code and TF.js into one .mjs under node_modules/.cache (so a
 * runtime import resolves from the project's node_modules). TF.js is bundled from its ES modules rather than
 * left external: the CommonJS builds Node would load (tfjs-core's "main") register no gradients at all, and
 * tfjs-core's register_all_gradients exists only as an ES module that Node cannot load from that package;
 * bundling gives one tfjs-core with gradients. Only Dawn (`webgpu`, a native addon) stays external.
 * esbuild is loaded from the project at run time rather than imported, so bundling this module never
 * pulls it in.
 */
async function bundleWorker(root: string): Promise<string> {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild') as typeof Esbuild;
  const outDir = join(root, 'node_modules/.cache/webgpu-rnn-peers');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'worker.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/peers/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    // ES module entries first: TF.js's "module" builds are the ones that carry the gradient registrations.
    mainFields: ['module', 'main'],
    external: ['webgpu'],
    loader: { '.wgsl': 'text' }, // the CPU reference used by check.ts imports the kernel registry
    // The wasm backend's emscripten loader is CommonJS and uses require('fs') and __dirname.
    banner: {
      js:
        "import { createRequire as __peerRequire } from 'node:module'; import { fileURLToPath as __peerPath } from 'node:url'; " +
        "import { dirname as __peerDir } from 'node:path'; const require = __peerRequire(import.meta.url); " +
        'const __filename = __peerPath(import.meta.url); const __dirname = __peerDir(__filename);',
    },
    logLevel: 'error',
  });
  return outfile;
}

function runWorker(worker: string, root: string, job: WorkerJob, timeoutMs: number, log: (s: string) => void): Promise<PeerResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [worker, JSON.stringify(job)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (isNoise(line)) continue;
        log(line);
        stderrTail = [...stderrTail.slice(-19), line];
      }
    });
    const timer = setTimeout(() => {
      log(`peer ${peerName(job)}: no result after ${timeoutMs / 1000} s; stopping it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial && !isNoise(partial)) stderrTail.push(partial);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) {
        const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as PeerResult;
        // JSON has no NaN: a diverged run's loss arrives as null.
        return resolvePromise({ ...result, finalLoss: result.finalLoss ?? NaN });
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolvePromise(failed(job, `failed (${why}): ${stderrTail.slice(-5).join(' | ') || 'no output'}`));
    });
  });
}

const peerName = (job: WorkerJob) => (job.impl === 'layers' ? `tfjs-layers-${job.backend}` : `tfjs-${job.backend}`);

function failed(job: WorkerJob, notes: string): PeerResult {
  return {
    peer: peerName(job),
    backend: job.backend,
    formulation: '',
    learned: false,
    namesPerSec: 0,
    msPerBatch: 0,
    batches: 0,
    finalLoss: NaN,
    testAccuracy: null,
    notes,
  };
}

/** TF.js's advice to install tfjs-node, and Dawn's limit warnings: printed by every run, never useful here. */
function isNoise(line: string): boolean {
  return (
    line.trim() === '' ||
    /artificially reduced from/.test(line) ||
    /tfjs-node|Looks like you are running TensorFlow\.js in Node|To speed things up dramatically|https:\/\/github\.com\/tensorflow\/tfjs-node|speed things up/.test(line) ||
    /^={5,}/.test(line)
  );
}
