// Node entry for a GPUDevice: Dawn through the `webgpu` package. The only module that imports it.
import { create, globals } from 'webgpu';
import { deviceFromAdapter, type DeviceHandle } from '../gpu/device.js';

// Dawn segfaults on the next mapAsync/onSubmittedWorkDone if the object returned by create() or the
// adapter is garbage-collected while the device lives, so both are kept here for the process's lifetime.
const keepAlive: unknown[] = [];

export const NODE_ADAPTER_FIX =
  "On Linux without a GPU driver, install Mesa's software Vulkan driver (Mesa >= 25): run 'bash scripts/setup-webgpu.sh' " +
  "(Debian bookworm: mesa-vulkan-drivers from bookworm-backports). Or use --device cpu for the slow CPU reference.";

export async function requestNodeDevice(): Promise<DeviceHandle> {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  keepAlive.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  keepAlive.push(adapter);
  const handle = await deviceFromAdapter(adapter, NODE_ADAPTER_FIX);
  keepAlive.push(handle.device);
  return handle;
}
