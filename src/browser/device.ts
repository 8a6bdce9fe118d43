// Browser entry for a GPUDevice: navigator.gpu.
import { deviceFromAdapter, type DeviceHandle } from '../gpu/device.js';
import { NoAdapterError } from '../gpu/errors.js';

export const BROWSER_ADAPTER_FIX = 'This browser has no WebGPU: use a recent Chrome or Edge (or enable WebGPU), or train with the CPU reference.';

export async function requestBrowserDevice(): Promise<DeviceHandle> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new NoAdapterError(`navigator.gpu is missing. ${BROWSER_ADAPTER_FIX}`);
  return deviceFromAdapter(await gpu.requestAdapter({ powerPreference: 'high-performance' }), BROWSER_ADAPTER_FIX);
}
