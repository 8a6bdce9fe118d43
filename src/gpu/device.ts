// Turning an adapter into the device the kernels need. Platform-neutral: the Node and browser entries find
// the adapter, this asks for the limits the model may use (up to what the adapter offers).
import type { AdapterSummary } from '../core/backend.js';
import { NoAdapterError } from './errors.js';

export type { AdapterSummary };

export interface DeviceHandle {
  device: GPUDevice;
  adapter: GPUAdapter;
  summary: AdapterSummary;
  /** Whether timestamp queries were granted (the bench uses them when present). */
  timestamps: boolean;
}

const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const i = adapter.info;
  const text = `${i.vendor} ${i.architecture} ${i.description}`.toLowerCase();
  return {
    vendor: i.vendor || 'unknown',
    architecture: i.architecture || 'unknown',
    description: i.description || i.device || 'unknown adapter',
    id: [i.vendor, i.architecture, i.device, i.description].map((x) => x || '-').join(' | '),
    software: /llvmpipe|lavapipe|swiftshader|software|warp/.test(text) || (i as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  };
}

export async function deviceFromAdapter(adapter: GPUAdapter | null, fix: string): Promise<DeviceHandle> {
  if (!adapter) throw new NoAdapterError(`no WebGPU adapter found. ${fix}`);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const timestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label: 'webgpu-rnn',
    requiredLimits,
    requiredFeatures: timestamps ? ['timestamp-query'] : [],
  });
  return { device, adapter, summary: summarizeAdapter(adapter), timestamps };
}

export function describeAdapter(s: AdapterSummary): string {
  return `${s.description} (${s.vendor}/${s.architecture}${s.software ? ', software' : ''})`;
}
