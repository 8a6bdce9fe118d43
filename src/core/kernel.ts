// A kernel is one WGSL file plus its plain-TypeScript twin. The WGSL source is the single source of truth
// for the kernel's interface: the runtime reads the storage bindings (`@group(0) @binding(i) var<storage, …>`),
// the per-dispatch parameters (`struct Params { … }`, bound at @group(1) @binding(0) as a uniform with a
// dynamic offset) and the tunable constants (`const NAME = VALUE; // tunable`) from the text. The CPU twin
// receives the same binding names and the same parameter names, so a call site reads the same on both.

export type FloatArray = Float32Array | Float64Array;
export type HostArray = FloatArray | Uint32Array;
export type Params = Record<string, number>;
export type Tunables = Record<string, number>;

/** A register block of a step kernel: T units per invocation (TN forward, TK backward) for RB rows. */
export type StepBlock = [number, number];

/**
 * What the tuner (src/tune/tuning.ts) needs to know about a kernel beyond its WGSL defaults:
 *   step: a per-position recurrent kernel; `blocks` are the register blocks that fit its accumulator budget
 *         (a load-bound adapter picks among them per dispatch by the active rows);
 *   seq:  a whole-sequence kernel; workgroup memory holds the carried state (gates: its width in H);
 *   gemm: tiles by the product's shape.
 * Kernels without one get the adapter's constants for their name, else the WGSL defaults.
 */
export type KernelTune =
  | { kind: 'step'; dir: 'fwd' | 'bwd'; gates: number; blocks: StepBlock[] }
  | { kind: 'seq'; dir: 'fwd' | 'bwd'; gates: number }
  | { kind: 'gemm' };

/** What one dispatch costs: FLOPs and the least bytes it must move (each element read or written once). */
export interface Cost {
  flops: number;
  bytes: number;
}

/**
 * One registry entry (src/kernels.ts): everything the runtime, the tuner and the bench know about a kernel.
 * Bindings, params and tunable defaults are read from the WGSL text (kernelInfo).
 */
export interface KernelDef {
  /** Names the pipeline (labels make a validation error name the kernel); the shader is shaders/<name>.wgsl. */
  name: string;
  /** WGSL source without the shared prelude. */
  wgsl: string;
  /** CPU twin (src/cpu/kernels/<name>.ts): same bindings (by name), same params, same memory layout. */
  cpu: (b: Record<string, HostArray>, p: Params, t: Tunables) => void;
  /** Workgroups to dispatch, from the params and the (specialized) tunables. */
  grid: (p: Params, t: Tunables) => [number, number?, number?];
  /** How the tuner chooses this kernel's tunables per dispatch (absent: constants, see KernelTune). */
  tune?: KernelTune;
  /**
   * Other tunables worth measuring against the tuner's choice (the bench's 'alt' rows, the autotuner's
   * candidates); each is merged over the choice, so it may name only some tunables.
   */
  candidates?: Tunables[];
  /**
   * With candidates: the params that make a dispatch's shape for the autotuner (src/tune/autotune.ts), which
   * keeps one measured choice per kernel, table choice and shape; the other params (rows, active rows,
   * offsets) vary from batch to batch and do not split a choice.
   */
  tuneShape?: (p: Params, t: Tunables) => Params;
  /**
   * The cost model of one dispatch (bench): FLOPs (2 per multiply-add of the products; one per add,
   * multiply, compare or transcendental of the header's formula otherwise) and the least traffic. `size`
   * gives the element count of a bound buffer, for what the params do not say (packed rows, ...); `t` the
   * dispatch's tunables where they change the work (gemm's ACCUMULATE).
   */
  cost: (p: Params, size: (binding: string) => number, t?: Tunables) => Cost;
}

export interface BindingInfo {
  index: number;
  name: string;
  access: 'read' | 'read_write';
  element: 'f32' | 'u32';
}
export interface ParamInfo {
  name: string;
  type: 'u32' | 'f32' | 'i32';
}
export interface KernelInfo {
  bindings: BindingInfo[];
  params: ParamInfo[];
  tunables: Tunables;
}

const BINDING_RE =
  /@group\(0\)\s*@binding\((\d+)\)\s*var<storage,\s*(read|read_write)>\s*(\w+)\s*:\s*array<(f32|u32)>/g;
const PARAMS_RE = /struct\s+Params\s*\{([^}]*)\}/;
const FIELD_RE = /(\w+)\s*:\s*(u32|f32|i32)\s*,?/g;
const TUNABLE_RE = /const\s+(\w+)\s*(?::\s*\w+)?\s*=\s*([0-9.]+)u?\s*;\s*\/\/\s*tunable/g;

const infoCache = new Map<string, KernelInfo>();

/** Reads a kernel's bindings, params and tunables from its WGSL text. */
export function kernelInfo(k: KernelDef): KernelInfo {
  const hit = infoCache.get(k.name);
  if (hit) return hit;
  const bindings: BindingInfo[] = [];
  for (const m of k.wgsl.matchAll(BINDING_RE)) {
    bindings.push({ index: Number(m[1]), access: m[2] as BindingInfo['access'], name: m[3]!, element: m[4] as 'f32' | 'u32' });
  }
  bindings.sort((a, b) => a.index - b.index);
  bindings.forEach((b, i) => {
    if (b.index !== i) throw new Error(`kernel ${k.name}: storage bindings must be numbered 0..n-1 (found @binding(${b.index}))`);
  });
  const body = PARAMS_RE.exec(k.wgsl);
  if (!body) throw new Error(`kernel ${k.name}: no 'struct Params' in its WGSL`);
  const params: ParamInfo[] = [];
  for (const m of body[1]!.matchAll(FIELD_RE)) params.push({ name: m[1]!, type: m[2] as ParamInfo['type'] });
  if (params.length > 64) throw new Error(`kernel ${k.name}: more than 64 params do not fit a 256-byte slot`);
  const tunables: Tunables = {};
  for (const m of k.wgsl.matchAll(TUNABLE_RE)) tunables[m[1]!] = Number(m[2]);
  const info = { bindings, params, tunables };
  infoCache.set(k.name, info);
  return info;
}

/** Tunables with the call's overrides applied; unknown names are a programming error. */
export function resolveTunables(k: KernelDef, overrides?: Tunables): Tunables {
  const base = kernelInfo(k).tunables;
  if (!overrides) return base;
  for (const name of Object.keys(overrides)) {
    if (!(name in base)) throw new Error(`kernel ${k.name}: unknown tunable '${name}'`);
  }
  return { ...base, ...overrides };
}

/** The WGSL text with tunable constants replaced by the given values (u32 constants stay u32). */
export function specialize(wgsl: string, t: Tunables): string {
  return wgsl.replace(TUNABLE_RE, (whole, name: string) => {
    if (!(name in t)) return whole;
    const isU32 = /=\s*[0-9]+u\s*;/.test(whole) || /:\s*u32/.test(whole);
    const v = t[name]!;
    const text = isU32 ? `${Math.trunc(v)}u` : Number.isInteger(v) ? `${v}.0` : String(v);
    return whole.replace(/=\s*[0-9.]+u?\s*;/, `= ${text};`);
  });
}

/** A stable key for pipelines: the kernel's name plus its specialized constants. */
export function pipelineKey(k: KernelDef, t: Tunables): string {
  const parts = Object.keys(t)
    .sort()
    .map((n) => `${n}=${t[n]}`);
  return parts.length ? `${k.name}[${parts.join(',')}]` : k.name;
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);
