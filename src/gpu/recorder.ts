// A Backend that passes everything through to a GpuBackend and, while `log` is set, remembers every
// dispatch (kernel, buffers, params, tunables as given). The bench replays a step's dispatches one by one
// (per-kernel breakdown); the autotuner (src/tune/autotune.ts) times the candidates of each one.
import type { AdapterSummary, Backend, Buf, ElementType } from '../core/backend.js';
import type { KernelDef, Params, Tunables } from '../core/kernel.js';
import type { GpuBackend } from './backend.js';

export interface RecordedDispatch {
  k: KernelDef;
  bufs: Record<string, Buf>;
  p: Params;
  t?: Tunables;
}

export class DispatchRecorder implements Backend {
  readonly kind = 'gpu' as const;
  log: RecordedDispatch[] | null = null;
  /** The adapter the tuning is chosen for: the inner backend's unless given (the autotuner passes its own). */
  readonly adapter?: AdapterSummary;
  constructor(readonly inner: GpuBackend, adapter: AdapterSummary | undefined = inner.adapter) {
    if (adapter) this.adapter = adapter;
  }
  get description(): string {
    return this.inner.description;
  }
  create(label: string, size: number, type?: ElementType): Buf {
    return this.inner.create(label, size, type);
  }
  destroy(buf: Buf): void {
    this.inner.destroy(buf);
  }
  write(buf: Buf, data: Float32Array | Uint32Array, offset?: number): void {
    this.inner.write(buf, data, offset);
  }
  clear(buf: Buf): void {
    this.inner.clear(buf);
  }
  copy(src: Buf, srcOffset: number, dst: Buf, dstOffset: number, count: number): void {
    this.inner.copy(src, srcOffset, dst, dstOffset, count);
  }
  run(k: KernelDef, bufs: Record<string, Buf>, p: Params, t?: Tunables): void {
    this.log?.push({ k, bufs: { ...bufs }, p: { ...p }, ...(t ? { t: { ...t } } : {}) });
    this.inner.run(k, bufs, p, t);
  }
  submit(): void {
    this.inner.submit();
  }
  precompile(list: readonly { kernel: KernelDef; tunables: Tunables }[], onProgress?: (done: number, total: number, key: string) => void): Promise<Map<string, number>> {
    return this.inner.precompile(list, onProgress);
  }
  read(buf: Buf, offset?: number, count?: number): Promise<Float32Array | Uint32Array> {
    return this.inner.read(buf, offset, count);
  }
  liveBuffers(): number {
    return this.inner.liveBuffers();
  }
  counters(): { dispatches: number; submits: number } {
    return this.inner.counters();
  }
  resetCounters(): void {
    this.inner.resetCounters();
  }
}
