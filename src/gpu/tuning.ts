// Per-adapter tunables measured by `node bench` (the probe's gemm tile search), for the network to pick up
// when it chooses to: nothing in src/model reads this yet. Unknown adapters get the WGSL defaults.
//
// To add an adapter: run `node bench --kernels-only --kernels gemm` on it and copy the line the probe prints
// ("tuning entry: …") into TABLE. Matching is on the adapter summary (src/gpu/device.ts), first hit wins.
import type { AdapterSummary } from './device.js';

/** shaders/gemm.wgsl's tile: WG_X x WG_Y invocations, each owning a TM x TN block of C. */
export interface GemmTile {
  WG_X: number;
  WG_Y: number;
  TM: number;
  TN: number;
}

export interface AdapterTuning {
  gemm: GemmTile;
  /** The rate the probe measured with this tile (f32 GFLOP/s at n = 1024), for reports; absent for defaults. */
  gemmGflops?: number;
  /** Where the numbers come from. */
  source: string;
}

interface Entry {
  /** Every given pattern must match the corresponding AdapterSummary field. */
  vendor?: RegExp;
  architecture?: RegExp;
  description?: RegExp;
  tuning: AdapterTuning;
}

/** The WGSL defaults (shaders/gemm.wgsl). */
export const DEFAULT_TUNING: AdapterTuning = { gemm: { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 }, source: 'shaders/gemm.wgsl defaults' };

const TABLE: Entry[] = [
  // Mesa lavapipe (llvmpipe: software Vulkan on the CPU, 8-wide SIMD), 2-core AMD EPYC container.
  // The 1024^3 winner (chosen again by a second probe under heavy load). At training shapes it beats the
  // default on the larger products (dW_hh and X W_ih at H = 256 or B = 256: 1.1-1.35x) but loses on
  // dG W_ih^T (TRANS_B) and on the tiny head products: a caller may want it for big products only.
  {
    vendor: /mesa/i,
    description: /llvmpipe/i,
    tuning: { gemm: { WG_X: 32, WG_Y: 1, TM: 4, TN: 8 }, gemmGflops: 13.9, source: 'node bench probe 2026-11-23, lavapipe (Mesa 25.0.7, LLVM 15), 2 cores' },
  },
];

export function tuningFor(s: AdapterSummary): AdapterTuning {
  for (const e of TABLE) {
    if (e.vendor && !e.vendor.test(s.vendor)) continue;
    if (e.architecture && !e.architecture.test(s.architecture)) continue;
    if (e.description && !e.description.test(s.description)) continue;
    return e.tuning;
  }
  return DEFAULT_TUNING;
}
