import { DataError } from './errors.js';
import type { NamesData } from './names.js';

// PyRandom ports the parts of CPython's `random.Random` that the split uses, so that a seed gives
// the very same split here as in the PyTorch peer script (torch_peer.py). The generator is MT19937
// (CPython's Modules/_randommodule.c); the methods above it follow Lib/random.py (3.11).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 2 ** 32;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** Same stream as Python's `random.Random(seed)` for an integer seed (Python uses its absolute value). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.initByArray(seedKey(Math.abs(seed)));
  }

  /** Python's `getrandbits(k)` for 1 <= k <= 32: the top k bits of one 32-bit output. */
  getrandbits(k: number): number {
    if (!(Number.isInteger(k) && k >= 1 && k <= 32)) {
      throw new RangeError(`getrandbits needs 1 <= k <= 32, got ${k}`);
    }
    return this.genrandUint32() >>> (32 - k);
  }

  /** Python's `_randbelow(n)`: uniform in [0, n) by rejection, for 1 <= n < 2**32. */
  randbelow(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n < TWO_POW_32)) {
      throw new RangeError(`randbelow needs 1 <= n < 2**32, got ${n}`);
    }
    const k = 32 - Math.clz32(n); // n.bit_length()
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** Python's `shuffle(x)`: Fisher-Yates from the end, in place. */
  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
  }

  /** Python's `random()`: a float in [0, 1) from 53 random bits (27 + 26 of two outputs). */
  random(): number {
    const a = this.genrandUint32() >>> 5;
    const b = this.genrandUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  // Arithmetic below is mod 2**32: Math.imul multiplies mod 2**32, and storing into the
  // Uint32Array reduces sums and differences mod 2**32, as C's uint32_t does.

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) >>> 0) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
  }

  private genrandUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Regenerates all N words; (kk + M) % N reads the words already updated, as the C loops do. */
  private twist(): void {
    const mt = this.mt;
    for (let kk = 0; kk < N; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[(kk + 1) % N] & LOWER_MASK);
      mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}

/** CPython's seed key: the integer's 32-bit words, least significant first; [0] for 0. */
function seedKey(seed: number): number[] {
  const key: number[] = [];
  do {
    key.push(seed % TWO_POW_32);
    seed = Math.floor(seed / TWO_POW_32);
  } while (seed > 0);
  return key;
}

/** The peer's seed: the same seed gives the same split here and in torch_peer.py. */
export const DEFAULT_SPLIT_SEED = 20240601;

export interface Example {
  name: string;
  /** Index into NamesData.languages. */
  label: number;
}

export interface SplitOptions {
  seed: number;
  /** Share of each language held out for testing, in (0, 1); the peer uses 0.2. */
  testFraction: number;
  /** Keep any name string out of test that also appears in train (see moveSeenToTrain). */
  dedup: boolean;
}

export interface Split {
  train: Example[];
  test: Example[];
}

/**
 * The peer's load_split: stratified per language, languages in label order, one PyRandom stream
 * shuffling each language's indices in turn, the first round(trainFraction * n) to train. Train and
 * test are the per-language parts concatenated in label order.
 */
export function splitNames(data: NamesData, opts: SplitOptions): Split {
  const { seed, testFraction, dedup } = opts;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new DataError(`test fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  // The peer computes round(0.8 * n); 1 - 0.2 is exactly 0.8 in float64, so the products agree.
  const trainFraction = 1 - testFraction;
  const rng = new PyRandom(seed);
  const byLanguage = dedup ? data.names.map((names) => [...new Set(names)]) : data.names;
  const split: Split = { train: [], test: [] };
  byLanguage.forEach((names, label) => {
    const order = names.map((_, i) => i);
    rng.shuffle(order);
    const k = roundHalfEven(trainFraction * names.length);
    order.forEach((i, rank) => (rank < k ? split.train : split.test).push({ name: names[i], label }));
  });
  return dedup ? moveSeenToTrain(split) : split;
}

/**
 * The dedup protocol, for an accuracy that is not inflated by names the model has already seen:
 * duplicate (name, language) pairs were dropped above, keeping the first; after the usual split,
 * every test example whose name string is in train under any language is moved to the end of train,
 * in test order. No name string is then in both: a name left in test was not in train before the
 * move, and any test example with the same string as a moved one was moved too.
 */
function moveSeenToTrain({ train, test }: Split): Split {
  const seen = new Set(train.map((example) => example.name));
  const moved = test.filter((example) => seen.has(example.name));
  return { train: [...train, ...moved], test: test.filter((example) => !seen.has(example.name)) };
}

/** Python 3's round(): ties go to the even neighbour (round(2.5) == 2), unlike Math.round. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface ValidationOptions {
  /** Share of each language's training names set aside for validation, in [0, 1); 0: none. */
  fraction: number;
  seed: number;
}

/**
 * Carves a validation set out of the training part of a split, stratified like the split itself: per
 * language (in label order, one PyRandom(seed) stream) round(fraction * n) of its training names, chosen by
 * shuffling, go to validation. Both parts keep the training part's order. The test part is not an input,
 * so it cannot change: the test split with a validation set is the test split without one, name for name.
 */
export function carveValidation(train: readonly Example[], opts: ValidationOptions): { train: Example[]; val: Example[] } {
  const { fraction, seed } = opts;
  if (!(fraction >= 0 && fraction < 1)) throw new DataError(`validation fraction must be at least 0 and below 1, got ${fraction}`);
  if (fraction === 0) return { train: train.slice(), val: [] };
  const byLabel = new Map<number, number[]>();
  train.forEach((e, i) => {
    const list = byLabel.get(e.label);
    if (list) list.push(i);
    else byLabel.set(e.label, [i]);
  });
  const rng = new PyRandom(seed);
  const toVal = new Set<number>();
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const idx = byLabel.get(label)!;
    rng.shuffle(idx);
    idx.slice(0, roundHalfEven(fraction * idx.length)).forEach((i) => toVal.add(i));
  }
  const out = { train: [] as Example[], val: [] as Example[] };
  train.forEach((e, i) => (toVal.has(i) ? out.val : out.train).push(e));
  return out;
}
