// Runs the built `webgpu-rnn` command as a subprocess, as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The shared names zip (CI sets WEBGPU_RNN_DATA; a checkout next to ../shared finds it too). */
export function sharedData(): string {
  const p = process.env.WEBGPU_RNN_DATA || resolve(ROOT, '../shared/data/names.zip');
  if (!existsSync(p)) throw new Error(`names data not found at ${p}; set WEBGPU_RNN_DATA to the names zip`);
  return p;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): CliResult {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/webgpu-rnn.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // The fixed tuning table unless a test asks for autotuning: a tuned run computes the same numbers, but
    // measuring each new tiny model's kernels (seconds each) would add minutes to the suite.
    env: { ...process.env, WEBGPU_RNN_DATA: sharedData(), WEBGPU_RNN_TUNING: 'fixed', ...env },
    timeout: timeoutMs,
  });
  // Dawn prints two adapter warnings on stderr on lavapipe; they are not ours.
  const stderr = r.stderr.split('\n').filter((l) => !l.includes('artificially reduced')).join('\n');
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}
