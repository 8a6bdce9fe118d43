// Runs a sequence of kernel dispatches over one set of named buffers (a recurrence's steps, forward then
// backward) on the GPU and on the CPU twins, and compares the named buffers afterwards, whole. Unlike
// kernel-harness.ts (one dispatch from random inputs), this checks the steps chained: every value a step
// reads was written by an earlier step, so a wrong offset or a missed write shows up as NaN poison.
import { CpuBackend } from '../../src/cpu/backend.js';
import type { Backend, Buf } from '../../src/core/backend.js';
import type { KernelDef, Params, Tunables } from '../../src/core/kernel.js';
import type { GpuBackend } from '../../src/gpu/backend.js';
import { mismatch, type NanOk, type Tolerance } from './compare.js';
import type { Inputs } from './kernel-harness.js';

export interface Dispatch {
  k: KernelDef;
  p: Params;
  t?: Tunables;
}

async function runSequence(be: Backend, init: Inputs, calls: Dispatch[], outputs: string[]): Promise<Record<string, Float32Array | Uint32Array>> {
  const bufs: Record<string, Buf> = {};
  for (const [name, data] of Object.entries(init)) {
    bufs[name] = be.create(name, data.length, data instanceof Uint32Array ? 'u32' : 'f32');
    be.write(bufs[name]!, data);
  }
  for (const c of calls) be.run(c.k, bufs, c.p, c.t);
  be.submit();
  const out: Record<string, Float32Array | Uint32Array> = {};
  for (const name of outputs) out[name] = await be.read(bufs[name]!);
  for (const buf of Object.values(bufs)) be.destroy(buf);
  return out;
}

/** Null when the GPU and the CPU twins leave the same values in every output buffer (NaN only where `nanOk` allows it). */
export async function compareSequence(gpu: GpuBackend, init: Inputs, calls: Dispatch[], outputs: string[], tol: Tolerance, nanOk: Record<string, NanOk> = {}): Promise<string | null> {
  const ref = await runSequence(new CpuBackend(), init, calls, outputs);
  const got = await runSequence(gpu, init, calls, outputs);
  const problems = outputs.map((n) => mismatch(n, got[n]!, ref[n]!, tol, nanOk[n])).filter((m) => m !== null);
  return problems.length ? problems.join('\n') : null;
}
