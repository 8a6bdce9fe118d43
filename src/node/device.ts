// Node entry for a GPUDevice: Dawn through the `webgpu` package. The only module that imports it.
import { create, globals } from 'webgpu';
import { deviceFromAdapter, type DeviceHandle } from '../gpu/device.js';

// Dawn segfaults on the next mapAsync/onSubmittedWorkDone if the object returned by create() or the
// adapter is garbage-collected while the device lives, so both are kept here for the process's lifetime.
const keepAlive: unknown[] = [];

export const NODE_ADAPTER_FIX =
  "On Linux without a GPU driver, install Mesa's software Vulkan driver (Mesa >= 25): run 'bash scripts/setup-webgpu.sh' " +
  "(Debian bookworm: mesa-vulkan-drivers from bookworm-backports). Or use --device cpu for the CPU path (plain TypeScript).";

export async function requestNodeDevice(): Promise<DeviceHandle> {
  Object.assign(globalThis, globals);
  throttleDawnPolling();
  const gpu = create([]);
  keepAlive.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  keepAlive.push(adapter);
  const handle = await deviceFromAdapter(adapter, NODE_ADAPTER_FIX);
  keepAlive.push(handle.device);
  return handle;
}

// ---- Dawn's completion polling --------------------------------------------------------------------------
// While a mapAsync or onSubmittedWorkDone promise is pending, Dawn's Node binding (AsyncRunner) polls for
// completion by calling globalThis.setImmediate again from every tick: the main thread spins a whole core
// until the device is done. On a software adapter (lavapipe) the device computes on the same cores, so a
// trainer waiting for its stats while 20 queued steps drain took a core from the kernels for the whole
// drain (the bench's GRU step at B64H128 ran ~25% slower with it). So while such a promise of ours is
// pending, globalThis.setImmediate is a throttled one: a real setImmediate during the first SPIN_MS of the
// wait (short waits, e.g. a small read on an idle device, keep their latency), then setTimeout(0) (~1 ms
// between polls). Other callers of setImmediate in that window get the same (still asynchronous, later by
// at most ~1 ms); clearImmediate accepts either kind of handle.

/** How long a wait polls at full speed before backing off to ~1 ms timers. */
const SPIN_MS = 0.3;
let throttled = false;
let pending = 0;
let waitStart = 0;

function throttleDawnPolling(): void {
  if (throttled) return;
  throttled = true;
  const realSet = globalThis.setImmediate;
  const realClear = globalThis.clearImmediate;
  const timers = new WeakSet<object>();
  const slowSet = ((fn: (...a: unknown[]) => void, ...args: unknown[]) => {
    if (performance.now() - waitStart < SPIN_MS) return realSet(fn, ...args);
    const t = setTimeout(fn, 0, ...args);
    timers.add(t);
    return t;
  }) as unknown as typeof setImmediate;
  for (const k of Object.getOwnPropertySymbols(realSet)) (slowSet as unknown as Record<symbol, unknown>)[k] = (realSet as unknown as Record<symbol, unknown>)[k];
  const slowClear = ((h: unknown) => {
    if (h && typeof h === 'object' && timers.has(h)) clearTimeout(h as ReturnType<typeof setTimeout>);
    else realClear(h as NodeJS.Immediate);
  }) as typeof clearImmediate;
  const begin = () => {
    if (pending++ === 0) {
      waitStart = performance.now();
      globalThis.setImmediate = slowSet;
      globalThis.clearImmediate = slowClear;
    }
  };
  const end = () => {
    if (--pending === 0) {
      globalThis.setImmediate = realSet;
      globalThis.clearImmediate = realClear;
    }
  };
  const wrap = <A extends unknown[], R>(proto: object, name: string) => {
    const target = proto as Record<string, (...a: A) => Promise<R>>;
    const orig = target[name]!;
    target[name] = function (this: unknown, ...a: A): Promise<R> {
      begin();
      let p: Promise<R>;
      try {
        p = orig.apply(this, a);
      } catch (e) {
        end();
        throw e;
      }
      return p.finally(end);
    };
  };
  const g = globals as unknown as { GPUBuffer: { prototype: object }; GPUQueue: { prototype: object } };
  wrap(g.GPUBuffer.prototype, 'mapAsync');
  wrap(g.GPUQueue.prototype, 'onSubmittedWorkDone');
}
