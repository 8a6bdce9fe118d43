// Browser library entry: the core plus navigator.gpu.
export * from './index.js';
export { requestBrowserDevice } from './browser/device.js';
