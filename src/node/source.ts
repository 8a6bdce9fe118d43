// Where the names come from, on Node: a path the user names, else a cached copy of the official
// archive, else a download of it. Browsers get their bytes some other way and call parseNamesZip.

import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { DataError } from '../data/errors.js';
import { decodeUtf8, NAMES_LIMITS, namesFromFiles, parseNamesZip, truncationWarning, type NamesData } from '../data/names.js';
import { fileError, fsCode, writeFileAtomic } from './files.js';

/** The PyTorch char-RNN tutorial's archive; data/names/<Language>.txt inside. */
export const NAMES_URL = 'https://download.pytorch.org/tutorial/data.zip';

const FIX_HINT = 'pass --data PATH/TO/names.zip (or a folder) or set WEBGPU_RNN_DATA';

export interface ResolveOptions {
  /** A names zip or folder; wins over WEBGPU_RNN_DATA, the cache and the download. */
  data?: string;
  /** Where the download is kept; defaultCacheDir() if not given. */
  cacheDir?: string;
  /** Where to download from; NAMES_URL if not given (tests point it at a local server). */
  url?: string;
  /** Download progress in bytes; total is undefined when the server does not say. */
  onProgress?: (received: number, total: number | undefined) => void;
  log?: (msg: string) => void;
}

export interface ResolvedNames {
  data: NamesData;
  /** The path or URL the names were read from, for messages and reports. */
  source: string;
}

/** $XDG_CACHE_HOME/webgpu-rnn, else ~/.cache/webgpu-rnn (XDG says to ignore a relative value). */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? join(xdg, 'webgpu-rnn') : join(homedir(), '.cache', 'webgpu-rnn');
}

export async function resolveNamesData(opts: ResolveOptions = {}): Promise<ResolvedNames> {
  const r = await locate(opts);
  const warning = truncationWarning(r.data);
  if (warning) opts.log?.(`${warning} (${r.source})`);
  return r;
}

async function locate(opts: ResolveOptions): Promise<ResolvedNames> {
  // An empty value counts as unset, so `WEBGPU_RNN_DATA= cmd` falls back to the cache.
  const named = opts.data || process.env.WEBGPU_RNN_DATA;
  if (named) return { data: await loadPath(named), source: named };

  const cached = join(opts.cacheDir ?? defaultCacheDir(), 'data.zip');
  if (existsSync(cached)) return { data: await loadCachedZip(cached), source: cached };

  const url = opts.url ?? NAMES_URL;
  opts.log?.(`downloading ${url} to ${cached}`);
  const bytes = await download(url, opts.onProgress);
  const data = parseNamesZip(bytes, url); // before keeping it, so a bad download is never cached
  try {
    await writeFileAtomic(cached, bytes);
  } catch (err) {
    // The names are in memory: a cache we cannot write costs the next run a download, not this run.
    opts.log?.(`note: ${(err as Error).message}; the download is not cached`);
  }
  return { data, source: cached };
}

/** A zip file, or a folder of <Language>.txt files (see namesFolder). */
async function loadPath(path: string): Promise<NamesData> {
  try {
    const info = await stat(path).catch((e: unknown) => {
      if (fsCode(e) === 'ENOENT') return undefined;
      throw e;
    });
    if (!info) throw new DataError(`data path ${path} does not exist`);
    if (info.isDirectory()) return await loadFolder(path);
    if (!info.isFile()) throw new DataError(`data path ${path} is not a file or folder`);
    checkZipSize(path, info.size);
    return parseNamesZip(await readFile(path), path);
  } catch (err) {
    throw asDataError(err);
  }
}

/** A file-system error reading the data ("cannot read /d/names: permission denied") as a DataError. */
function asDataError(err: unknown): unknown {
  const code = fsCode(err), at = (err as NodeJS.ErrnoException).path;
  if (!code || !at) return err;
  return new DataError((fileError(err, 'read', at) as Error).message);
}

/**
 * A names zip holds at most NAMES_LIMITS.maxBytes of names plus other entries (the official archive
 * carries a 9 MiB eng-fra.txt); anything far larger is not one, and is not read into memory.
 */
const MAX_ZIP_BYTES = 4 * NAMES_LIMITS.maxBytes;

function checkZipSize(path: string, size: number): void {
  if (size > MAX_ZIP_BYTES) throw new DataError(`data path ${path} is ${(size / 2 ** 20).toFixed(0)} MiB, larger than a names zip can be (limit ${MAX_ZIP_BYTES / 2 ** 20} MiB)`);
}

async function loadCachedZip(path: string): Promise<NamesData> {
  try {
    checkZipSize(path, (await stat(path)).size);
    return parseNamesZip(await readFile(path).catch((e: unknown) => Promise.reject(asDataError(e))), path);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${err.message}; delete it to download it again`);
    throw err;
  }
}

async function loadFolder(dir: string): Promise<NamesData> {
  const { folder, prefix } = namesFolder(dir);
  const txt = (await readdir(folder)).filter((file) => file.endsWith('.txt') && !file.startsWith('.')).sort();
  if (txt.length > NAMES_LIMITS.maxLanguages) throw new DataError(`${dir} holds ${txt.length} <Language>.txt files; at most ${NAMES_LIMITS.maxLanguages} languages are supported`);
  // Sizes first, so an oversized folder is refused before anything is read.
  const sizes = await Promise.all(txt.map(async (file) => (await stat(join(folder, file))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > NAMES_LIMITS.maxBytes) {
    throw new DataError(`${dir}: the names files hold ${(total / 2 ** 20).toFixed(1)} MiB, more than the ${NAMES_LIMITS.maxBytes / 2 ** 20} MiB limit for names data`);
  }
  const files = await Promise.all(
    txt.map(async (file) => {
      const name = prefix + file;
      return { name, text: decodeUtf8(await readFile(join(folder, file)), join(dir, name)) };
    }),
  );
  return namesFromFiles(files, dir);
}

/**
 * The folder that holds the <Language>.txt files: dir/data/names (an unpacked archive), else
 * dir/names, else dir itself. `prefix` is its path relative to dir, for error messages.
 */
function namesFolder(dir: string): { folder: string; prefix: string } {
  for (const prefix of ['data/names/', 'names/']) {
    const folder = join(dir, prefix);
    if (existsSync(folder)) return { folder, prefix };
  }
  return { folder: dir, prefix: '' };
}

async function download(url: string, onProgress: ResolveOptions['onProgress']): Promise<Uint8Array> {
  try {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const length = Number(response.headers.get('content-length'));
    const total = length > 0 ? length : undefined;
    const chunks: Uint8Array[] = [];
    let received = 0;
    // A reader rather than `for await`, which TypeScript's DOM typings do not allow on a stream.
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      chunks.push(chunk.value);
      received += chunk.value.length;
      onProgress?.(received, total);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    throw new DataError(`download of ${url} failed (${reason(err)}); ${FIX_HINT}`);
  }
}

/** fetch reports network failures as "fetch failed" with the useful part in `cause`. */
function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
