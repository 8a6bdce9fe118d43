import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataError } from '../src/data/errors.js';
import { namesFromFiles, parseNamesZip, type NamesData } from '../src/data/names.js';
import { resolveNamesData } from '../src/node/source.js';
import { DEFAULT_SPLIT_SEED, PyRandom, splitNames, type Example } from '../src/data/split.js';
import { encodeName, hasLetter, normalizeName, VOCAB, VOCAB_SIZE } from '../src/data/vocab.js';

// The shared copy of the names zip (CI has no internet); WEBGPU_RNN_DATA may name another zip.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_ZIP = process.env.WEBGPU_RNN_DATA || resolve(repoRoot, '../shared/data/names.zip');
const zipBytes = readFileSync(SHARED_ZIP);
const shared = parseNamesZip(zipBytes, SHARED_ZIP);

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'webgpu-rnn-data-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Asserts that fn throws a DataError whose message matches every pattern. */
async function expectDataError(fn: () => unknown, ...patterns: (string | RegExp)[]): Promise<void> {
  const err = await Promise.resolve().then(fn).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  for (const pattern of patterns) expect(message).toMatch(pattern);
}

function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

describe('vocab', () => {
  it('has 58 symbols, the last one OOV', () => {
    expect(VOCAB_SIZE).toBe(58);
    expect(VOCAB).toHaveLength(58);
    expect(VOCAB.at(-1)).toBe('_');
  });

  it.each([
    ['Bélanger', 'Belanger'],
    ['Émile', 'Emile'],
    ['Nguyễn', 'Nguyen'],
    ["O'Neal", "O'Neal"],
    ['Søren', 'S_ren'],
    ['李', '_'],
    ['𠀀x', '_x'], // one OOV per code point, not per UTF-16 unit
    ['  Smith-Jones\r', 'Smith_Jones'],
    ['Mc Donald, Jr.', 'Mc Donald, Jr.'],
  ])('normalizes %j to %j', (raw, normalized) => {
    expect(normalizeName(raw)).toBe(normalized);
  });

  it('encodes a name as indices into VOCAB', () => {
    expect(encodeName('aZ _é')).toEqual([0, 51, 52, 57, 4]);
  });

  it('hasLetter: a letter a–z after normalization, or not (digits, emoji, other scripts, punctuation)', () => {
    for (const s of ['Nguyen', "O'Brien", 'Dvořák', 'é', '12a']) expect(hasLetter(s), s).toBe(true);
    for (const s of ['1234', '🙂', '李小龙', "'.,;", 'ø', ' ', '']) expect(hasLetter(s), s).toBe(false);
  });
});

describe('PyRandom matches CPython 3.11 random.Random', () => {
  it('getrandbits(32) for seed 20240601', () => {
    // python3 -c "import random; r=random.Random(20240601); print([r.getrandbits(32) for _ in range(5)])"
    const r = new PyRandom(20240601);
    expect(Array.from({ length: 5 }, () => r.getrandbits(32))).toEqual([
      506791070, 1956151858, 1804907957, 2043200146, 3371444644,
    ]);
  });

  it('shuffle for seed 20240601', () => {
    // python3 -c "import random; r=random.Random(20240601); l=list(range(20)); r.shuffle(l); print(l)"
    const list = Array.from({ length: 20 }, (_, i) => i);
    new PyRandom(20240601).shuffle(list);
    expect(list).toEqual([10, 4, 1, 18, 2, 0, 7, 16, 11, 12, 5, 6, 19, 17, 9, 8, 15, 13, 14, 3]);
  });

  it('random() for seed 20240601', () => {
    // python3 -c "import random; r=random.Random(20240601); print([repr(r.random()) for _ in range(3)])"
    const r = new PyRandom(20240601);
    expect([r.random(), r.random(), r.random()]).toEqual([
      0.11799648743459645, 0.42023788001924456, 0.7849756275030207,
    ]);
  });

  it('seed 0', () => {
    // python3 -c "import random; r=random.Random(0); print([r.getrandbits(32) for _ in range(3)])"
    const r = new PyRandom(0);
    expect(Array.from({ length: 3 }, () => r.getrandbits(32))).toEqual([3626764237, 1654615998, 3255389356]);
  });

  it('a seed above 2**32 (two key words)', () => {
    // python3 -c "import random; r=random.Random(2**40+123); print([r.getrandbits(32) for _ in range(3)])"
    const r = new PyRandom(2 ** 40 + 123);
    expect(Array.from({ length: 3 }, () => r.getrandbits(32))).toEqual([4053542138, 1848172766, 16144985]);
    // python3 -c "import random; r=random.Random(2**40+123); l=list(range(10)); r.shuffle(l); print(l)"
    const list = Array.from({ length: 10 }, (_, i) => i);
    new PyRandom(2 ** 40 + 123).shuffle(list);
    expect(list).toEqual([9, 4, 5, 3, 7, 1, 8, 2, 0, 6]);
  });

  it('getrandbits(k < 32) and randbelow', () => {
    // python3 -c "import random; r=random.Random(7); print([r.getrandbits(5) for _ in range(5)], [r._randbelow(1000) for _ in range(5)])"
    const r = new PyRandom(7);
    expect(Array.from({ length: 5 }, () => r.getrandbits(5))).toEqual([10, 30, 4, 12, 20]);
    expect(Array.from({ length: 5 }, () => r.randbelow(1000))).toEqual([49, 74, 840, 548, 96]);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new PyRandom(1.5)).toThrow(RangeError);
  });
});

describe('parseNamesZip', () => {
  it('reads the shared zip', () => {
    expect(shared.languages).toHaveLength(18);
    expect(shared.languages[0]).toBe('Arabic');
    expect(shared.names.flat()).toHaveLength(20074);
    expect(shared.names[shared.languages.indexOf('Russian')]).toHaveLength(9408);
    expect(shared.names.flat().every((name) => name === normalizeName(name))).toBe(true);
  });

  it('an entry name with control characters is shown escaped: the message stays one line', () => {
    const bytes = zipOf({ 'data/names/Ja\npan\u0007.txt': '', 'data/names/French.txt': 'Bélanger\n' });
    expect(() => parseNamesZip(bytes, 'x.zip')).toThrow('x.zip: data/names/Ja\\npan\\u0007.txt has no names');
  });

  it('finds data/names/ at any depth and ignores other entries', () => {
    const data = parseNamesZip(
      zipOf({
        'foo/bar/data/names/Greek.txt': 'Papadopoulos\r\n\r\n  Αθηνά \r\n',
        'foo/bar/data/names/French.txt': 'Bélanger\nBélanger\n',
        'foo/bar/data/eng-fra.txt': 'Go.\tVa !\n',
        '__MACOSX/foo/bar/data/names/._Greek.txt': '\u0000\u0005',
      }),
      'nested.zip',
    );
    expect(data).toEqual({
      languages: ['French', 'Greek'],
      names: [['Belanger', 'Belanger'], ['Papadopoulos', '_____']],
    });
  });

  it('rejects bytes that are not a zip, naming the source', async () => {
    const noise = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) % 256);
    await expectDataError(
      () => parseNamesZip(noise, 'noise.zip'),
      /^noise\.zip is not a valid zip file \(.+\)$/,
    );
  });

  it('rejects a truncated zip', async () => {
    const truncated = zipBytes.subarray(0, zipBytes.length >> 1);
    await expectDataError(() => parseNamesZip(truncated, 'half.zip'), 'half.zip is not a valid zip file');
  });

  it('rejects a zip without names files', async () => {
    await expectDataError(
      () => parseNamesZip(zipOf({ 'data/eng-fra.txt': 'Go.\tVa !\n' }), 'other.zip'),
      'other.zip contains no data/names/<Language>.txt files',
    );
  });

  it('rejects an empty language file', async () => {
    const zip = zipOf({ 'data/names/Greek.txt': '\n  \n', 'data/names/Irish.txt': 'Ryan\n' });
    await expectDataError(() => parseNamesZip(zip, 'x.zip'), 'x.zip: data/names/Greek.txt has no names');
  });

  it('rejects a single language', async () => {
    const zip = zipOf({ 'data/names/Irish.txt': 'Ryan\n' });
    await expectDataError(() => parseNamesZip(zip, 'one.zip'), /^one\.zip .*at least 2/);
  });

  it('rejects a file that is not UTF-8', async () => {
    const zip = zipSync({
      'data/names/Irish.txt': Uint8Array.of(0x52, 0xff, 0x0a),
      'data/names/Greek.txt': strToU8('A\n'),
    });
    await expectDataError(
      () => parseNamesZip(zip, 'latin1.zip'),
      'latin1.zip: data/names/Irish.txt is not valid UTF-8',
    );
  });

  it('rejects the same language twice', async () => {
    const files = [
      { name: 'a/data/names/Irish.txt', text: 'Ryan' },
      { name: 'b/data/names/Irish.txt', text: 'Kelly' },
    ];
    await expectDataError(() => namesFromFiles(files, 'twice.zip'), 'twice.zip holds Irish twice');
  });
});

describe('splitNames', () => {
  const defaults = { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false };
  const pairs = (examples: Example[]) => examples.map(({ name, label }) => [name, label]);
  const sha256 = (examples: Example[]) =>
    createHash('sha256')
      .update(examples.map(({ name, label }) => `${name}\t${label}`).join('\n'))
      .digest('hex');

  it("is torch_peer.py's load_split, example for example", () => {
    // From torch_peer.py's load_split (copied without torch) on the shared zip:
    //   langs, train, test = load_split('names.zip'); h = lambda rows: hashlib.sha256(
    //   '\n'.join(f'{n}\t{l}' for n, l in rows).encode()).hexdigest()
    //   print(len(train), len(test), train[:3], train[-3:], test[:3], test[-3:], h(train), h(test))
    const { train, test } = splitNames(shared, defaults);
    expect([train.length, test.length]).toEqual([16057, 4017]);
    expect(pairs(train.slice(0, 3))).toEqual([['Fakhoury', 0], ['Salib', 0], ['Mustafa', 0]]);
    expect(pairs(train.slice(-3))).toEqual([['Do', 17], ['Dam', 17], ['Vo', 17]]);
    expect(pairs(test.slice(0, 3))).toEqual([['Rahal', 0], ['Hadad', 0], ['Mustafa', 0]]);
    expect(pairs(test.slice(-3))).toEqual([['Diep', 17], ['Vinh', 17], ['Le', 17]]);
    expect(sha256(train)).toBe('c3f0289e25e647821f883838883513505bdf56145c33fe0193251c3ace04edf2');
    expect(sha256(test)).toBe('07a1c5977018d10dd60a3cda77452d97d94569c7b33088f6b0408cedf2ae4404');
  });

  it('holds out round(0.2 n) of every language, as Python rounds 0.8 * n', () => {
    expect(1 - 0.2).toBe(0.8);
    const { test } = splitNames(shared, defaults);
    const perLanguage = shared.languages.map((_, label) => test.filter((e) => e.label === label).length);
    // print(sorted(Counter(l for _, l in test).items())) on the peer's split
    expect(perLanguage).toEqual([
      400, 54, 104, 59, 734, 55, 145, 41, 46, 142, 198, 19, 28, 15, 1882, 20, 60, 15,
    ]);
  });

  it('rounds ties to even like Python', () => {
    const data: NamesData = { languages: ['A', 'B'], names: [['a', 'b', 'c', 'd', 'e'], ['f', 'g', 'h']] };
    const { train } = splitNames(data, { ...defaults, testFraction: 0.5 });
    // round(2.5) == 2 and round(1.5) == 2 in Python
    expect(train.map((e) => e.label)).toEqual([0, 0, 1, 1]);
  });

  it('is deterministic in the seed', () => {
    expect(splitNames(shared, defaults)).toEqual(splitNames(shared, defaults));
    expect(splitNames(shared, { ...defaults, seed: 1 }).test).not.toEqual(splitNames(shared, defaults).test);
  });

  it('dedup keeps every name string out of test that is in train', () => {
    const { train, test } = splitNames(shared, { ...defaults, dedup: true });
    const trainNames = new Set(train.map((e) => e.name));
    expect(test.filter((e) => trainNames.has(e.name))).toEqual([]);
    const keys = [...train, ...test].map((e) => `${e.name}\t${e.label}`);
    const unique = new Set(shared.names.flatMap((names, label) => names.map((name) => `${name}\t${label}`)));
    expect(keys.length).toBe(unique.size);
    expect(new Set(keys).size).toBe(unique.size);
    expect(new Set(test.map((e) => e.label)).size).toBe(shared.languages.length);
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])('rejects testFraction %s', async (testFraction) => {
    await expectDataError(() => splitNames(shared, { ...defaults, testFraction }), 'test fraction');
  });
});

describe('resolveNamesData', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads a zip named by opts.data', async () => {
    const { data, source } = await resolveNamesData({ data: SHARED_ZIP });
    expect(source).toBe(SHARED_ZIP);
    expect(data).toEqual(shared);
  });

  it('reads WEBGPU_RNN_DATA when opts.data is not given', async () => {
    vi.stubEnv('WEBGPU_RNN_DATA', SHARED_ZIP);
    expect((await resolveNamesData({ cacheDir: await tempDir() })).source).toBe(SHARED_ZIP);
  });

  it('reads a folder of <Language>.txt files, bare or under data/names/', async () => {
    const bare = await tempDir();
    await writeFile(join(bare, 'Irish.txt'), 'Ryan\nKelly\n');
    await writeFile(join(bare, 'Greek.txt'), 'Papadopoulos\n');
    await writeFile(join(bare, 'notes.md'), 'not names');
    const expected = { languages: ['Greek', 'Irish'], names: [['Papadopoulos'], ['Ryan', 'Kelly']] };
    expect((await resolveNamesData({ data: bare })).data).toEqual(expected);

    const unpacked = await tempDir();
    await mkdir(join(unpacked, 'data/names'), { recursive: true });
    await writeFile(join(unpacked, 'data/names/Irish.txt'), 'Ryan\nKelly\n');
    await writeFile(join(unpacked, 'data/names/Greek.txt'), 'Papadopoulos\n');
    expect((await resolveNamesData({ data: unpacked })).data).toEqual(expected);

    await writeFile(join(unpacked, 'data/names/Dutch.txt'), '');
    await expectDataError(
      () => resolveNamesData({ data: unpacked }),
      `${unpacked}: data/names/Dutch.txt has no names`,
    );
  });

  it('rejects a path that does not exist', async () => {
    await expectDataError(
      () => resolveNamesData({ data: '/nonexistent/names.zip' }),
      'data path /nonexistent/names.zip does not exist',
    );
  });

  it('explains how to proceed when the download fails', async () => {
    vi.stubEnv('WEBGPU_RNN_DATA', undefined);
    const cacheDir = await tempDir();
    const url = 'http://127.0.0.1:9/data.zip';
    await expectDataError(
      () => resolveNamesData({ cacheDir, url }),
      `download of ${url} failed`,
      '--data',
      'WEBGPU_RNN_DATA',
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });

  describe('downloads once into the cache', () => {
    let server: Server;
    let url: string;
    let requests = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests++;
        if (req.url !== '/data.zip') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': zipBytes.length }).end(zipBytes);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.zip`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('caches the download, reports progress, and reads the cache the next time', async () => {
      vi.stubEnv('WEBGPU_RNN_DATA', undefined);
      const cacheDir = join(await tempDir(), 'nested');
      const progress: [number, number | undefined][] = [];
      const onProgress = (received: number, total: number | undefined) => progress.push([received, total]);
      const first = await resolveNamesData({ cacheDir, url, onProgress });
      expect(first.data).toEqual(shared);
      expect(first.source).toBe(join(cacheDir, 'data.zip'));
      expect(await readdir(cacheDir)).toEqual(['data.zip']);
      expect(progress.at(-1)).toEqual([zipBytes.length, zipBytes.length]);

      const second = await resolveNamesData({ cacheDir, url });
      expect(second).toEqual(first);
      expect(requests).toBe(1);
    });

    it('reports an HTTP error and caches nothing', async () => {
      vi.stubEnv('WEBGPU_RNN_DATA', undefined);
      const cacheDir = await tempDir();
      const missing = url.replace('data.zip', 'missing.zip');
      await expectDataError(
        () => resolveNamesData({ cacheDir, url: missing }),
        `download of ${missing} failed (HTTP 404`,
      );
      expect(existsSync(join(cacheDir, 'data.zip'))).toBe(false);
    });
  });
});
