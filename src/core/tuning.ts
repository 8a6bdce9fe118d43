// What a tuning table is (src/tune/tuning.ts has the tables and the autotuned one, src/tune/autotune.ts):
// declared here, in the core, because backends carry one (GpuBackend.tuning) and the core imports nothing.
import type { KernelDef, Params, Tunables } from './kernel.js';

/** shaders/gemm.wgsl's tile: WG_X x WG_Y invocations, each owning a TM x TN block of C. */
export interface GemmTile {
  WG_X: number;
  WG_Y: number;
  TM: number;
  TN: number;
}

export interface Tuning {
  /** Table entry name ('lavapipe', 'gpu', ...). */
  readonly name: string;
  /** Where the numbers come from. */
  readonly source: string;
  /** The gemm tile for large products (the probe's best at 1024^3 where measured). */
  readonly gemm: GemmTile;
  /** The rate the probe measured with that tile (f32 GFLOP/s at n = 1024), for reports; absent for defaults. */
  readonly gemmGflops?: number;
  /**
   * The tunables of one dispatch of kernel `k` with these params; `fixed` (transposes, accumulation) is part
   * of the call's meaning and always wins. Only names the kernel's WGSL declares.
   */
  tunablesFor(k: KernelDef, p: Params, fixed?: Tunables): Tunables;
}
