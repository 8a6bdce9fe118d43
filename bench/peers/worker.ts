// One peer run in its own process (index.ts bundles this file and starts `node` on it): one TF.js backend,
// one model, one training run. A process per backend because TF.js backends and Dawn share process-wide
// state (the engine's registry, navigator.gpu, Dawn's instance), and a crash in one must not take the others
// down. Protocol: the job as JSON in argv[2]; progress on stderr; the result as one line on stdout,
// RESULT_PREFIX + JSON.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package imports this for its users).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPeerData, trainBatches } from './data.js';
import { layersGru, opsGru, type PeerImpl, type PeerModel } from './models.js';
import { trainAndEvaluate, type TrainOptions } from './train.js';
import { RESULT_PREFIX, type PeerBackend, type PeerResult } from './types.js';

export interface WorkerJob extends Omit<TrainOptions, 'log'> {
  backend: PeerBackend;
  impl: PeerImpl;
  hidden: number;
  seed: number;
  data?: string;
  /** Compare with webgpu-rnn's CPU reference and check padding before training (check.ts; ops model only). */
  check: boolean;
}

// Dawn segfaults if the object create() returns, or the adapter, is garbage-collected while the device
// lives (see src/node/device.ts); TF.js keeps neither, so they are kept here for the process's lifetime.
const keepAlive: unknown[] = [];

/** Makes TF.js's webgpu backend find Dawn: navigator.gpu must exist before the backend module loads. */
async function installDawn(): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  keepAlive.push(gpu);
  const navigatorGpu = {
    requestAdapter: async (options?: GPURequestAdapterOptions) => {
      const adapter = await gpu.requestAdapter(options);
      keepAlive.push(adapter);
      return adapter;
    },
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat(),
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
  };
  // Node 20 has no global navigator; Node 21+ has a read-only getter, hence defineProperty.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: navigatorGpu }, configurable: true, writable: true });
}

/** Selects the backend; returns a description of what it runs on, for the report. */
async function setUpBackend(backend: PeerBackend): Promise<string> {
  if (backend === 'webgpu') {
    await installDawn();
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files are read from this install's node_modules (the emscripten loader reads a file path
    // with fs in Node): no network. The directory must end with a slash; the backend appends file names.
    const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(join(dist, '/'));
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialize`);
  await tf.ready();
  if (backend === 'webgpu') {
    const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
    return `Dawn (webgpu npm) adapter ${info?.vendor ?? '?'}/${info?.architecture ?? '?'}`;
  }
  if (backend === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    return `wasm${simd ? ' SIMD' : ''}, ${threads ? 'multi-threaded' : 'single thread (no multithread support in Node)'}`;
  }
  return 'plain JavaScript kernels, single thread';
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
  const peer = job.impl === 'layers' ? `tfjs-layers-${job.backend}` : `tfjs-${job.backend}`;
  const log = (s: string) => process.stderr.write(`[${peer}] ${s}\n`);
  const device = await setUpBackend(job.backend);
  log(`TF.js ${tf.version_core} on ${tf.getBackend()}: ${device}`);
  const data = await loadPeerData(job.data);
  log(`${data.train.length} train / ${data.test.length} test names, ${data.languages.length} languages, from ${data.source}`);

  const shape = { hidden: job.hidden, classes: data.languages.length, seed: job.seed };
  const model: PeerModel = job.impl === 'layers' ? await layersGru(shape) : opsGru(shape);
  let checked = '';
  if (job.check && model.impl === 'ops') {
    const { checkAgainstReference } = await import('./check.js');
    const first = trainBatches(data.train, job.batchSize, 1, 1).next().value!;
    checked = (await checkAgainstReference(model, first, job.hidden, shape.classes)).summary;
    log(`check: ${checked}`);
  }
  // lavapipe, wasm and cpu all compute on this machine's CPUs, so other processes slow every peer: the
  // load averages say how busy the machine was.
  const loadBefore = loadavg()[0]!;
  const report = await trainAndEvaluate(model, data, { ...job, log });
  const load = `1-min load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
  const result: PeerResult = {
    peer,
    backend: job.backend,
    formulation: model.formulation,
    learned: report.learned,
    namesPerSec: report.namesPerSec,
    msPerBatch: report.msPerBatch,
    batches: report.timedBatches,
    finalLoss: report.finalLoss,
    testAccuracy: report.testAccuracy,
    notes:
      `${report.learned ? 'learned' : 'NO LEARNING SHOWN'}: ${report.verdict}; timed batches ${job.warmup + 1}..${job.warmup + job.timed} ` +
      `of ${report.batches}; masking: ${model.masking}; clipping: global L2 norm ${job.clipNorm} over all gradients ` +
      `(torch clip_grad_norm_), written out in tf ops; Adam lr ${job.lr}, eps 1e-8; ${device}; ${load}` +
      (checked ? `; check: ${checked}` : ''),
    impl: job.impl,
    device,
    trainedBatches: report.batches,
    lossCurve: chunkMeans(report.losses, 10),
    testExamples: report.testExamples,
    majorityAccuracy: report.majorityAccuracy,
    tfjsVersion: tf.version_core,
  };
  // Pipes are synchronous in Node on Linux, but wait for the write anyway before exiting (Dawn's threads
  // could otherwise keep the process alive).
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
}

/** Mean loss per chunk of `size` batches: a compact learning curve. */
function chunkMeans(xs: number[], size: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < xs.length; s += size) {
    const chunk = xs.slice(s, s + size);
    out.push(Number((chunk.reduce((a, b) => a + b, 0) / chunk.length).toFixed(4)));
  }
  return out;
}

main().catch((err) => {
  process.stderr.write(`peer worker failed: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
