// The WebGPU backend. It owns no device of its own: it takes a GPUDevice (from the Node entry, the browser
// entry or a test) and records kernel dispatches into one command encoder per training step:
//   - pipelines are cached by (kernel, tunable constants) and labelled with that key, so a validation
//     error names the kernel;
//   - every kernel binds whole buffers at @group(0) and reads element offsets and sizes from its Params,
//     which live in 256-byte slots of one uniform "arena" bound at @group(1) with a dynamic offset, so a
//     bind group is made once per (kernel layout, buffers) and reused for every step;
//   - the arena is uploaded with one writeBuffer just before the single submit.
import type { Backend, Buf, ElementType } from '../core/backend.js';
import { kernelInfo, pipelineKey, resolveTunables, specialize, type KernelDef, type KernelInfo, type Params, type Tunables } from '../core/kernel.js';
import prelude from '../../shaders/prelude.wgsl';
import type { Tuning } from '../core/tuning.js';
import type { AdapterSummary } from './device.js';
import { GpuError, LimitError } from './errors.js';

const SLOT_BYTES = 256;
const SLOT_WORDS = SLOT_BYTES / 4;

export class GpuBuf implements Buf {
  constructor(
    readonly id: number,
    readonly label: string,
    readonly size: number,
    readonly type: ElementType,
    readonly buffer: GPUBuffer,
  ) {}
}

interface PipelineEntry {
  pipeline: GPUComputePipeline;
  info: KernelInfo;
  layoutKey: string;
  layout0: GPUBindGroupLayout;
  tunables: Tunables;
}

export interface GpuBackendOptions {
  /** Describes the adapter, for logs and the bench. */
  description?: string;
  /** What the adapter is (e.g. whether it is software), for choices such as the recurrence strategy. */
  adapter?: AdapterSummary;
}

export class GpuBackend implements Backend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  /** The adapter's summary when the caller gave it. */
  readonly adapter?: AdapterSummary;
  /**
   * The tunables every network on this backend uses (tuningForBackend): set to the autotuned table
   * (src/tune/autotune.ts) once it is measured; unset, the adapter's fixed table.
   */
  tuning?: Tuning;
  private nextId = 1;
  private live = new Set<GpuBuf>();
  private pipelines = new Map<string, PipelineEntry>();
  private layouts0 = new Map<string, GPUBindGroupLayout>();
  private bindGroups = new Map<string, GPUBindGroup>();
  private layout1: GPUBindGroupLayout;
  private arena!: GPUBuffer;
  private arenaGroup!: GPUBindGroup;
  private arenaHost!: ArrayBuffer;
  private arenaU32!: Uint32Array;
  private arenaF32!: Float32Array;
  private arenaI32!: Int32Array;
  private slots = 0;
  private capacity = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private staging: GPUBuffer[] = [];
  private firstError: string | null = null;
  private nDispatch = 0;
  private nSubmit = 0;
  private lost: string | null = null;
  // One listener per backend, removed by dispose(): tests make many backends on one device, and listeners
  // that outlive their backend pile up (Node warns past 10: MaxListenersExceededWarning).
  private readonly onError = (ev: Event): void => {
    this.firstError ??= (ev as GPUUncapturedErrorEvent).error.message;
  };

  constructor(
    readonly device: GPUDevice,
    opts: GpuBackendOptions = {},
  ) {
    this.description = opts.description ?? 'WebGPU device';
    if (opts.adapter) this.adapter = opts.adapter;
    const slot = Math.max(SLOT_BYTES, device.limits.minUniformBufferOffsetAlignment);
    if (slot !== SLOT_BYTES) throw new LimitError(`this adapter needs uniform offsets aligned to ${slot} bytes; webgpu-rnn supports 256`);
    this.layout1 = device.createBindGroupLayout({
      label: 'params-arena',
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: SLOT_BYTES } }],
    });
    this.growArena(1024);
    device.addEventListener?.('uncapturederror', this.onError);
    void device.lost?.then((info) => {
      this.lost = `WebGPU device lost (${info.reason}): ${info.message}`;
    });
  }

  // ---- buffers ----------------------------------------------------------------------------------

  create(label: string, size: number, type: ElementType = 'f32'): GpuBuf {
    const bytes = Math.max(4, size) * 4;
    const lim = this.device.limits;
    const cap = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    if (bytes > cap) {
      throw new LimitError(
        `buffer '${label}' needs ${(bytes / 2 ** 20).toFixed(1)} MiB but this adapter allows ${(cap / 2 ** 20).toFixed(1)} MiB per storage buffer; use a smaller hidden size or batch`,
      );
    }
    const buffer = this.device.createBuffer({
      label,
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const b = new GpuBuf(this.nextId++, label, size, type, buffer);
    this.live.add(b);
    return b;
  }

  destroy(buf: Buf): void {
    const b = buf as GpuBuf;
    if (!this.live.delete(b)) return;
    if (this.encoder) this.submit(); // recorded work may still use it
    // Bind groups that hold this buffer can never be used again.
    for (const key of [...this.bindGroups.keys()]) if (key.includes(`#${b.id}#`)) this.bindGroups.delete(key);
    b.buffer.destroy();
  }

  write(buf: Buf, data: Float32Array | Uint32Array, offset = 0): void {
    const b = buf as GpuBuf;
    // queue.writeBuffer lands before every command buffer submitted after it, including work already
    // recorded here; submitting that work first keeps writes in program order.
    if (this.encoder) this.submit();
    if (offset + data.length > b.size) throw new Error(`write past the end of ${b.label}`);
    this.device.queue.writeBuffer(b.buffer, offset * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  clear(buf: Buf): void {
    this.endPass();
    this.enc().clearBuffer((buf as GpuBuf).buffer);
  }

  copy(src: Buf, srcOffset: number, dst: Buf, dstOffset: number, count: number): void {
    this.endPass();
    this.enc().copyBufferToBuffer((src as GpuBuf).buffer, srcOffset * 4, (dst as GpuBuf).buffer, dstOffset * 4, count * 4);
  }

  liveBuffers(): number {
    return this.live.size;
  }

  // ---- kernels ----------------------------------------------------------------------------------

  run(k: KernelDef, bufs: Record<string, Buf>, p: Params, t?: Tunables): void {
    const d = this.prepare(k, bufs, p, t);
    if (!d) return; // nothing to do (e.g. no active rows)
    const pass = this.beginPass();
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.setBindGroup(1, this.arenaGroup, [d.slot * SLOT_BYTES]);
    pass.dispatchWorkgroups(...d.grid);
    this.nDispatch++;
  }

  /**
   * Profiling hook for the bench (bench/profiler.ts; never used by training; here because it needs the
   * pipeline cache, the uniform arena and the encoder): records `reps` back-to-back dispatches of one
   * kernel with the same buffers and params in a compute pass of their own, optionally bracketed by
   * timestamp writes, so that (end - begin) / reps is the device time of one dispatch including its
   * fixed cost. Returns false (and records nothing) when the grid is empty.
   */
  runRepeated(k: KernelDef, bufs: Record<string, Buf>, p: Params, t: Tunables | undefined, reps: number, timestampWrites?: GPUComputePassTimestampWrites): boolean {
    const d = this.prepare(k, bufs, p, t);
    if (!d) return false;
    this.endPass();
    const pass = this.enc().beginComputePass({ label: `repeat:${k.name}`, ...(timestampWrites ? { timestampWrites } : {}) });
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.setBindGroup(1, this.arenaGroup, [d.slot * SLOT_BYTES]);
    for (let i = 0; i < reps; i++) pass.dispatchWorkgroups(...d.grid);
    pass.end();
    this.nDispatch += reps;
    return true;
  }

  submit(): void {
    this.endPass();
    if (!this.encoder) return;
    if (this.slots > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaHost, 0, this.slots * SLOT_BYTES);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slots = 0;
    this.nSubmit++;
    this.throwIfFailed();
  }

  async read(buf: Buf, offset = 0, count?: number): Promise<Float32Array | Uint32Array> {
    const b = buf as GpuBuf;
    const n = count ?? b.size - offset;
    if (offset + n > b.size) throw new Error(`read past the end of ${b.label}`);
    const bytes = Math.max(4, n * 4);
    const staging = this.takeStaging(bytes);
    this.endPass();
    this.enc().copyBufferToBuffer(b.buffer, offset * 4, staging, 0, n * 4);
    this.submit();
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = staging.getMappedRange(0, bytes).slice(0, n * 4);
    staging.unmap();
    this.staging.push(staging);
    this.throwIfFailed();
    return b.type === 'u32' ? new Uint32Array(copy) : new Float32Array(copy);
  }

  /** Resolves when the device has finished all submitted work. */
  async finish(): Promise<void> {
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    this.throwIfFailed();
  }

  /** Pipelines created so far (each compiled at most once). */
  pipelineCount(): number {
    return this.pipelines.size;
  }

  counters(): { dispatches: number; submits: number } {
    return { dispatches: this.nDispatch, submits: this.nSubmit };
  }
  resetCounters(): void {
    this.nDispatch = 0;
    this.nSubmit = 0;
  }

  /** Frees every buffer this backend made (the device itself belongs to the caller). */
  dispose(): void {
    this.device.removeEventListener?.('uncapturederror', this.onError);
    for (const b of [...this.live]) this.destroy(b);
    for (const s of this.staging) s.destroy();
    this.staging = [];
    this.arena.destroy();
    this.bindGroups.clear();
  }

  /**
   * Compiles pipelines before the work that needs them. Creating a pipeline is not enough on software
   * adapters: lavapipe (llvmpipe) translates a pipeline to machine code with LLVM at its first dispatch, on
   * the queue's one thread, seconds for a register-blocked step kernel, so a run meets that cost in its first
   * steps, one pipeline after another, with nothing on the screen. Here each pipeline is created
   * (createComputePipelineAsync, all at once, so a driver that compiles at creation may do so in parallel)
   * and then dispatched once on one workgroup with zeroed params over scratch buffers (every kernel's loops
   * are bounded by its params, so it does nothing), in its own submit, calling `onProgress` after each.
   * Returns the seconds each one took, by pipeline key.
   */
  async precompile(list: readonly { kernel: KernelDef; tunables: Tunables }[], onProgress?: (done: number, total: number, key: string) => void): Promise<Map<string, number>> {
    this.submit();
    const todo = list.filter((p) => !this.pipelines.has(pipelineKey(p.kernel, resolveTunables(p.kernel, p.tunables))));
    await Promise.all(todo.map(async (p) => {
      const t = resolveTunables(p.kernel, p.tunables);
      const key = pipelineKey(p.kernel, t);
      if (this.pipelines.has(key)) return;
      const { desc, info, layoutKey, layout0 } = this.pipelineDescriptor(p.kernel, t, key);
      const pipeline = await this.device.createComputePipelineAsync(desc);
      this.pipelines.set(key, { pipeline, info, layoutKey, layout0, tunables: t });
    }));
    const zero = this.device.createBuffer({ label: 'precompile-params', size: SLOT_BYTES, usage: GPUBufferUsage.UNIFORM });
    const zeroGroup = this.device.createBindGroup({ label: 'precompile-params', layout: this.layout1, entries: [{ binding: 0, resource: { buffer: zero, size: SLOT_BYTES } }] });
    const scratch: GPUBuffer[] = [];
    const seconds = new Map<string, number>();
    try {
      for (const [i, p] of todo.entries()) {
        const t = resolveTunables(p.kernel, p.tunables);
        const key = pipelineKey(p.kernel, t);
        const e = this.pipelines.get(key)!;
        const group = this.device.createBindGroup({
          label: `precompile:${p.kernel.name}`,
          layout: e.layout0,
          entries: e.info.bindings.map((b) => {
            scratch[b.index] ??= this.device.createBuffer({ label: `precompile-${b.index}`, size: 256, usage: GPUBufferUsage.STORAGE });
            return { binding: b.index, resource: { buffer: scratch[b.index]! } };
          }),
        });
        const t0 = performance.now();
        const enc = this.device.createCommandEncoder({ label: `precompile:${key}` });
        const pass = enc.beginComputePass({ label: `precompile:${key}` });
        pass.setPipeline(e.pipeline);
        pass.setBindGroup(0, group);
        pass.setBindGroup(1, zeroGroup, [0]);
        pass.dispatchWorkgroups(1);
        pass.end();
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        this.throwIfFailed();
        seconds.set(key, (performance.now() - t0) / 1000);
        onProgress?.(i + 1, todo.length, key);
      }
    } finally {
      zero.destroy();
      for (const b of scratch) b?.destroy();
    }
    return seconds;
  }

  // ---- internals --------------------------------------------------------------------------------

  /** Pipeline, grid, params slot and bind group of one dispatch; null when the grid is empty. */
  private prepare(k: KernelDef, bufs: Record<string, Buf>, p: Params, t?: Tunables): { pipeline: GPUComputePipeline; grid: [number, number, number]; slot: number; group: GPUBindGroup } | null {
    const entry = this.pipeline(k, resolveTunables(k, t));
    const [x, y = 1, z = 1] = k.grid(p, entry.tunables);
    if (x === 0 || y === 0 || z === 0) return null;
    const maxG = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxG || y > maxG || z > maxG) {
      throw new LimitError(`kernel ${k.name}: ${x}x${y}x${z} workgroups exceed this adapter's ${maxG} per dimension; use a smaller batch`);
    }
    if (this.slots === this.capacity) {
      // More dispatches in one step than the arena holds: send what we have and grow.
      this.submit();
      this.growArena(this.capacity * 2);
    }
    const slot = this.slots++;
    this.packParams(k, entry.info, p, slot);
    const group = this.bindGroup(k, entry, bufs);
    return { pipeline: entry.pipeline, grid: [x, y, z], slot, group };
  }

  /** The compiled pipeline for a kernel with these constants (compiled once, then cached). */
  pipeline(k: KernelDef, t: Tunables): PipelineEntry {
    const key = pipelineKey(k, t);
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const { desc, info, layoutKey, layout0 } = this.pipelineDescriptor(k, t, key);
    const entry = { pipeline: this.device.createComputePipeline(desc), info, layoutKey, layout0, tunables: t };
    this.pipelines.set(key, entry);
    return entry;
  }

  private pipelineDescriptor(k: KernelDef, t: Tunables, key: string): { desc: GPUComputePipelineDescriptor; info: KernelInfo; layoutKey: string; layout0: GPUBindGroupLayout } {
    const info = kernelInfo(k);
    const layoutKey = info.bindings.map((b) => b.access).join(',');
    let layout0 = this.layouts0.get(layoutKey);
    if (!layout0) {
      layout0 = this.device.createBindGroupLayout({
        label: `storage(${layoutKey})`,
        entries: info.bindings.map((b) => ({
          binding: b.index,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
        })),
      });
      this.layouts0.set(layoutKey, layout0);
    }
    const module = this.device.createShaderModule({ label: key, code: `${prelude}\n${specialize(k.wgsl, t)}` });
    const desc: GPUComputePipelineDescriptor = {
      label: key,
      layout: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [layout0, this.layout1] }),
      compute: { module, entryPoint: 'main' },
    };
    return { desc, info, layoutKey, layout0 };
  }

  private bindGroup(k: KernelDef, e: PipelineEntry, bufs: Record<string, Buf>): GPUBindGroup {
    let key = e.layoutKey;
    for (const b of e.info.bindings) {
      const buf = bufs[b.name] as GpuBuf | undefined;
      if (!buf) throw new Error(`kernel ${k.name}: buffer '${b.name}' not given`);
      if (!this.live.has(buf)) throw new Error(`kernel ${k.name}: buffer '${b.name}' (${buf.label}) was destroyed`);
      key += `#${buf.id}#`;
    }
    let g = this.bindGroups.get(key);
    if (!g) {
      g = this.device.createBindGroup({
        label: `${k.name}:bind`,
        layout: e.layout0,
        entries: e.info.bindings.map((b) => ({ binding: b.index, resource: { buffer: (bufs[b.name] as GpuBuf).buffer } })),
      });
      this.bindGroups.set(key, g);
    }
    return g;
  }

  private packParams(k: KernelDef, info: KernelInfo, p: Params, slot: number): void {
    const base = slot * SLOT_WORDS;
    info.params.forEach((f, i) => {
      const v = p[f.name];
      if (v === undefined || Number.isNaN(v)) throw new Error(`kernel ${k.name}: param '${f.name}' not given`);
      if (f.type === 'f32') this.arenaF32[base + i] = v;
      else if (f.type === 'i32') this.arenaI32[base + i] = v;
      else {
        if (v < 0 || !Number.isInteger(v)) throw new Error(`kernel ${k.name}: param '${f.name}' must be a non-negative integer, got ${v}`);
        this.arenaU32[base + i] = v;
      }
    });
  }

  private growArena(slots: number): void {
    this.arena?.destroy();
    this.capacity = slots;
    this.arena = this.device.createBuffer({ label: 'params-arena', size: slots * SLOT_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.arenaHost = new ArrayBuffer(slots * SLOT_BYTES);
    this.arenaU32 = new Uint32Array(this.arenaHost);
    this.arenaF32 = new Float32Array(this.arenaHost);
    this.arenaI32 = new Int32Array(this.arenaHost);
    this.arenaGroup = this.device.createBindGroup({
      label: 'params-arena',
      layout: this.layout1,
      entries: [{ binding: 0, resource: { buffer: this.arena, size: SLOT_BYTES } }],
    });
  }

  private enc(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'step' });
    return this.encoder;
  }
  private beginPass(): GPUComputePassEncoder {
    this.pass ??= this.enc().beginComputePass({ label: 'kernels' });
    return this.pass;
  }
  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private takeStaging(bytes: number): GPUBuffer {
    const i = this.staging.findIndex((s) => s.size >= bytes);
    if (i >= 0) return this.staging.splice(i, 1)[0]!;
    return this.device.createBuffer({ label: 'readback', size: Math.max(256, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  private throwIfFailed(): void {
    if (this.lost) throw new GpuError(this.lost);
    if (this.firstError) {
      const msg = this.firstError;
      this.firstError = null;
      throw new GpuError(`WebGPU error: ${msg}`);
    }
  }
}
