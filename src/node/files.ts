// Output files that never destroy what the user did not ask to replace, the one atomic writer every
// command uses (model files, compare reports, the download cache, bench JSON), and file-system errors
// as one plain line.
//
// - prepareOutput() runs before any work: it follows a symlink to its target (the link stays a link),
//   refuses a folder, a FIFO, a device or socket, the data the run reads, and an existing file the
//   caller does not recognise as its own (unless forced); it creates the folder and proves it writable
//   with a probe file; and it removes temporary files that dead processes left next to the target.
// - writeFileAtomic() writes a temporary file in the target's folder and renames it over the target
//   (atomic on POSIX), so a crash or kill -9 leaves the old file or the new one, never half of one.
// - While a write is in flight, SIGINT/SIGTERM first remove its temporary file, then end the process as
//   the signal would have.
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A file-system problem worth one line to the user ("cannot write /x/m.json: permission denied"). */
export class FileError extends Error {
  override name = 'FileError';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EIO: 'input/output error',
  ETXTBSY: 'the file is busy',
  EFBIG: 'the file is too large',
};

/** The errno of a Node file-system error, if it is one. */
export function fsCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** A Node file-system error as "cannot <verb> <path>: <reason>"; anything else is returned unchanged. */
export function fileError(e: unknown, verb: string, path: string): unknown {
  const code = fsCode(e);
  if (!code) return e;
  return new FileError(`cannot ${verb} ${path}: ${REASONS[code] ?? code.toLowerCase()}`);
}

function kindOf(s: Stats): string | null {
  if (s.isFile()) return null;
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Follows a chain of symbolic links (also to a target that does not exist yet); the final path. */
export function followLinks(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let s: Stats;
    try {
      s = lstatSync(p);
    } catch (e) {
      if (fsCode(e) === 'ENOENT') return p;
      throw fileError(e, 'read', p);
    }
    if (!s.isSymbolicLink()) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw new FileError(`cannot write ${path}: too many levels of symbolic links`);
}

export interface OutputOptions {
  /** What the file is, for messages ("model file", "report"). */
  what: string;
  /** Files and folders the run reads: writing over one of them is refused. */
  inputs?: readonly (string | undefined)[];
  /** Replace an existing file even if `isOurs` does not recognise it. */
  force?: boolean;
  /** Whether existing content (the first 4 KiB) is something this tool wrote and may replace. */
  isOurs?: (head: string) => boolean;
  /** The option that names the path, for messages ("--out"). */
  option?: string;
}

/**
 * Checks an output path before any work and returns the path to write (a symlink's target). Throws a
 * FileError with one line when the path may not or cannot be written.
 */
export function prepareOutput(path: string, o: OutputOptions): string {
  const target = followLinks(path);
  const shown = target === resolve(path) ? path : `${path} (a link to ${target})`;
  const opt = o.option ? `${o.option} ` : '';
  let st: Stats | undefined;
  try {
    st = statSync(target);
  } catch (e) {
    if (fsCode(e) !== 'ENOENT') throw fileError(e, 'write', shown);
  }
  if (st) {
    const kind = kindOf(st);
    if (kind) throw new FileError(`${opt}${shown} is ${kind}; name a regular file for the ${o.what}`);
    for (const input of o.inputs ?? []) {
      if (input && sameFile(st, input)) throw new FileError(`${opt}${shown} is the data this run reads; writing the ${o.what} there would destroy it — name another file`);
    }
    if (!o.force && o.isOurs && st.size > 0 && !o.isOurs(readHead(target, shown))) {
      throw new FileError(`${opt}${shown} exists and is not a ${o.what} written by webgpu-rnn; pass --force to replace it, or name another file`);
    }
  }
  const dir = dirname(target);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fileError(e, 'create folder', dir);
  }
  probeWritable(target, shown);
  removeStaleTemps(target);
  return target;
}

/**
 * Checks a folder that a command fills with several files (compare --out-dir): it must be a folder (or
 * not exist yet) and writable. Returns the folder to write into (a symlink's target).
 */
export function prepareOutputDir(path: string, option: string): string {
  const target = followLinks(path);
  try {
    const st = statSync(target);
    if (!st.isDirectory()) throw new FileError(`${option} ${path} is ${kindOf(st) ?? 'a file'}, not a folder; name a folder`);
  } catch (e) {
    if (e instanceof FileError) throw e;
    if (fsCode(e) !== 'ENOENT') throw fileError(e, 'write', path);
  }
  try {
    mkdirSync(target, { recursive: true });
  } catch (e) {
    throw fileError(e, 'create folder', path);
  }
  probeWritable(join(target, 'probe'), path);
  return target;
}

function sameFile(st: Stats, other: string): boolean {
  try {
    const o = statSync(other);
    return o.dev === st.dev && o.ino === st.ino;
  } catch {
    return false;
  }
}

function readHead(path: string, shown: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    throw fileError(e, 'read', shown);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Creates and removes a file next to the target, so a read-only folder fails before training, not after. */
function probeWritable(target: string, shown: string): void {
  const probe = tempName(target, 'probe');
  live.add(probe);
  try {
    writeFileSync(probe, '');
  } catch (e) {
    throw fileError(e, 'write', shown);
  } finally {
    rmSync(probe, { force: true });
    live.delete(probe);
  }
}

// .<name>.tmp-<pid>-<random>: the pid says whose it is, so a later run can tell a dead process's leftovers
// from a live writer's file.
const TEMP = /^\.(.+)\.(?:tmp|probe)-(\d+)-[a-z0-9]+$/;

function tempName(target: string, kind: 'tmp' | 'probe'): string {
  return join(dirname(target), `.${basename(target)}.${kind}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return fsCode(e) === 'EPERM'; // exists, owned by someone else
  }
}

/** Removes temporary files of `target` left by processes that no longer run (a kill -9 during a save). */
export function removeStaleTemps(target: string): number {
  const dir = dirname(target), base = basename(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const n of names) {
    const m = TEMP.exec(n);
    if (!m || m[1] !== base || alive(Number(m[2]))) continue;
    try {
      rmSync(join(dir, n), { force: true });
      removed++;
    } catch {
      // Someone else's file we may not remove: leave it.
    }
  }
  return removed;
}

/** This process's temporary files that exist right now (removed on SIGINT/SIGTERM). */
const live = new Set<string>();

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder, then a rename over the target.
 * A symlink at `path` is followed, so its target is replaced and the link stays. Asynchronous, so that a
 * SIGINT/SIGTERM arriving mid-write is handled (the temporary file removed) rather than deferred.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = followLinks(path);
  const dir = dirname(target);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fileError(e, 'create folder', dir);
  }
  const tmp = tempName(target, 'tmp');
  live.add(tmp);
  holdSignals();
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(e, 'write', path);
  } finally {
    live.delete(tmp);
    releaseSignals();
  }
}

// SIGINT/SIGTERM handlers exist only while a write is in flight: a handler defers the signal to the event
// loop, and outside writes the default (immediate) death is what a user pressing Ctrl-C expects, even in
// the middle of a long synchronous CPU step.
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let holders = 0;

function onSignal(sig: NodeJS.Signals): void {
  for (const t of live) rmSync(t, { force: true });
  live.clear();
  holders = 0;
  for (const s of SIGNALS) process.off(s, onSignal);
  // Others listening (a server shutting down cleanly) decide themselves; otherwise die of the signal.
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function holdSignals(): void {
  if (holders++ === 0) for (const s of SIGNALS) process.on(s, onSignal);
}

function releaseSignals(): void {
  if (holders > 0 && --holders === 0) for (const s of SIGNALS) process.off(s, onSignal);
}

/** For tests: the temporary files this process holds right now. */
export function liveTemps(): string[] {
  return [...live];
}
