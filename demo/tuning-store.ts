// The page keeps the autotuner's results (src/tune/cache.ts) in the browser's localStorage, per adapter,
// as the CLI keeps them in its cache folder: a browser measures each model's kernels once.
import { parseCache, type TuningCache, type TuningStore } from '../src/tune/cache.js';

const KEY = 'webgpu-rnn-tuning';

export function browserTuningStore(): TuningStore {
  return {
    where: 'browser storage',
    async load(): Promise<TuningCache | null> {
      const text = globalThis.localStorage?.getItem(KEY);
      return text ? parseCache(text) : null;
    },
    async save(c: TuningCache): Promise<void> {
      globalThis.localStorage?.setItem(KEY, JSON.stringify(c));
    },
  };
}
