// Runs one kernel on the GPU and on its CPU twin from identical initial buffers, and compares every
// read_write buffer afterwards (whole buffers, so writes outside the intended region are caught too).
import { CpuBackend } from '../../src/cpu/backend.js';
import type { Buf } from '../../src/core/backend.js';
import { kernelInfo, type KernelDef, type Params, type Tunables } from '../../src/core/kernel.js';
import type { GpuBackend } from '../../src/gpu/backend.js';
import { mismatch, type NanOk, type Tolerance } from './compare.js';

export type Inputs = Record<string, Float32Array | Uint32Array>;

export async function runKernel(be: GpuBackend | CpuBackend, k: KernelDef, init: Inputs, p: Params, t?: Tunables): Promise<Record<string, Float32Array | Uint32Array>> {
  const info = kernelInfo(k);
  const bufs: Record<string, Buf> = {};
  for (const b of info.bindings) {
    const data = init[b.name];
    if (!data) throw new Error(`test gives no data for ${k.name}.${b.name}`);
    const buf = be.create(`${k.name}.${b.name}`, data.length, data instanceof Uint32Array ? 'u32' : 'f32');
    be.write(buf, data);
    bufs[b.name] = buf;
  }
  be.run(k, bufs, p, t);
  const out: Record<string, Float32Array | Uint32Array> = {};
  for (const b of info.bindings) if (b.access === 'read_write') out[b.name] = await be.read(bufs[b.name]!);
  for (const buf of Object.values(bufs)) be.destroy(buf);
  return out;
}

/**
 * Returns null when GPU and CPU agree on every written buffer, else a description of the worst mismatch.
 * NaN matches nothing except in the elements `nanOk` names for that buffer (see compare.ts).
 */
export async function compareKernel(gpu: GpuBackend, k: KernelDef, init: Inputs, p: Params, tol: Tolerance, t?: Tunables, nanOk: Record<string, NanOk> = {}): Promise<string | null> {
  const ref = await runKernel(new CpuBackend(), k, init, p, t);
  const got = await runKernel(gpu, k, init, p, t);
  const problems: string[] = [];
  for (const name of Object.keys(ref)) {
    const m = mismatch(`${k.name}.${name}`, got[name]!, ref[name]!, tol, nanOk[name]);
    if (m) problems.push(m);
  }
  return problems.length ? `${problems.join('\n')}\nparams ${JSON.stringify(p)} tunables ${JSON.stringify(t ?? {})}` : null;
}
