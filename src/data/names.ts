import { unzipSync } from 'fflate';
import { DataError } from './errors.js';
import { normalizeName } from './vocab.js';

export interface NamesData {
  /** Sorted by code unit, as Python's sorted(): the index of a language is its class label. */
  languages: string[];
  /** names[i]: the normalized names of languages[i], in file order, duplicates kept. */
  names: string[][];
}

/** One <Language>.txt file: `name` is its path as shown in error messages. */
export interface NamesFile {
  name: string;
  text: string;
}

// data/names/<Language>.txt at any depth, so that both the official archive and repackaged copies
// work. Dot files are skipped: macOS zips carry __MACOSX/data/names/._Arabic.txt resource forks.
const NAMES_ENTRY = /(?:^|\/)data\/names\/[^/.][^/]*\.txt$/;

/** Reads the names from a zip; other entries (the official archive's eng-fra.txt) are never inflated. */
export function parseNamesZip(bytes: Uint8Array, source: string): NamesData {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => NAMES_ENTRY.test(file.name) });
  } catch (err) {
    throw new DataError(`${source} is not a valid zip file (${(err as Error).message})`);
  }
  const files = Object.entries(entries).map(([name, data]) => ({
    name,
    text: decodeUtf8(data, `${source}: ${name}`),
  }));
  return namesFromFiles(files, source);
}

/** Builds NamesData from <Language>.txt files, whether they came from a zip or a folder. */
export function namesFromFiles(files: NamesFile[], source: string): NamesData {
  if (files.length === 0) throw new DataError(`${source} contains no data/names/<Language>.txt files`);
  const byLanguage = new Map<string, NamesFile & { names: string[] }>();
  for (const file of files) {
    const language = languageOf(file.name);
    const twin = byLanguage.get(language);
    if (twin) throw new DataError(`${source} holds ${language} twice: ${twin.name} and ${file.name}`);
    const names = parseLines(file.text);
    if (names.length === 0) throw new DataError(`${source}: ${file.name} has no names`);
    byLanguage.set(language, { ...file, names });
  }
  if (byLanguage.size < 2) {
    throw new DataError(`${source} has only one language (${files[0].name}); a classifier needs at least 2`);
  }
  const languages = [...byLanguage.keys()].sort();
  return { languages, names: languages.map((language) => byLanguage.get(language)!.names) };
}

function languageOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.txt$/, '');
}

/** One name per line; trimming also removes the '\r' of Windows line ends. */
function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(normalizeName);
}

/** Strict, as Python's bytes.decode('utf-8'): a file in another encoding is an error, not mojibake. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${what} is not valid UTF-8`);
  }
}
