// Platform-neutral core: everything here takes a Backend (GPU or CPU); nothing imports `webgpu` or node:*.
export type { Backend, Buf } from './core/backend.js';
export { CpuBackend } from './cpu/backend.js';
export { GpuBackend } from './gpu/backend.js';
export { deviceFromAdapter, describeAdapter, summarizeAdapter, type AdapterSummary, type DeviceHandle } from './gpu/device.js';
export { GpuError, LimitError, NoAdapterError } from './gpu/errors.js';
export * from './model/config.js';
export { Network, type Capacity } from './model/network.js';
export { Optimizer, type OptimizerOptions } from './model/optimizer.js';
export { packBatch, type PackedBatch } from './model/packing.js';
export { initParams, paramLayout, type ParamLayout } from './model/params.js';
export * from './data/vocab.js';
export { parseNamesZip, namesFromFiles, type NamesData } from './data/names.js';
export { splitNames, DEFAULT_SPLIT_SEED, type Example, type Split } from './data/split.js';
export { DataError } from './data/errors.js';
