// The seam between the model and where it runs. The model code (src/model) only calls these methods, so
// the same forward/backward/optimizer code drives WGSL kernels on a GPUDevice or their CPU twins.
import type { KernelDef, Params, Tunables } from './kernel.js';

/** What an adapter is, for policy (tuning table, recurrence): from GPUAdapter.info (gpu/device.ts). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  /** Software rasterizers/compute (lavapipe, SwiftShader): cost models differ from real GPUs. */
  software: boolean;
  /**
   * Everything the adapter says about itself (vendor, architecture, device, description: for Mesa the driver
   * and LLVM versions and the vector width), the key of its autotuned table (src/tune/cache.ts).
   */
  id?: string;
}

export type ElementType = 'f32' | 'u32';

/** An opaque buffer owned by a backend. Sizes are in elements (4 bytes each on the GPU). */
export interface Buf {
  readonly label: string;
  readonly size: number;
  readonly type: ElementType;
}

export interface Backend {
  readonly kind: 'cpu' | 'gpu';
  /** Human-readable name of what runs the kernels (adapter description, or the CPU reference). */
  readonly description: string;
  /** The adapter a GPU backend runs on, when known (the tuning table and the recurrence choice read it). */
  readonly adapter?: AdapterSummary;
  /** A zero-filled buffer. */
  create(label: string, size: number, type?: ElementType): Buf;
  destroy(buf: Buf): void;
  /** Uploads host data at an element offset; ordered before work submitted after this call. */
  write(buf: Buf, data: Float32Array | Uint32Array, offset?: number): void;
  /** Zero-fills a buffer as part of the work being recorded. */
  clear(buf: Buf): void;
  copy(src: Buf, srcOffset: number, dst: Buf, dstOffset: number, count: number): void;
  /** Records one kernel dispatch (CPU: runs it now). */
  run(k: KernelDef, bufs: Record<string, Buf>, p: Params, t?: Tunables): void;
  /** Sends the recorded work to the device (one command buffer, one submit). */
  submit(): void;
  /** Submits pending work and reads elements back. */
  read(buf: Buf, offset?: number, count?: number): Promise<Float32Array | Uint32Array>;
  /** Buffers created and not yet destroyed (for leak tests). */
  liveBuffers(): number;
  /** Counters since the last reset: dispatches and submits (for the bench). */
  counters(): { dispatches: number; submits: number };
  resetCounters(): void;
}
