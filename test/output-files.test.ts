// Output files (src/node/files.ts): what may be written where, symlinks, atomic replacement, temporary files
// of dead processes, our own temporary files on SIGINT/SIGTERM, and file-system errors as one plain line.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileError, fileError, prepareOutput, prepareOutputDir, removeStaleTemps, writeFileAtomic } from '../src/node/files.js';
import { looksLikeModelFile } from '../src/train/modelfile.js';
import { ROOT } from './helpers/cli.js';

const base = mkdtempSync(join(tmpdir(), 'webgpu-rnn-files-'));
let n = 0;
const fresh = (): string => {
  const d = join(base, `case${n++}`);
  mkdirSync(d);
  return d;
};
const MODEL_HEAD = '{"format":"webgpu-rnn/model","version":1}';
const model = { what: 'model file', option: '--out', isOurs: looksLikeModelFile };

/** A pid that surely belongs to no process: one that has just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('output files', () => {
  it('refuses a folder, a FIFO and a device, writing nothing', () => {
    const d = fresh();
    expect(() => prepareOutput(d, model)).toThrow(/--out .* is a folder; name a regular file for the model file/);
    const fifo = join(d, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => prepareOutput(fifo, model)).toThrow(/is a FIFO \(named pipe\)/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(() => prepareOutput('/dev/null', model)).toThrow(/\/dev\/null is a device/);
    expect(() => prepareOutput('/dev/full', model)).toThrow(/\/dev\/full is a device/);
    expect(readdirSync(d)).toEqual(['fifo']);
  });

  it('refuses the data the run reads, also through a symlink or a hard link', () => {
    const d = fresh();
    const data = join(d, 'names.zip');
    writeFileSync(data, 'PK zip bytes');
    const opts = { ...model, inputs: [data] };
    expect(() => prepareOutput(data, opts)).toThrow(/is the data this run reads/);
    symlinkSync(data, join(d, 'link.zip'));
    expect(() => prepareOutput(join(d, 'link.zip'), opts)).toThrow(/link\.zip \(a link to .*names\.zip\) is the data this run reads/);
    linkSync(data, join(d, 'hard.zip'));
    expect(() => prepareOutput(join(d, 'hard.zip'), { ...opts, force: true })).toThrow(/is the data this run reads/);
    expect(readFileSync(data, 'utf8')).toBe('PK zip bytes');
  });

  it("refuses to replace a file that is not ours unless forced; our own, empty and new files are fine", () => {
    const d = fresh();
    const notes = join(d, 'notes.txt');
    writeFileSync(notes, 'my notes');
    expect(() => prepareOutput(notes, model)).toThrow(/notes\.txt exists and is not a model file written by webgpu-rnn; pass --force/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');
    expect(prepareOutput(notes, { ...model, force: true })).toBe(resolve(notes));
    const ours = join(d, 'm.json');
    writeFileSync(ours, MODEL_HEAD);
    expect(prepareOutput(ours, model)).toBe(resolve(ours));
    writeFileSync(join(d, 'empty.json'), '');
    expect(prepareOutput(join(d, 'empty.json'), model)).toBe(resolve(d, 'empty.json'));
    expect(prepareOutput(join(d, 'new', 'deeper', 'm.json'), model)).toBe(resolve(d, 'new/deeper/m.json'));
    expect(existsSync(join(d, 'new', 'deeper'))).toBe(true);
    // The writability probe leaves nothing behind.
    expect(readdirSync(d).sort()).toEqual(['empty.json', 'm.json', 'new', 'notes.txt']);
  });

  it('follows a symlink: the target is replaced atomically, the link stays a link (dangling ones too)', async () => {
    const d = fresh();
    const real = join(d, 'real.json');
    writeFileSync(real, MODEL_HEAD);
    symlinkSync('real.json', join(d, 'link.json'));
    const target = prepareOutput(join(d, 'link.json'), model);
    expect(target).toBe(resolve(real));
    await writeFileAtomic(join(d, 'link.json'), `${MODEL_HEAD} new`);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'link.json'))).toBe('real.json');
    expect(readFileSync(real, 'utf8')).toBe(`${MODEL_HEAD} new`);
    symlinkSync(join(d, 'sub', 'later.json'), join(d, 'dangling.json'));
    await writeFileAtomic(join(d, 'dangling.json'), 'x');
    expect(lstatSync(join(d, 'dangling.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'sub', 'later.json'), 'utf8')).toBe('x');
    // A link to something that is not ours is judged by its target.
    writeFileSync(join(d, 'other.txt'), 'keep');
    symlinkSync('other.txt', join(d, 'other-link.json'));
    expect(() => prepareOutput(join(d, 'other-link.json'), model)).toThrow(/a link to .*other\.txt\) exists and is not a model file/);
    symlinkSync('loop-b', join(d, 'loop-a'));
    symlinkSync('loop-a', join(d, 'loop-b'));
    expect(() => prepareOutput(join(d, 'loop-a'), model)).toThrow(/too many levels of symbolic links/);
  });

  it('removes temporary files of dead processes next to the target, and nothing else', () => {
    const d = fresh();
    const dead = deadPid();
    const stale = [`.m.json.tmp-${dead}-abc123`, `.m.json.probe-${dead}-x1`];
    const keep = [`.m.json.tmp-${process.pid}-live1`, `.other.json.tmp-${dead}-zz`, 'm.json.tmp-1-a', '.m.json.tmp-notapid-a'];
    for (const f of [...stale, ...keep]) writeFileSync(join(d, f), 'partial');
    prepareOutput(join(d, 'm.json'), model);
    expect(readdirSync(d).sort()).toEqual(keep.sort());
    expect(removeStaleTemps(join(d, 'm.json'))).toBe(0);
  });

  it('--out-dir must be a folder; it is created and probed', () => {
    const d = fresh();
    writeFileSync(join(d, 'file'), 'x');
    expect(() => prepareOutputDir(join(d, 'file'), '--out-dir')).toThrow(/--out-dir .*file is a file, not a folder/);
    expect(prepareOutputDir(join(d, 'reports', 'a'), '--out-dir')).toBe(resolve(d, 'reports/a'));
    expect(readdirSync(join(d, 'reports', 'a'))).toEqual([]);
  });

  it('file-system errors read as what they are', async () => {
    const e = fileError(Object.assign(new Error('EACCES: permission denied, open /x/m.json'), { code: 'EACCES' }), 'write', '/x/m.json');
    expect(e).toBeInstanceOf(FileError);
    expect((e as Error).message).toBe('cannot write /x/m.json: permission denied');
    expect((fileError(Object.assign(new Error('x'), { code: 'ENOSPC' }), 'write', '/m') as Error).message).toBe('cannot write /m: no space left on the device');
    const plain = new Error('not a file-system error');
    expect(fileError(plain, 'write', '/m')).toBe(plain);
    const d = fresh();
    mkdirSync(join(d, 'dir.json'));
    // Not prepared first: the rename onto a folder fails, as a FileError, and leaves no temporary file.
    await expect(writeFileAtomic(join(d, 'dir.json'), 'x')).rejects.toThrow(/cannot write .*dir\.json: it is a folder/);
    expect(readdirSync(d)).toEqual(['dir.json']);
  });

  it('a folder this user may not write fails at prepare time, before any work (run as nobody when root)', () => {
    const d = fresh();
    chmodSync(base, 0o755);
    chmodSync(d, 0o555);
    const script = `import('${resolve(ROOT, 'dist/node.js')}').then((m) => { try { m.prepareOutput('${d}/m.json', { what: 'model file' }); console.log('ok'); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: '/', ...asNobody });
    expect(r.stdout.trim(), r.stderr).toBe(`FileError: cannot write ${d}/m.json: permission denied`);
  });

  it('SIGINT or SIGTERM during saves: the process dies of the signal and leaves no temporary file', async () => {
    const d = fresh();
    chmodSync(base, 0o755);
    // Saves of 64 MiB in a loop, so that most signals arrive in the middle of a write.
    const script = `import('${resolve(ROOT, 'dist/node.js')}').then(async (m) => {
      const data = new Uint8Array(64 * 2 ** 20).fill(7);
      process.stdout.write('ready\\n');
      for (;;) await m.writeFileAtomic('${d}/m.json', data);
    })`;
    for (const [i, sig] of (['SIGINT', 'SIGTERM', 'SIGINT'] as const).entries()) {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((done) => child.stdout.once('data', () => done()));
      await new Promise((done) => setTimeout(done, 150 + 170 * i));
      child.kill(sig);
      const [code, signal] = await new Promise<[number | null, string | null]>((done) => child.once('exit', (c, s) => done([c, s])));
      expect({ code, signal }).toEqual({ code: null, signal: sig });
      expect(readdirSync(d).filter((f) => f.includes('.tmp-')), `after ${sig}`).toEqual([]);
    }
    // What is there is a whole file.
    if (existsSync(join(d, 'm.json'))) expect(readFileSync(join(d, 'm.json')).length).toBe(64 * 2 ** 20);
  }, 60_000);
});
