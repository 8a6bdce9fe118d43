// Limits on the names data (src/data/names.ts, src/node/source.ts) and buffers sized from the batches that
// really run (src/train/trainer.ts): a zip that lies about its sizes, too many names or languages, an
// oversized folder, over-long names (cut, counted, warned), and one long name not multiplying every buffer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import { Rng } from '../src/core/rng.js';
import { NAMES_LIMITS, namesFromFiles, parseNamesZip, truncationWarning } from '../src/data/names.js';
import { encodeName } from '../src/data/vocab.js';
import { resolveNamesData } from '../src/node/source.js';
import { makeBatches, maxBatchRows } from '../src/train/batches.js';
import { DEFAULT_TRAIN_OPTIONS, Trainer } from '../src/train/trainer.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgpu-rnn-hostile-'));
const small = { ...NAMES_LIMITS, maxBytes: 1 << 20 };

/** Sets the uncompressed size of every entry, in the local headers and the central directory, to `size`. */
function understate(zip: Uint8Array, size: number): Uint8Array {
  const z = Uint8Array.from(zip);
  const dv = new DataView(z.buffer);
  for (let i = 0; i + 4 <= z.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50 && i + 26 <= z.length) dv.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && i + 28 <= z.length) dv.setUint32(i + 24, size, true);
  }
  return z;
}

describe('names data limits', () => {
  const bigEntry = new Uint8Array(3 << 20).fill(97);

  it('declared sizes over the limit are refused before inflating', () => {
    const zip = zipSync({ 'data/names/A.txt': bigEntry, 'data/names/B.txt': strToU8('Bo\n') });
    expect(() => parseNamesZip(zip, 'big.zip', small)).toThrow(/^big\.zip: the names files unpack to 3\.0 MiB, more than the 1\.0 MiB limit/);
  });

  it('a zip that understates its sizes is stopped while inflating', () => {
    const zip = understate(zipSync({ 'data/names/A.txt': bigEntry, 'data/names/B.txt': strToU8('Bo\n') }), 100);
    expect(() => parseNamesZip(zip, 'liar.zip', small)).toThrow(/^liar\.zip: the names files unpack to more than the 1\.0 MiB limit .*understates/);
  });

  it('a zip within the limits still loads, stored or deflated, with other entries never inflated', () => {
    const files = { 'data/names/A.txt': strToU8('Ab\nAc\n'), 'data/names/B.txt': strToU8('Bo\n'), 'data/eng-fra.txt': bigEntry };
    for (const level of [0, 6] as const) expect(parseNamesZip(zipSync(files, { level }), 'ok.zip', small)).toEqual({ languages: ['A', 'B'], names: [['Ab', 'Ac'], ['Bo']] });
  });

  it('too many names or languages are refused', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `N${i}`).join('\n');
    expect(() => namesFromFiles([{ name: 'A.txt', text: lines(60) }, { name: 'B.txt', text: lines(50) }], 'src', { ...NAMES_LIMITS, maxNames: 100 }))
      .toThrow(/^src holds more than 100 names, the limit/);
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `L${i}.txt`, text: 'x' }));
    expect(() => namesFromFiles(files, 'src', { ...NAMES_LIMITS, maxLanguages: 4 })).toThrow(/^src holds 5 <Language>\.txt files; at most 4 languages/);
  });

  it('names longer than the limit are cut and counted; a warning says so; names that normalize to nothing are skipped', () => {
    const long = 'x'.repeat(10_000);
    const d = namesFromFiles([{ name: 'A.txt', text: `Smith\n${long}\n${'y'.repeat(65)}\n\u0301\u0301\n` }, { name: 'B.txt', text: 'Bo' }], 'src');
    expect(d.names[0]).toEqual(['Smith', 'x'.repeat(64), 'y'.repeat(64)]);
    expect(d.truncated).toEqual({ count: 2, longest: 10_000 });
    expect(truncationWarning(d)).toBe('warning: 2 names were longer than 64 characters (longest 10,000) and were cut to 64');
    expect(truncationWarning(namesFromFiles([{ name: 'A.txt', text: 'a' }, { name: 'B.txt', text: 'b' }], 'src'))).toBeNull();
  });

  it('a folder whose files exceed the limit is refused before reading; its warnings reach the log', async () => {
    const dir = join(tmp, 'folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'A.txt'), `Ab\n${'z'.repeat(100)}\n`);
    writeFileSync(join(dir, 'B.txt'), 'Bo\n');
    const log: string[] = [];
    const r = await resolveNamesData({ data: dir, log: (s) => log.push(s) });
    expect(r.data.names[0]).toEqual(['Ab', 'z'.repeat(64)]);
    expect(log).toEqual([`warning: 1 name was longer than 64 characters (longest 100) and was cut to 64 (${dir})`]);
    const big = join(tmp, 'bigfolder');
    mkdirSync(big);
    writeFileSync(join(big, 'A.txt'), new Uint8Array(NAMES_LIMITS.maxBytes + 1).fill(97));
    writeFileSync(join(big, 'B.txt'), 'Bo\n');
    await expect(resolveNamesData({ data: big })).rejects.toThrow(/bigfolder: the names files hold 64\.0 MiB, more than the 64 MiB limit/);
  });
});

describe('buffers sized from the batches that run', () => {
  it('evaluation batches are chunked by characters; the order and noise of names do not change', () => {
    const rng = new Rng(5);
    const seqs = Array.from({ length: 300 }, (_, i) => Array.from({ length: i === 17 ? 900 : 1 + rng.int(12) }, () => rng.int(50)));
    const data = { seqs, labels: seqs.map((_, i) => i % 7) };
    const byCount = makeBatches(data, { batchSize: 64, noise: 3, noiseRng: new Rng(9) });
    const byRows = makeBatches(data, { batchSize: 64, maxRows: 400, noise: 3, noiseRng: new Rng(9) });
    expect(byRows.length).toBeGreaterThan(byCount.length);
    for (const b of byRows) expect(b.rows <= 400 || b.batch === 1, `batch of ${b.batch} names, ${b.rows} rows`).toBe(true);
    // The same names with the same noise: every (label, length with noise) pair, batch by batch in order.
    const pairs = (bs: typeof byCount) => bs.flatMap((b) => b.order.map((_, r) => `${b.labels[r]}:${b.lengths[r]}`).sort());
    expect(pairs(byRows).sort()).toEqual(pairs(byCount).sort());
    expect(pairs(byRows).length).toBe(300);
    expect(maxBatchRows(data, 3)).toBe(900 + 12 + 12);
  });

  it('one 2,000-character test name costs its own length, not evalBatchSize x its length', async () => {
    const names = ['Smith', 'Jones', 'Brown', 'Novak', 'Kowalski', 'Nguyen', 'Tran', 'Le'];
    const train = names.map((name, i) => ({ name, label: i % 2 }));
    const test = [...names.map((name, i) => ({ name, label: i % 2 })), { name: 'q'.repeat(2000), label: 0 }];
    const t = new Trainer(new CpuBackend(), { ...DEFAULT_TRAIN_OPTIONS, hidden: 4, epochs: 1, batchSize: 4 }, { train, test, languages: ['A', 'B'], split: { seed: 1, testFraction: 0.5, dedup: false } });
    const cap = t.net.capacity;
    // Before: rows = max(batch, evalBatchSize) x longest = 512 x 2000.
    expect(cap.rows).toBeLessThan(4 * 2000);
    expect(cap.rows).toBeGreaterThanOrEqual(2000);
    const report = await t.evaluate(test);
    expect(report.count).toBe(test.length);
    expect(t.net.capacity.rows).toBe(cap.rows); // evaluation never had to grow the buffers
    expect(encodeName(test[8]!.name)).toHaveLength(2000);
    t.dispose();
  });
});
