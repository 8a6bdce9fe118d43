// Where the CLI keeps the autotuner's results (src/tune/cache.ts): $WEBGPU_RNN_CACHE_DIR, else
// $XDG_CACHE_HOME/webgpu-rnn, else ~/.cache/webgpu-rnn; the file tuning.json, written atomically.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCache, type TuningCache, type TuningStore } from '../tune/cache.js';
import { fileError, writeFileAtomic } from './files.js';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WEBGPU_RNN_CACHE_DIR) return env.WEBGPU_RNN_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'webgpu-rnn');
}

export function nodeTuningStore(dir = cacheDir()): TuningStore {
  const file = join(dir, 'tuning.json');
  return {
    where: file,
    async load(): Promise<TuningCache | null> {
      if (!existsSync(file)) return null;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw fileError(e, 'read', file);
      }
      return parseCache(text);
    },
    async save(c: TuningCache): Promise<void> {
      try {
        await mkdir(dir, { recursive: true });
      } catch (e) {
        throw fileError(e, 'create', dir);
      }
      await writeFileAtomic(file, `${JSON.stringify(c, null, 1)}\n`);
    },
  };
}
