// Runs the kernel cases: device time per dispatch (DispatchTimer), the CPU twin's time, and a check that
// GPU and twin agree (always for alternatives, whose tunables the tests may not cover; for production
// whenever the twin runs anyway — a cheap sanity check, test/kernels.test.ts is the real one).
import type { Buf } from '../src/core/backend.js';
import { kernelInfo, resolveTunables, type HostArray } from '../src/core/kernel.js';
import { Rng } from '../src/core/rng.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import type { DispatchTimer } from '../src/gpu/timer.js';
import { caseProblem, type Init, type KernelCase } from './cases.js';

export interface KernelRow {
  kernel: string;
  variant: string;
  shape: string;
  dims: string;
  tunables?: Record<string, number>;
  /** Device µs per dispatch. */
  gpuUs: number | null;
  gpuReps: number | null;
  method: string | null;
  /** CPU twin µs per call. */
  cpuUs: number | null;
  cpuReps: number | null;
  speedup: number | null;
  flops: number;
  bytes: number;
  gflops: number | null;
  gbps: number | null;
  /** gflops / the probe's gemm roof, in %. */
  roofPct: number | null;
  /** gbps / the probe's stream bandwidth, in %. */
  bwPct: number | null;
  check: string | null;
  note?: string;
}

export interface KernelRunOptions {
  reps?: number;
  quick: boolean;
  cpu: boolean;
  roofGflops: number | null;
  streamGBps: number | null;
}

function hostData(init: Init, size: number, type: 'f32' | 'u32', seed: number): Float32Array | Uint32Array {
  if (init instanceof Float32Array || init instanceof Uint32Array) {
    const out = type === 'u32' ? new Uint32Array(size) : new Float32Array(size);
    out.set(init.subarray(0, size));
    return out;
  }
  if (type === 'u32') return new Uint32Array(size);
  const out = new Float32Array(size);
  if (init === 'unit') out.fill(1);
  else if (init === 'rand') {
    const rng = new Rng(seed);
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-0.5, 0.5);
  }
  return out;
}

/** Fresh host copies of a case's initial buffers (the same values every call). */
function initialArrays(c: KernelCase): Record<string, Float32Array | Uint32Array> {
  const out: Record<string, Float32Array | Uint32Array> = {};
  kernelInfo(c.def).bindings.forEach((b, i) => {
    const spec = c.buffers[b.name]!;
    out[b.name] = hostData(spec.init, spec.size, b.element, 1000 + i);
  });
  return out;
}

/**
 * Worst |gpu - cpu| / (1e-4 + 1e-3 |cpu|) over the written buffers: 'ok' when <= 1. A NaN on either side is
 * a mismatch (as in test/helpers/compare.ts): the cases start from finite data, so a NaN is a bug on that side.
 */
function compare(gpu: Record<string, Float32Array | Uint32Array>, cpu: Record<string, HostArray>): string {
  let worst = 0, where = '';
  for (const [name, g] of Object.entries(gpu)) {
    const r = cpu[name]!;
    for (let i = 0; i < g.length; i++) {
      const a = g[i]!, b = r[i]!;
      const e = Number.isNaN(a) || Number.isNaN(b) ? Infinity : Math.abs(a - b) / (1e-4 + 1e-3 * Math.abs(b));
      if (e > worst) {
        worst = e;
        where = `${name}[${i}] ${a} vs ${b}`;
      }
    }
  }
  return worst <= 1 ? 'ok' : `MISMATCH ${where}`;
}

export async function runKernelCase(be: GpuBackend, timer: DispatchTimer, c: KernelCase, o: KernelRunOptions): Promise<KernelRow> {
  const row: KernelRow = {
    kernel: c.kernel, variant: c.variant, shape: c.shape, dims: c.dims, ...(c.tunables ? { tunables: c.tunables } : {}),
    gpuUs: null, gpuReps: null, method: null, cpuUs: null, cpuReps: null, speedup: null,
    flops: c.flops, bytes: c.bytes, gflops: null, gbps: null, roofPct: null, bwPct: null, check: null,
  };
  const problem = caseProblem(c);
  if (problem) return { ...row, note: problem };
  const info = kernelInfo(c.def);
  const writable = info.bindings.filter((b) => b.access === 'read_write').map((b) => b.name);
  const wantCheck = o.cpu || !c.production;

  // GPU buffers from the initial data.
  const init = initialArrays(c);
  const bufs: Record<string, Buf> = {};
  for (const b of info.bindings) {
    const data = init[b.name]!;
    bufs[b.name] = be.create(`bench-${c.kernel}-${b.name}`, data.length, data instanceof Uint32Array ? 'u32' : 'f32');
    be.write(bufs[b.name]!, data);
  }
  try {
    // The check: one dispatch from the initial values, read back before the timing changes them.
    let gpuOut: Record<string, Float32Array | Uint32Array> | null = null;
    if (wantCheck) {
      be.run(c.def, bufs, c.params, c.tunables);
      gpuOut = {};
      for (const name of writable) gpuOut[name] = await be.read(bufs[name]!);
    }
    const t = await timer.time(c.def, bufs, c.params, c.tunables,
      o.reps !== undefined ? { reps: o.reps, samples: o.quick ? 1 : 2 } : o.quick ? { targetMs: 2, maxReps: 4, samples: 1 } : { targetMs: 25, maxReps: 512, samples: 3 });
    if (t) {
      row.gpuUs = t.ms * 1000;
      row.gpuReps = t.reps;
      row.method = t.method;
    }

    // The CPU twin on its own copies (run once for the check, then timed).
    if (wantCheck) {
      const host: Record<string, HostArray> = initialArrays(c);
      const tun = resolveTunables(c.def, c.tunables);
      const t0 = performance.now();
      c.def.cpu(host, c.params, tun);
      let elapsed = performance.now() - t0, reps = 1;
      row.check = compare(gpuOut!, Object.fromEntries(writable.map((n) => [n, host[n]!])));
      if (o.cpu) {
        // More calls while cheap: about 0.3 s per case (one call for the slow big products).
        const budget = o.quick ? 0 : 300, maxReps = o.reps ?? 50;
        let total = elapsed;
        while (total < budget && reps < maxReps) {
          const t1 = performance.now();
          c.def.cpu(host, c.params, tun);
          const dt = performance.now() - t1;
          elapsed = Math.min(elapsed, dt); // best call: the twin's cost without GC/JIT noise
          total += dt;
          reps++;
        }
        row.cpuUs = elapsed * 1000;
        row.cpuReps = reps;
      }
    }
  } finally {
    for (const b of Object.values(bufs)) be.destroy(b);
  }
  if (row.gpuUs) {
    row.gflops = c.flops > 0 ? c.flops / (row.gpuUs * 1e3) : null;
    row.gbps = c.bytes / (row.gpuUs * 1e3);
    if (row.gflops !== null && o.roofGflops) row.roofPct = (100 * row.gflops) / o.roofGflops;
    if (o.streamGBps) row.bwPct = (100 * row.gbps) / o.streamGBps;
    if (row.cpuUs) row.speedup = row.cpuUs / row.gpuUs;
  }
  return row;
}
