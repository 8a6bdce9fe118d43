// Node library entry: the core plus Dawn's device and the file-system data source.
export * from './index.js';
export { requestNodeDevice } from './node/device.js';
export { resolveNamesData, defaultCacheDir, NAMES_URL } from './node/source.js';
export { FileError, prepareOutput, prepareOutputDir, writeFileAtomic } from './node/files.js';
