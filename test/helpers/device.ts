// The test harness's GPU: one device per test file (worker), created on first use. No adapter is a test
// failure with the fix in the message — GPU tests never skip silently.
import { GpuBackend } from '../../src/gpu/backend.js';
import type { DeviceHandle } from '../../src/gpu/device.js';
import { describeAdapter } from '../../src/gpu/device.js';
import { requestNodeDevice } from '../../src/node/device.js';

let handle: Promise<DeviceHandle> | null = null;

export function testDevice(): Promise<DeviceHandle> {
  handle ??= requestNodeDevice();
  return handle;
}

/**
 * Runs `fn` with a fresh backend on the shared device inside a validation error scope; a validation error
 * anywhere in `fn` fails the test with the kernel's label in the message.
 */
export async function withDevice<T>(fn: (be: GpuBackend, h: DeviceHandle) => Promise<T>): Promise<T> {
  const h = await testDevice();
  const be = new GpuBackend(h.device, { description: describeAdapter(h.summary) });
  h.device.pushErrorScope('validation');
  let result: T;
  try {
    result = await fn(be, h);
    await be.finish();
  } finally {
    const err = await h.device.popErrorScope();
    be.dispose();
    if (err) throw new Error(`WebGPU validation error: ${err.message}`);
  }
  return result;
}
