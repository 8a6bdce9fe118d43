import { Unzip, UnzipInflate, unzipSync, type UnzipFile } from 'fflate';
import { DataError } from './errors.js';
import { normalizeName } from './vocab.js';

export interface NamesData {
  /** Sorted by code unit, as Python's sorted(): the index of a language is its class label. */
  languages: string[];
  /** names[i]: the normalized names of languages[i], in file order, duplicates kept. */
  names: string[][];
  /** Names longer than limits.maxNameLength, cut to it (absent when none were). */
  truncated?: { count: number; longest: number };
}

/**
 * What the names data may hold. Generous for name lists (the official data: 18 languages, 20,074 names,
 * 155 KiB, longest name 20 characters) and small enough that a hostile file ends in a clear error, not in
 * gigabytes of memory.
 */
export interface NamesLimits {
  /** Total bytes of the <Language>.txt files, unpacked. */
  maxBytes: number;
  /** Names over all languages. */
  maxNames: number;
  /** <Language>.txt files (classes). */
  maxLanguages: number;
  /** Longer names (after normalization) are cut to this many characters, with a warning that counts them. */
  maxNameLength: number;
}

export const NAMES_LIMITS: NamesLimits = { maxBytes: 64 * 2 ** 20, maxNames: 1_000_000, maxLanguages: 1000, maxNameLength: 64 };

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** One <Language>.txt file: `name` is its path as shown in error messages. */
export interface NamesFile {
  name: string;
  text: string;
}

// data/names/<Language>.txt at any depth, so that both the official archive and repackaged copies
// work. Dot files are skipped: macOS zips carry __MACOSX/data/names/._Arabic.txt resource forks.
const NAMES_ENTRY = /(?:^|\/)data\/names\/[^/.][^/]*\.txt$/;

/**
 * Reads the names from a zip; other entries (the official archive's eng-fra.txt) are never inflated. The
 * sizes the zip declares are checked before anything is inflated, and inflating stops as soon as the
 * output passes limits.maxBytes, so a zip that lies about its sizes cannot fill the memory either.
 */
export function parseNamesZip(bytes: Uint8Array, source: string, limits: NamesLimits = NAMES_LIMITS): NamesData {
  // 1. The central directory: names and declared sizes, nothing inflated (the filter takes no entry).
  const declared = new Map<string, number>();
  try {
    unzipSync(bytes, {
      filter: (file) => {
        if (NAMES_ENTRY.test(file.name)) declared.set(file.name, file.originalSize);
        return false;
      },
    });
  } catch (err) {
    throw new DataError(`${source} is not a valid zip file (${(err as Error).message})`);
  }
  if (declared.size > limits.maxLanguages) throw new DataError(`${source} holds ${declared.size} data/names/<Language>.txt files; at most ${limits.maxLanguages} languages are supported`);
  const total = [...declared.values()].reduce((a, b) => a + b, 0);
  if (total > limits.maxBytes) throw new DataError(`${source}: the names files unpack to ${mib(total)}, more than the ${mib(limits.maxBytes)} limit for names data`);
  // 2. Inflate those entries with a byte budget, whatever the zip declared.
  const files = inflateEntries(bytes, source, limits.maxBytes);
  for (const name of declared.keys()) if (!files.has(name)) throw new DataError(`${source}: the entry ${name} is damaged (it could not be read to its end)`);
  return namesFromFiles(
    [...declared.keys()].map((name) => ({ name, text: decodeUtf8(files.get(name)!, `${source}: ${name}`) })),
    source,
    limits,
  );
}

// Compressed bytes pushed per call: deflate expands at most ~1032x, so one push can add at most ~16 MiB
// before the budget is checked again.
const PUSH = 16 * 1024;

function inflateEntries(bytes: Uint8Array, source: string, budget: number): Map<string, Uint8Array> {
  const done = new Map<string, Uint8Array>();
  let used = 0;
  let problem: string | null = null;
  const unzip = new Unzip((file: UnzipFile) => {
    if (!NAMES_ENTRY.test(file.name) || problem) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (problem) return;
      if (err) {
        problem = `${source}: the entry ${file.name} is damaged (${err.message})`;
        return;
      }
      used += chunk.length;
      if (used > budget) {
        problem = `${source}: the names files unpack to more than the ${mib(budget)} limit for names data (the zip understates their size)`;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) done.set(file.name, concat(chunks));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let i = 0; i < bytes.length && !problem; i += PUSH) unzip.push(bytes.subarray(i, i + PUSH), i + PUSH >= bytes.length);
  } catch (err) {
    problem ??= `${source} is not a valid zip file (${(err as Error).message})`;
  }
  if (problem) throw new DataError(problem);
  return done;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Builds NamesData from <Language>.txt files, whether they came from a zip or a folder. */
export function namesFromFiles(files: NamesFile[], source: string, limits: NamesLimits = NAMES_LIMITS): NamesData {
  if (files.length === 0) throw new DataError(`${source} contains no data/names/<Language>.txt files`);
  if (files.length > limits.maxLanguages) throw new DataError(`${source} holds ${files.length} <Language>.txt files; at most ${limits.maxLanguages} languages are supported`);
  const byLanguage = new Map<string, NamesFile & { names: string[] }>();
  let count = 0;
  const cut = { count: 0, longest: 0 };
  for (const file of files) {
    const language = languageOf(file.name);
    const twin = byLanguage.get(language);
    if (twin) throw new DataError(`${source} holds ${language} twice: ${twin.name} and ${file.name}`);
    const names = parseLines(file.text, limits.maxNameLength, cut);
    if (names.length === 0) throw new DataError(`${source}: ${file.name} has no names`);
    count += names.length;
    if (count > limits.maxNames) throw new DataError(`${source} holds more than ${limits.maxNames.toLocaleString('en-US')} names, the limit for names data`);
    byLanguage.set(language, { ...file, names });
  }
  if (byLanguage.size < 2) {
    throw new DataError(`${source} has only one language (${files[0].name}); a classifier needs at least 2`);
  }
  const languages = [...byLanguage.keys()].sort();
  const data: NamesData = { languages, names: languages.map((language) => byLanguage.get(language)!.names) };
  if (cut.count) data.truncated = cut;
  return data;
}

/** The one-line warning for names that were cut (the CLI and the demo print it). */
export function truncationWarning(data: NamesData, limits: NamesLimits = NAMES_LIMITS): string | null {
  const t = data.truncated;
  if (!t) return null;
  return `warning: ${t.count.toLocaleString('en-US')} name${t.count === 1 ? ' was' : 's were'} longer than ${limits.maxNameLength} characters (longest ${t.longest.toLocaleString('en-US')}) and ${t.count === 1 ? 'was' : 'were'} cut to ${limits.maxNameLength}`;
}

function languageOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.txt$/, '');
}

/**
 * One name per line; trimming also removes the '\r' of Windows line ends. Names longer than maxLength are
 * cut to it (counted in `cut`): no real name is that long, and one huge line would otherwise size every
 * activation buffer of a batch.
 */
function parseLines(text: string, maxLength: number, cut: { count: number; longest: number }): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    // Normalizing only a bounded prefix keeps a 64 MiB line cheap; 8 code units per kept character leave
    // room for the combining marks normalization drops.
    let name = normalizeName(line.length > 8 * maxLength ? line.slice(0, 8 * maxLength) : line);
    if (name.length > maxLength || line.length > 8 * maxLength) {
      cut.count++;
      cut.longest = Math.max(cut.longest, line.length > 8 * maxLength ? line.length : name.length);
      name = name.slice(0, maxLength);
    }
    if (name !== '') out.push(name);
  }
  return out;
}

/** Strict, as Python's bytes.decode('utf-8'): a file in another encoding is an error, not mojibake. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${what} is not valid UTF-8`);
  }
}
