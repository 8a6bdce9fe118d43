// The CPU reference backend: every kernel call runs its TypeScript twin immediately on host arrays.
// With precision 'f64' every f32 buffer is a Float64Array, which the finite-difference checks use.
import type { Backend, Buf, ElementType } from '../core/backend.js';
import { kernelInfo, resolveTunables, type HostArray, type KernelDef, type Params, type Tunables } from '../core/kernel.js';

export class CpuBuf implements Buf {
  constructor(
    readonly label: string,
    readonly data: HostArray,
    readonly type: ElementType,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  private live = 0;
  private nDispatch = 0;

  constructor(readonly precision: 'f32' | 'f64' = 'f32') {
    this.description = `CPU reference (${precision}, plain TypeScript)`;
  }

  create(label: string, size: number, type: ElementType = 'f32'): CpuBuf {
    this.live++;
    const data = type === 'u32' ? new Uint32Array(size) : this.precision === 'f64' ? new Float64Array(size) : new Float32Array(size);
    return new CpuBuf(label, data, type);
  }
  destroy(_buf: Buf): void {
    this.live--;
  }
  write(buf: Buf, data: Float32Array | Uint32Array, offset = 0): void {
    const b = buf as CpuBuf;
    if (offset + data.length > b.size) throw new Error(`write past the end of ${b.label}`);
    b.data.set(data, offset);
  }
  clear(buf: Buf): void {
    (buf as CpuBuf).data.fill(0);
  }
  copy(src: Buf, srcOffset: number, dst: Buf, dstOffset: number, count: number): void {
    (dst as CpuBuf).data.set((src as CpuBuf).data.subarray(srcOffset, srcOffset + count), dstOffset);
  }
  run(k: KernelDef, bufs: Record<string, Buf>, p: Params, t?: Tunables): void {
    const info = kernelInfo(k);
    const arrays: Record<string, HostArray> = {};
    for (const b of info.bindings) {
      const buf = bufs[b.name] as CpuBuf | undefined;
      if (!buf) throw new Error(`kernel ${k.name}: buffer '${b.name}' not given`);
      arrays[b.name] = buf.data;
    }
    for (const f of info.params) {
      if (p[f.name] === undefined) throw new Error(`kernel ${k.name}: param '${f.name}' not given`);
    }
    this.nDispatch++;
    k.cpu(arrays, p, resolveTunables(k, t));
  }
  submit(): void {}
  async read(buf: Buf, offset = 0, count?: number): Promise<Float32Array | Uint32Array> {
    const d = (buf as CpuBuf).data;
    const end = count === undefined ? d.length : offset + count;
    return d instanceof Uint32Array ? d.slice(offset, end) : Float32Array.from(d.subarray(offset, end));
  }
  liveBuffers(): number {
    return this.live;
  }
  counters(): { dispatches: number; submits: number } {
    return { dispatches: this.nDispatch, submits: 0 };
  }
  resetCounters(): void {
    this.nDispatch = 0;
  }
}
