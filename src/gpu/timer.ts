// Device time of one kernel dispatch, for the bench and the autotuner (src/tune/autotune.ts).
//
// A measurement records `reps` identical dispatches in one compute pass of their own
// (GpuBackend.runRepeated), so the result per dispatch includes the dispatch's fixed cost (on lavapipe
// ~20 µs: thread wake-up and the barrier Dawn puts between dependent dispatches), just as in a training
// step where every dispatch depends on the previous one.
//   - With the 'timestamp-query' feature the pass is bracketed by timestamp writes and the time is
//     (end - begin) on the device's clock. Timestamps may be coarse (lavapipe: ~65 µs steps), so reps are
//     chosen to make the pass last `targetMs` or more.
//   - Without it, the time is the wall clock from submit to onSubmittedWorkDone minus the round trip of an
//     empty submit (measured once), again over enough reps to make that correction small.
import type { Buf } from '../core/backend.js';
import type { KernelDef, Params, Tunables } from '../core/kernel.js';
import type { GpuBackend } from './backend.js';

export type TimingMethod = 'timestamp' | 'wall';

export interface DispatchTiming {
  /** Device milliseconds per dispatch. */
  ms: number;
  /** Dispatches in the measured pass. */
  reps: number;
  method: TimingMethod;
}

export interface TimeOptions {
  /** Fixed number of dispatches (no adaptation). */
  reps?: number;
  /** Adaptive: make the measured pass last at least this long (default 20 ms). */
  targetMs?: number;
  /** Adaptive: bounds on the number of dispatches (default 2 .. 256). */
  minReps?: number;
  maxReps?: number;
  /** Measurements to take; the minimum is reported (default 2: noise on a shared CPU only adds). */
  samples?: number;
}

export class DispatchTimer {
  readonly method: TimingMethod;
  private querySet: GPUQuerySet | null = null;
  private resolveBuf: GPUBuffer | null = null;
  private readBuf: GPUBuffer | null = null;
  private emptyRoundTripMs: number | null = null;

  constructor(
    private readonly be: GpuBackend,
    timestamps: boolean,
  ) {
    this.method = timestamps ? 'timestamp' : 'wall';
    if (timestamps) {
      const device = be.device;
      this.querySet = device.createQuerySet({ label: 'profiler', type: 'timestamp', count: 2 });
      this.resolveBuf = device.createBuffer({ label: 'profiler-resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readBuf = device.createBuffer({ label: 'profiler-read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
  }

  /** Device milliseconds for `reps` back-to-back dispatches (null: the grid is empty). */
  async measure(k: KernelDef, bufs: Record<string, Buf>, p: Params, t: Tunables | undefined, reps: number): Promise<number | null> {
    const { be } = this;
    await be.finish(); // nothing else may be in flight while we time
    if (this.querySet) {
      const ok = be.runRepeated(k, bufs, p, t, reps, { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 });
      if (!ok) return null;
      be.submit();
      const enc = be.device.createCommandEncoder({ label: 'profiler-resolve' });
      enc.resolveQuerySet(this.querySet, 0, 2, this.resolveBuf!, 0);
      enc.copyBufferToBuffer(this.resolveBuf!, 0, this.readBuf!, 0, 16);
      be.device.queue.submit([enc.finish()]);
      await this.readBuf!.mapAsync(GPUMapMode.READ);
      const ts = new BigInt64Array(this.readBuf!.getMappedRange().slice(0));
      this.readBuf!.unmap();
      return Number(ts[1]! - ts[0]!) / 1e6;
    }
    const floor = await this.roundTrip();
    const t0 = performance.now();
    if (!be.runRepeated(k, bufs, p, t, reps)) return null;
    be.submit();
    await be.device.queue.onSubmittedWorkDone();
    return Math.max(0, performance.now() - t0 - floor);
  }

  /** Milliseconds per dispatch, with reps chosen so the measured pass is long enough to trust. */
  async time(k: KernelDef, bufs: Record<string, Buf>, p: Params, t: Tunables | undefined, opts: TimeOptions = {}): Promise<DispatchTiming | null> {
    const samples = opts.samples ?? 2;
    let reps = opts.reps;
    // Warm-up: compiles the pipeline, makes the bind group, faults in the buffers' pages.
    const first = await this.measure(k, bufs, p, t, 1);
    if (first === null) return null;
    if (reps === undefined) {
      const target = opts.targetMs ?? 20;
      const lo = opts.minReps ?? 2, hi = opts.maxReps ?? 256;
      // Estimate the per-dispatch time from a pass long enough to read (>= 1 ms): a first reading
      // below the clock's resolution says little.
      let n = 1, total = first;
      while (total < 1 && n < hi) {
        n = Math.min(hi, n * 8);
        total = (await this.measure(k, bufs, p, t, n))!;
      }
      reps = Math.max(lo, Math.min(hi, Math.ceil(target / Math.max(total / n, 1e-4))));
    }
    let best = Infinity;
    for (let s = 0; s < samples; s++) best = Math.min(best, (await this.measure(k, bufs, p, t, reps))!);
    return { ms: best / reps, reps, method: this.method };
  }

  /** Wall-clock round trip of an empty submit + onSubmittedWorkDone (the wall method's correction). */
  private async roundTrip(): Promise<number> {
    if (this.emptyRoundTripMs !== null) return this.emptyRoundTripMs;
    const device = this.be.device;
    let best = Infinity;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      device.queue.submit([device.createCommandEncoder().finish()]);
      await device.queue.onSubmittedWorkDone();
      best = Math.min(best, performance.now() - t0);
    }
    this.emptyRoundTripMs = best;
    return best;
  }

  dispose(): void {
    this.querySet?.destroy();
    this.resolveBuf?.destroy();
    this.readBuf?.destroy();
  }
}
