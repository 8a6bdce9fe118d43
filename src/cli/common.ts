// Pieces shared by the commands: opening a backend for --device, loading data and model files, formatting.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { CpuBackend } from '../cpu/backend.js';
import type { Backend } from '../core/backend.js';
import { resolveNamesData, type ResolvedNames } from '../node/source.js';
import { GpuBackend } from '../gpu/backend.js';
import { describeAdapter } from '../gpu/device.js';
import { NoAdapterError } from '../gpu/errors.js';
import { requestNodeDevice } from '../node/device.js';
import { ModelFileError, parseModel, type Model } from '../train/modelfile.js';
import { ProgressBar } from './progress.js';

export const log = (s = ''): void => void process.stdout.write(`${s}\n`);
export const note = (s: string): void => void process.stderr.write(`${s}\n`);

export interface Opened {
  be: Backend;
  description: string;
  close(): void;
}

export function openCpu(): Opened {
  return { be: new CpuBackend(), description: 'CPU path (the reference kernels in plain TypeScript)', close: () => {} };
}

/** 'gpu': WebGPU (no adapter is an error with the fix); 'cpu': the CPU path; 'auto': WebGPU when there is an adapter, else the CPU path (with a note). */
export async function openBackend(device: string): Promise<Opened> {
  if (device === 'cpu') return openCpu();
  if (device === 'auto') {
    try {
      return await openGpu();
    } catch (e) {
      if (!(e instanceof NoAdapterError)) throw e;
      note('note: no WebGPU adapter here, so the CPU path runs (bash scripts/setup-webgpu.sh installs one on Linux)');
      return openCpu();
    }
  }
  return await openGpu();
}

async function openGpu(): Promise<Opened> {
  const h = await requestNodeDevice();
  const description = describeAdapter(h.summary);
  const be = new GpuBackend(h.device, { description, adapter: h.summary });
  return {
    be,
    description: `WebGPU: ${description}`,
    close: () => {
      be.dispose();
      h.device.destroy();
    },
  };
}

export async function loadData(path: string | undefined): Promise<ResolvedNames> {
  const bar = new ProgressBar();
  const r = await resolveNamesData({
    data: path,
    log: note,
    onProgress: (got, total) => bar.update('downloading', Math.round(got / 1024), Math.round((total ?? got) / 1024), 'KiB'),
  });
  bar.clear();
  return r;
}

export function loadModel(path: string): Model {
  if (!existsSync(path)) throw new ModelFileError(`model file ${path} does not exist (train one with 'webgpu-rnn train --out ${path}')`);
  if (statSync(path).isDirectory()) throw new ModelFileError(`model file ${path} is a folder`);
  return parseModel(readFileSync(path, 'utf8'), path);
}

export const pct = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;

export function table(rows: (string | number)[][], align: ('l' | 'r')[]): string {
  const cells = rows.map((r) => r.map(String));
  const w = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return cells.map((r) => r.map((s, c) => (align[c] === 'r' ? s.padStart(w[c]!) : s.padEnd(w[c]!))).join('  ').trimEnd()).join('\n');
}
