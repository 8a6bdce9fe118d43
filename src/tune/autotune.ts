// Autotuning: which tunables are fastest on this adapter, measured at the shapes a model really runs.
//
// The fixed table (tuning.ts) chooses every dispatch's tunables by rules measured on one machine. The
// autotuner takes the dispatches of one real training step (recorded by DispatchRecorder), groups them by
// kernel and the tunables the fixed table chose for them (a "group": e.g. every gru_step_fwd dispatch the
// table gives TN=4, RB=12 at H=128), and for each group times the kernel's candidates (its registry entry's
// `candidates`, src/kernels.ts, each merged over the table's choice) on the step's own buffers: the group's
// dispatches replayed in their order (every active-row count the step met, as often as it met it). A
// candidate replaces the table's choice for the whole group when
//   - it writes bit-for-bit the same outputs from the same inputs, in every dispatch of the group, so a tuned
//     run computes exactly what a fixed one does and results never depend on what the cache holds
//     (candidates that reorder a sum, like grad_sumsq's tree shape, are rejected here), and
//   - the median of ROUNDS paired measurements (table choice and candidate back to back, in alternating
//     order, so both see the same load from other processes) says it is at least MIN_GAIN faster.
// Groups are measured in order of their share of the step until the budget is spent (compiling a candidate
// counts: seconds each on software adapters); what is left keeps the table's choice and is measured by a
// later run. The results are kept per adapter (cache.ts), so a machine pays this once.
import { kernelInfo, resolveTunables, type KernelDef, type Params, type Tunables } from '../core/kernel.js';
import type { GpuBackend } from '../gpu/backend.js';
import type { RecordedDispatch } from '../gpu/recorder.js';
import type { GemmTile, Tuning } from './tuning.js';

/** A candidate must be this much faster than the table's choice (fraction of its time). */
export const MIN_GAIN = 0.05;

/** FNV-1a of a kernel's WGSL: a cached choice is only used for the exact shader it was measured on. */
function sourceHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const hashes = new WeakMap<KernelDef, string>();

/** 'n=384,k=128': the dispatch's shape as the kernel defines it (KernelDef.tuneShape). */
export function shapeOf(k: KernelDef, t: Tunables, p: Params): string {
  const s = k.tuneShape?.(p, t) ?? {};
  return Object.keys(s).map((n) => `${n}=${s[n]}`).join(',');
}

/**
 * The group of a dispatch: kernel, its shader's hash, the full tunables the fixed table chose and the
 * dispatch's shape (the kernel's tuneShape, e.g. gemm's n and k: not its rows, which vary by batch).
 */
export function groupKey(k: KernelDef, resolved: Tunables, p: Params): string {
  let h = hashes.get(k);
  if (!h) hashes.set(k, (h = sourceHash(k.wgsl)));
  const t = Object.keys(resolved).sort().map((n) => `${n}=${resolved[n]}`).join(',');
  return `${k.name}#${h}[${t}](${shapeOf(k, resolved, p)})`;
}

/** The fixed table with the measured choices in place of its own where a group was tuned. */
export class TunedTuning implements Tuning {
  readonly name: string;
  readonly source: string;
  readonly gemm: GemmTile;
  readonly gemmGflops?: number;
  constructor(
    readonly base: Tuning,
    /** groupKey -> the tunables to use instead (resolved). */
    readonly choices: ReadonlyMap<string, Tunables>,
  ) {
    this.name = `${base.name}+tuned`;
    this.source = `${base.source}; ${choices.size} kernel shape${choices.size === 1 ? '' : 's'} autotuned on this adapter`;
    this.gemm = base.gemm;
    if (base.gemmGflops !== undefined) this.gemmGflops = base.gemmGflops;
  }

  tunablesFor(k: KernelDef, p: Params, fixed?: Tunables): Tunables {
    const t = this.base.tunablesFor(k, p, fixed);
    if (this.choices.size === 0 || !k.candidates) return t;
    return this.choices.get(groupKey(k, resolveTunables(k, t), p)) ?? t;
  }
}

export interface CandidateResult {
  tunables: Tunables;
  /** µs per dispatch; null when rejected. */
  us: number | null;
  /** Why it was rejected ('different results', 'invalid: …'). */
  note?: string;
}

export interface GroupResult {
  key: string;
  kernel: string;
  /** The shape params' values, e.g. 'n=384,k=128'. */
  shape: string;
  /** The fixed table's choice and the chosen tunables (the same when nothing beat it). */
  base: Tunables;
  best: Tunables;
  baseUs: number;
  bestUs: number;
  /** Dispatches of the group in the recorded step, and the params of the one timed. */
  dispatches: number;
  params: Params;
  candidates: CandidateResult[];
}

export interface AutotuneOptions {
  /** Milliseconds to spend, compiling included (the group under way is finished). */
  budgetMs: number;
  /** Groups already measured (cache): not measured again. */
  known?: ReadonlySet<string>;
  onProgress?: (done: number, total: number, kernel: string) => void;
}

export interface AutotuneResult {
  measured: GroupResult[];
  /** Groups with candidates that were not measured for want of budget. */
  left: number;
  /** Groups already known. */
  known: number;
  seconds: number;
}

export interface Group {
  key: string;
  k: KernelDef;
  base: Tunables;
  /** Every dispatch of the group in the recorded order, and the heaviest (for reports). */
  all: RecordedDispatch[];
  rep: RecordedDispatch;
  /** The cost model's weight of the whole group, and of its heaviest dispatch. */
  weight: number;
  repWeight: number;
}

/** Paired rounds deciding a candidate against the table's choice. */
const ROUNDS = 5;
/** Each measurement replays the group this long (or more), so the clock and dispatch noise stay small. */
const TARGET_MS = 4;

const size = (d: RecordedDispatch) => (name: string) => d.bufs[name]?.size ?? 0;

/** The dispatches with candidates, grouped, heaviest share of the step first (by the registry's cost model). */
export function groupDispatches(log: readonly RecordedDispatch[]): Group[] {
  const groups = new Map<string, Group>();
  for (const d of log) {
    if (!d.k.candidates?.length) continue;
    const base = resolveTunables(d.k, d.t);
    const [x, y = 1, z = 1] = d.k.grid(d.p, base);
    if (x * y * z === 0) continue;
    const c = d.k.cost(d.p, size(d), base);
    const w = c.flops + c.bytes; // bytes and multiply-adds cost alike on a load-bound adapter
    const key = groupKey(d.k, base, d.p);
    const g = groups.get(key);
    if (!g) groups.set(key, { key, k: d.k, base, all: [d], rep: d, weight: w, repWeight: w });
    else {
      g.all.push(d);
      g.weight += w;
      if (w > g.repWeight) Object.assign(g, { rep: d, repWeight: w });
    }
  }
  return [...groups.values()].sort((a, b) => b.weight - a.weight);
}

export function sameTunables(a: Tunables, b: Tunables): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((n) => a[n] === b[n]);
}

function bitsEqual(a: Float32Array | Uint32Array, b: Float32Array | Uint32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/**
 * Measures the candidates of every group of `log` (dispatches recorded on `be`, with the fixed table's
 * tunables) that `known` does not hold, within the budget. The recorded buffers are used as they are (their
 * contents are realistic after a real step) and are overwritten: meant for a throwaway network.
 */
export async function autotune(be: GpuBackend, log: readonly RecordedDispatch[], o: AutotuneOptions): Promise<AutotuneResult> {
  const t0 = performance.now();
  const all = groupDispatches(log);
  const todo = all.filter((g) => !o.known?.has(g.key));
  const measured: GroupResult[] = [];
  for (const g of todo) {
    if (performance.now() - t0 > o.budgetMs) break;
    measured.push(await tuneGroup(be, g));
    o.onProgress?.(measured.length, todo.length, g.k.name);
  }
  return { measured, left: todo.length - measured.length, known: all.length - todo.length, seconds: (performance.now() - t0) / 1000 };
}

async function tuneGroup(be: GpuBackend, g: Group): Promise<GroupResult> {
  const { k, base, rep } = g;
  const info = kernelInfo(k);
  // The buffers the group's dispatches write (once each, though bindings may share one), saved so every
  // candidate starts from the same contents.
  const written = [...new Set(g.all.flatMap((d) => info.bindings.filter((b) => b.access === 'read_write').map((b) => d.bufs[b.name]!)))];
  const saved = written.map((b) => {
    const s = be.create(`autotune-save-${b.label}`, b.size, b.type);
    be.copy(b, 0, s, 0, b.size);
    return s;
  });
  const restore = () => written.forEach((b, i) => be.copy(saved[i]!, 0, b, 0, b.size));
  const replay = (t: Tunables) => {
    for (const d of g.all) be.run(k, d.bufs, d.p, t);
  };
  const outputs = async (t: Tunables): Promise<(Float32Array | Uint32Array)[]> => {
    restore();
    replay(t);
    const out: (Float32Array | Uint32Array)[] = [];
    for (const b of written) out.push(await be.read(b));
    return out;
  };
  // Milliseconds of one replay of the group: `reps` replays recorded into one submit, wall clock from the
  // submit (the device idle before it) to done, less the round trip of an empty submit (on a software adapter the wall clock is the device's).
  let reps = 1;
  let floor = Infinity;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await be.finish();
    floor = Math.min(floor, performance.now() - t0);
  }
  const time = async (t: Tunables): Promise<number> => {
    await be.finish();
    for (let r = 0; r < reps; r++) replay(t); // recorded only: the device starts at the submit
    const t0 = performance.now();
    await be.finish();
    return Math.max(1e-4, performance.now() - t0 - floor) / reps;
  };

  const cands: Tunables[] = [];
  for (const c of k.candidates ?? []) {
    const t = resolveTunables(k, { ...base, ...c });
    if (!sameTunables(t, base) && !cands.some((x) => sameTunables(x, t))) cands.push(t);
  }
  const results: CandidateResult[] = [];
  try {
    const want = await outputs(base);
    await time(base); // warm
    while (reps < 1024 && reps * (await time(base)) < TARGET_MS) reps *= 4;
    let baseMs = Math.min(await time(base), await time(base));
    for (const t of cands) {
      const lim = be.device.limits.maxComputeWorkgroupsPerDimension;
      if (g.all.some((d) => Math.max(...k.grid(d.p, t).map((x) => x ?? 1)) > lim)) {
        results.push({ tunables: t, us: null, note: 'invalid: too many workgroups' });
        continue;
      }
      be.device.pushErrorScope('validation');
      let got: (Float32Array | Uint32Array)[] | null = null, thrown: string | null = null;
      try {
        got = await outputs(t);
      } catch (e) {
        thrown = (e as Error).message;
      }
      const err = await be.device.popErrorScope();
      if (err || thrown) {
        results.push({ tunables: t, us: null, note: `invalid: ${(err?.message ?? thrown ?? '').split('\n')[0]}` });
        continue;
      }
      if (!got!.every((a, i) => bitsEqual(a, want[i]!))) {
        results.push({ tunables: t, us: null, note: 'different results' });
        continue;
      }
      await time(t); // compiles, warms
      results.push({ tunables: t, us: 1000 * Math.min(await time(t), await time(t)) });
    }
    baseMs = Math.min(baseMs, await time(base));
    // The fastest candidate against the table's choice: paired rounds, the median ratio decides.
    let best = base, bestUs = 1000 * baseMs;
    const top = results.filter((r) => r.us !== null).sort((a, b) => a.us! - b.us!)[0];
    if (top && top.us! < 1000 * baseMs * (1 - MIN_GAIN)) {
      const ratios: number[] = [];
      let candMs = top.us! / 1000;
      for (let r = 0; r < ROUNDS; r++) {
        const first = r % 2 === 0;
        const a = first ? await time(base) : 0, c = await time(top.tunables), b = first ? a : await time(base);
        ratios.push(b / c);
        baseMs = Math.min(baseMs, b);
        candMs = Math.min(candMs, c);
      }
      ratios.sort((x, y) => x - y);
      const median = ratios[Math.floor(ROUNDS / 2)]!;
      top.us = 1000 * candMs;
      if (median * (1 - MIN_GAIN) > 1) {
        best = top.tunables;
        // The paired estimate (what decided), not the best single reading: baseUs / bestUs is the median ratio.
        bestUs = (1000 * baseMs) / median;
      }
    }
    if (best === base) bestUs = 1000 * baseMs;
    return {
      key: g.key, kernel: k.name, shape: shapeOf(k, base, rep.p), base, best, baseUs: 1000 * baseMs, bestUs,
      dispatches: g.all.length, params: { ...rep.p }, candidates: results,
    };
  } finally {
    restore();
    for (const s of saved) be.destroy(s);
  }
}
