// The command line against hostile or careless input (issue 10's table): each case ends in one clear line
// and a non-zero exit, or in the correct behaviour, and never destroys a file the user did not ask to replace.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, sharedData, type CliResult } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-rnn-bad-input-'));
chmodSync(dir, 0o755); // readable by the unprivileged user some cases run as
const QUICK = ['--epochs', '1', '--hidden', '8', '--limit', '200'];

function expectRefusal(r: CliResult, text: RegExp): void {
  expect(r.code, r.stderr + r.stdout).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stdout, 'refused before any training').not.toMatch(/^epoch /m);
}

/** As an unprivileged user (nobody when the tests run as root, where file permissions do not apply). */
function cliAs(args: string[]): CliResult {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/webgpu-rnn.js'), ...args], {
    cwd: '/', encoding: 'utf8', env: { ...process.env, WEBGPU_RNN_DATA: sharedData(), WEBGPU_RNN_TUNING: 'fixed', HOME: dir }, timeout: 120_000, ...asNobody,
  });
  const stderr = r.stderr.split('\n').filter((l) => !l.includes('artificially reduced')).join('\n');
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}

describe('output paths', () => {
  it('--out naming the data zip is refused and the zip is untouched', () => {
    const data = join(dir, 'names.zip');
    writeFileSync(data, readFileSync(sharedData()));
    expectRefusal(cli(['train', '--data', data, '--out', data, ...QUICK]), /--out .*names\.zip is the data this run reads/);
    expect(readFileSync(data)).toEqual(readFileSync(sharedData()));
  });

  it('--out naming a FIFO, a device or a folder is refused; nothing replaces them', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expectRefusal(cli(['train', '--out', fifo, ...QUICK]), /--out .*fifo is a FIFO/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expectRefusal(cli(['train', '--out', '/dev/full', ...QUICK]), /--out \/dev\/full is a device/);
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    expectRefusal(cli(['train', '--out', dir, ...QUICK]), /is a folder/);
  });

  it('--out naming a file that is not a model needs --force', () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes');
    expectRefusal(cli(['train', '--out', notes, ...QUICK]), /notes\.txt exists and is not a model file written by webgpu-rnn; pass --force/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');
  });

  it('--out a symlink: the target gets the model, the link stays; stale temporary files of dead runs go', () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = join(dir, `.real.json.tmp-${dead}-x9x9x9`);
    writeFileSync(stale, 'half a model');
    const r = cli(['train', '--out', link, ...QUICK]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(JSON.parse(readFileSync(real, 'utf8')).format).toBe('webgpu-rnn/model');
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a folder the user may not write fails before training, as a plain permission error', () => {
    const ro = join(dir, 'readonly');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    expectRefusal(cliAs(['train', '--out', join(ro, 'm.json'), ...QUICK]), new RegExp(`cannot write ${ro}/m\\.json: permission denied`));
  });

  it('compare --out-dir naming a file, and bench --out naming a device, are refused before any work', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep');
    expectRefusal(cli(['compare', '--out-dir', file, '--models', 'rnn', ...QUICK]), /--out-dir .*a-file is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep');
    const b = spawnSync(process.execPath, [resolve(ROOT, 'bench/index.js'), '--quick', '--out', '/dev/full'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WEBGPU_RNN_DATA: sharedData() }, timeout: 120_000 });
    expect(b.status, b.stderr).toBe(1);
    expect(b.stderr).toMatch(/bench: --out \/dev\/full is a device/);
    expect(b.stdout).not.toMatch(/== Kernels/);
  });
});

describe('hostile data', () => {
  it('a small zip whose names entry unpacks to 200 MiB is refused before inflating', () => {
    const bomb = join(dir, 'bomb.zip');
    writeFileSync(bomb, zipSync({ 'data/names/A.txt': new Uint8Array(200 * 2 ** 20).fill(97), 'data/names/B.txt': strToU8('Bo\n') }, { level: 1 }));
    expectRefusal(cli(['train', '--data', bomb, ...QUICK, '--out', join(dir, 'bomb.json')]), /bomb\.zip: the names files unpack to 200\.0 MiB, more than the 64\.0 MiB limit/);
  });

  it('a language file with one 10,000-character line trains with the default sizes, cutting it with a warning', () => {
    const long = join(dir, 'long.zip');
    const names = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${String.fromCharCode(97 + (i % 26))}${i}`).join('\n');
    writeFileSync(long, zipSync({ 'data/names/A.txt': strToU8(`${names(40, 'Al')}\n${'a'.repeat(10_000)}\n`), 'data/names/B.txt': strToU8(names(40, 'Bo')) }));
    const r = cli(['train', '--data', long, '--epochs', '1', '--out', join(dir, 'long.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toMatch(/^warning: 1 name was longer than 64 characters \(longest 10,000\) and was cut to 64 \(.*long\.zip\)$/);
    expect(r.stdout).toMatch(/saved/);
  });

  it('data the user may not read is a plain permission error', () => {
    const secret = join(dir, 'secret');
    mkdirSync(join(secret, 'data', 'names'), { recursive: true });
    writeFileSync(join(secret, 'data', 'names', 'Irish.txt'), 'Murphy\n');
    writeFileSync(join(secret, 'data', 'names', 'Czech.txt'), 'Novak\n');
    chmodSync(secret, 0o700);
    expectRefusal(cliAs(['train', '--data', secret, '--out', join(dir, 'secret.json'), ...QUICK]), new RegExp(`cannot read ${secret}.*: permission denied`));
  });
});

describe('a run that blows up', () => {
  it('--lr 100 stops with the cause and a remedy, exits non-zero and saves nothing', () => {
    const out = join(dir, 'lr100.json');
    const r = cli(['train', '--lr', '100', '--epochs', '2', '--hidden', '16', '--limit', '2000', '--out', out]);
    expect(r.code, r.stdout).toBe(1);
    // Typically "the training loss is 1280.4 in epoch 1 near step 20, more than 4 times the 2.890 of guessing".
    expect(r.stderr.trim()).toMatch(/^webgpu-rnn train: training diverged: .*; the learning rate is likely too high: try a lower --lr \(now 100; the default is 0\.002\); nothing was saved to .*lr100\.json$/);
    expect(r.stderr).toMatch(/guessing|NaN/);
    expect(existsSync(out)).toBe(false);
  });
});
