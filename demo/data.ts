// The names: from the demo server (/api/data, /data.zip) or from a zip the user picks; then the split the
// CLI makes (same seed, same fraction), so that results here and from `webgpu-rnn train` compare.
import { parseNamesZip, type NamesData } from '../src/data/names.js';
import { DEFAULT_SPLIT_SEED } from '../src/data/split.js';
import { buildTrainData } from '../src/train/traindata.js';
import type { TrainData } from '../src/train/trainer.js';

export interface LoadedNames {
  data: NamesData;
  /** Where they came from, for the page. */
  source: string;
}

interface DataInfo {
  available: boolean;
  url?: string;
  source?: string;
}

/** The server's names (GET api/data, then the zip it names), or null when it has none. */
export async function namesFromServer(): Promise<LoadedNames | null> {
  const info = (await (await fetch('api/data')).json()) as DataInfo;
  if (!info.available) return null;
  const res = await fetch(info.url ?? 'data.zip');
  if (!res.ok) throw new Error(`could not fetch the names zip (HTTP ${res.status})`);
  const source = info.source ?? 'the server';
  return { data: parseNamesZip(new Uint8Array(await res.arrayBuffer()), source), source };
}

/** A zip the user picked; throws DataError (one line for the page) when it is not a names zip. */
export async function namesFromFile(file: File): Promise<LoadedNames> {
  return { data: parseNamesZip(new Uint8Array(await file.arrayBuffer()), file.name), source: file.name };
}

export const countNames = (d: NamesData): number => d.names.reduce((n, list) => n + list.length, 0);

export const SPLIT = { seed: DEFAULT_SPLIT_SEED, testFraction: 0.2, dedup: false };

/**
 * The CLI's split, and its --limit: `limit` training names drawn with the training seed, exactly as
 * `webgpu-rnn train --val-fraction 0 --limit N --seed S` draws them. The page trains on the whole training
 * part: no validation names, so no temperature is fitted here (a loaded model's temperature is used), and a
 * run in the page costs what it did before calibration existed.
 */
export function trainData(names: NamesData, limit: number | undefined, seed: number): TrainData {
  return buildTrainData(names, { split: SPLIT, valFraction: 0, limit, seed });
}
