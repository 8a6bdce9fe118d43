// What runs the kernels: WebGPU through navigator.gpu, or the CPU path (the reference kernels in TypeScript).
import type { Backend, Buf } from '../src/core/backend.js';
import { requestBrowserDevice } from '../src/browser/device.js';
import { CpuBackend } from '../src/cpu/backend.js';
import { GpuBackend } from '../src/gpu/backend.js';
import { describeAdapter } from '../src/gpu/device.js';
import { yieldToBrowser } from './dom.js';
import { watchDevice } from './errors.js';

export interface Engine {
  be: Backend;
  kind: 'gpu' | 'cpu';
  /** For the page: the adapter (describeAdapter) or the CPU reference. */
  description: string;
  /** Training steps between reads of the loss (each read lets the page repaint and handle Stop). */
  readEvery: number;
}

/** WebGPU; throws NoAdapterError when the browser has none. */
export async function openGpu(): Promise<Engine> {
  const h = await requestBrowserDevice();
  watchDevice(h.device);
  // Chrome may keep the adapter's description empty (privacy); its architecture names it then.
  const s = h.summary;
  const description = describeAdapter(s.description === 'unknown adapter' && s.architecture !== 'unknown' ? { ...s, description: s.architecture } : s);
  // Each read waits for the GPU (a real task boundary), so the page stays responsive between reads; a
  // read every few steps keeps the stretches of recording short without slowing the GPU down.
  // The adapter too, as the CLI passes it: its tuning table and the recurrence choice read it.
  return { be: new GpuBackend(h.device, { description, adapter: s }), kind: 'gpu', description, readEvery: 5 };
}

/**
 * The CPU path: the same model in the reference kernels' plain TypeScript loops, on the main thread. On a
 * software WebGPU adapter (SwiftShader) it is often the faster one; the page measures (demo/main.ts).
 */
export function openCpu(): Engine {
  const be = new YieldingCpuBackend();
  return { be, kind: 'cpu', description: 'CPU path (plain TypeScript on this page)', readEvery: 1 };
}

/** The CPU reference never waits; it yields to the browser at every read so that Stop and typing work. */
class YieldingCpuBackend extends CpuBackend {
  override async read(buf: Buf, offset?: number, count?: number): Promise<Float32Array | Uint32Array> {
    await yieldToBrowser();
    return super.read(buf, offset, count);
  }
}
