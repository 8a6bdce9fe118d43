// The autotuner's results, kept per adapter (platform-neutral: the CLI keeps them in a file in the user's
// cache folder, src/node/tuning-store.ts; the page in the browser's localStorage, demo/tuning-store.ts).
//
//   { format: 'webgpu-rnn-tuning', version: 1,
//     adapters: { <AdapterSummary.id>: { adapter, groups: { <groupKey>: { kernel, best, baseUs, bestUs, at } } } } }
//
// A group's key names the kernel, its shader's hash and the fixed table's tunables (autotune.ts), so an
// entry measured for another shader version or another table choice is simply never looked up; entries
// where the table's choice won are kept too (best = the table's), so they are not measured again.
import type { AdapterSummary } from '../core/backend.js';
import type { Tunables } from '../core/kernel.js';
import type { GroupResult } from './autotune.js';

export const CACHE_FORMAT = 'webgpu-rnn-tuning';
export const CACHE_VERSION = 1;

export interface CachedGroup {
  kernel: string;
  best: Tunables;
  baseUs: number;
  bestUs: number;
  /** ISO date of the measurement. */
  at: string;
}

export interface AdapterTuning {
  adapter: AdapterSummary;
  groups: Record<string, CachedGroup>;
}

export interface TuningCache {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  adapters: Record<string, AdapterTuning>;
}

/** Where a platform keeps the cache; load() returns null when there is none yet. */
export interface TuningStore {
  /** For messages: the file, or 'browser storage'. */
  readonly where: string;
  load(): Promise<TuningCache | null>;
  save(c: TuningCache): Promise<void>;
}

export class CacheFormatError extends Error {
  override name = 'CacheFormatError';
}

export function emptyCache(): TuningCache {
  return { format: CACHE_FORMAT, version: CACHE_VERSION, adapters: {} };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTunables = (v: unknown): v is Tunables =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => Number.isInteger(x) && (x as number) >= 0);

/** Checks a parsed cache file; throws CacheFormatError naming what is wrong. Unusable entries are dropped. */
export function parseCache(text: string): TuningCache {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new CacheFormatError('not JSON');
  }
  const o = j as Partial<TuningCache>;
  if (typeof o !== 'object' || o === null || o.format !== CACHE_FORMAT) throw new CacheFormatError(`not a ${CACHE_FORMAT} file`);
  if (o.version !== CACHE_VERSION) throw new CacheFormatError(`version ${String(o.version)} (this webgpu-rnn reads ${CACHE_VERSION})`);
  if (typeof o.adapters !== 'object' || o.adapters === null) throw new CacheFormatError('no adapters');
  const out = emptyCache();
  for (const [id, a] of Object.entries(o.adapters)) {
    if (typeof a !== 'object' || a === null || typeof a.groups !== 'object' || a.groups === null) continue;
    const groups: Record<string, CachedGroup> = {};
    for (const [key, g] of Object.entries(a.groups)) {
      if (g && typeof g.kernel === 'string' && isTunables(g.best) && isNum(g.baseUs) && isNum(g.bestUs)) groups[key] = { ...g, at: String(g.at ?? '') };
    }
    out.adapters[id] = { adapter: a.adapter, groups };
  }
  return out;
}

/** The adapter's key in the cache (AdapterSummary.id, or its fields where a caller built one by hand). */
export function adapterKey(a: AdapterSummary): string {
  return a.id ?? `${a.vendor} | ${a.architecture} | ${a.description}`;
}

/** The chosen tunables of every group measured for this adapter. */
export function choicesFor(c: TuningCache | null, a: AdapterSummary): Map<string, Tunables> {
  const groups = c?.adapters[adapterKey(a)]?.groups ?? {};
  return new Map(Object.entries(groups).map(([k, g]) => [k, g.best]));
}

/** The cache with these measurements added (replacing older ones of the same groups). */
export function withResults(c: TuningCache | null, a: AdapterSummary, results: readonly GroupResult[], at = new Date().toISOString()): TuningCache {
  const out: TuningCache = c ? { ...c, adapters: { ...c.adapters } } : emptyCache();
  const key = adapterKey(a);
  const prev = out.adapters[key];
  const groups = { ...prev?.groups };
  for (const r of results) groups[r.key] = { kernel: r.kernel, best: r.best, baseUs: r.baseUs, bestUs: r.bestUs, at };
  out.adapters[key] = { adapter: a, groups };
  return out;
}
