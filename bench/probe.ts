// The adapter probe: what this adapter can do with OUR kernels, the yardstick for every other number.
//   - roof: the best f32 rate of shaders/gemm.wgsl over a small grid of tiles (WG_X, WG_Y, TM, TN), first
//     at 512^3 for every tile, then the best few (and the default) again at 512^3 and at 1024^3; the best
//     tile is the one fastest at 1024 (`node bench --full`; the default bench measures only the tuning's
//     tile and the default, see runProbe);
//   - dispatch floor: device time of a dispatch that does almost nothing (sgd on one element), i.e. the
//     fixed cost every dispatch of a training step pays;
//   - stream: the bandwidth our adam kernel reaches on a vector far larger than any cache.
import type { Buf } from '../src/core/backend.js';
import { Rng } from '../src/core/rng.js';
import type { GpuBackend } from '../src/gpu/backend.js';
import type { DispatchTimer } from '../src/gpu/timer.js';
import type { GemmTile } from '../src/tune/tuning.js';
import { adamK, gemmK, sgdK } from '../src/kernels.js';

export interface TileResult extends GemmTile {
  size: number;
  ms: number;
  gflops: number;
}

export interface ProbeResult {
  /** Best gemm rate seen (GFLOP/s): the roof of the %roof columns. */
  roofGflops: number;
  best: GemmTile;
  /** The best tile's rate at each probed size. */
  bestBySize: Record<string, number>;
  /** The WGSL default tile's rate at each probed size. */
  defaultBySize: Record<string, number>;
  tiles: TileResult[];
  dispatchFloorUs: number;
  streamGBps: number;
  streamElements: number;
}

const DEFAULT_TILE: GemmTile = { WG_X: 16, WG_Y: 4, TM: 4, TN: 4 };
const key = (t: GemmTile) => `${t.WG_X}x${t.WG_Y}/${t.TM}x${t.TN}`;

function tileGrid(quick: boolean, maxInvocations: number): GemmTile[] {
  if (quick) return [DEFAULT_TILE, { WG_X: 8, WG_Y: 4, TM: 8, TN: 4 }, { WG_X: 8, WG_Y: 8, TM: 4, TN: 4 }];
  const out: GemmTile[] = [];
  // Invocations <= 256 (the project's portability limit, ARCHITECTURE.md); 4 to 64 accumulators (TM x TN).
  for (const WG_X of [8, 16, 32]) for (const WG_Y of [1, 2, 4, 8]) for (const TM of [2, 4, 8]) for (const TN of [1, 2, 4, 8]) {
    if (WG_X * WG_Y > Math.min(256, maxInvocations) || TM * TN > 64 || TM * TN < 4) continue;
    out.push({ WG_X, WG_Y, TM, TN });
  }
  // Larger blocks (up to 128 accumulators) in small workgroups: on lavapipe, where every load costs ~30
  // multiply-adds, fewer loads per multiply-add win even though the accumulators spill (16 x 16 does not).
  for (const [WG_X, WG_Y] of [[8, 1], [8, 2], [16, 1]] as const) for (const [TM, TN] of [[16, 8], [8, 16], [16, 4], [4, 16]] as const) {
    if (WG_X * WG_Y <= maxInvocations) out.push({ WG_X, WG_Y, TM, TN });
  }
  return out;
}

/**
 * `roofTiles` (the default `node bench`): no tile search, only these tiles (the tuning's) and the WGSL
 * default, measured at every size: the roof the %roof columns need, in seconds instead of minutes (every
 * tile of the search is a pipeline the adapter compiles).
 */
export async function runProbe(be: GpuBackend, timer: DispatchTimer, quick: boolean, log: (s: string) => void, roofTiles?: GemmTile[]): Promise<ProbeResult> {
  const rng = new Rng(12345);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
  const mk = (label: string, data: Float32Array): Buf => {
    const b = be.create(label, data.length);
    be.write(b, data);
    return b;
  };
  const sizes = quick ? [256] : [512, 1024];
  const grid = tileGrid(quick, be.device.limits.maxComputeInvocationsPerWorkgroup);
  const tiles: TileResult[] = [];
  const measureAt = async (n: number, list: GemmTile[], samples: number) => {
    const a = mk('probe-a', rand(n * n)), b = mk('probe-b', rand(n * n)), c = be.create('probe-c', n * n);
    const p = { m: n, n, k: n, off_a: 0, lda: n, off_b: 0, ldb: n, off_c: 0, ldc: n, off_bias: 0, has_bias: 0 };
    const res: TileResult[] = [];
    for (const t of list) {
      const r = await timer.time(gemmK, { a, b, c, bias: a }, p, { ...t }, { reps: quick ? 1 : 2, samples });
      const row = { ...t, size: n, ms: r!.ms, gflops: (2 * n ** 3) / (r!.ms * 1e6) };
      res.push(row);
      log(`probe gemm ${n}^3 tile ${key(t)}: ${row.gflops.toFixed(2)} GFLOP/s`);
    }
    for (const x of [a, b, c]) be.destroy(x);
    tiles.push(...res);
    return res;
  };

  // Stage 1: every tile at the first size (skipped for roofTiles). Stage 2: the best few (and the default) at the others.
  const first = roofTiles ? [] : await measureAt(sizes[0]!, grid, 1);
  const ranked = [...first].sort((x, y) => y.gflops - x.gflops);
  const finalists = roofTiles ? [...roofTiles] : ranked.slice(0, quick ? 2 : 6).map(({ WG_X, WG_Y, TM, TN }) => ({ WG_X, WG_Y, TM, TN }));
  if (!finalists.some((t) => key(t) === key(DEFAULT_TILE))) finalists.push(DEFAULT_TILE);
  // Finalists again at the first size (a second look: one sample can be unlucky on a shared CPU), then at
  // the others; the best tile is the fastest at the largest size.
  let last = await measureAt(sizes[0]!, finalists, 2);
  for (const n of sizes.slice(1)) last = await measureAt(n, finalists, 2);
  const bestRow = [...last].sort((x, y) => y.gflops - x.gflops)[0]!;
  const best: GemmTile = { WG_X: bestRow.WG_X, WG_Y: bestRow.WG_Y, TM: bestRow.TM, TN: bestRow.TN };
  // A tile measured twice at a size: its better reading.
  const rateAt = (t: GemmTile, n: number) => Math.max(0, ...tiles.filter((r) => r.size === n && key(r) === key(t)).map((r) => r.gflops));
  const bestBySize = Object.fromEntries(sizes.map((n) => [String(n), rateAt(best, n)]));
  const defaultBySize = Object.fromEntries(sizes.map((n) => [String(n), rateAt(DEFAULT_TILE, n)]));

  // Dispatch floor: sgd over one element (one workgroup, one active invocation), many back to back.
  const stats = new Float32Array(8);
  stats[4] = 1;
  const one = [mk('floor-p', rand(1)), mk('floor-g', rand(1)), mk('floor-m', new Float32Array(1)), mk('floor-s', stats)] as const;
  const floor = await timer.time(sgdK, { param: one[0], grad: one[1], buf: one[2], stats: one[3] }, { n: 1, lr: 0.01, momentum: 0.9 }, undefined, { reps: quick ? 16 : 256, samples: quick ? 1 : 3 });
  for (const x of one) be.destroy(x);

  // Stream: adam reads param, grad, m, v and writes param, m, v: 28 bytes per element.
  const n = quick ? 1 << 20 : 1 << 22;
  const bufs = { param: mk('stream-p', rand(n)), grad: mk('stream-g', rand(n)), m: be.create('stream-m', n), v: be.create('stream-v', n), stats: mk('stream-s', stats) };
  const s = await timer.time(adamK, bufs, { n, step_size: 1e-3, bc2_sqrt: 0.03, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, undefined, { reps: quick ? 1 : 4, samples: quick ? 1 : 2 });
  for (const x of Object.values(bufs)) be.destroy(x);

  return {
    roofGflops: Math.max(...tiles.map((r) => r.gflops)),
    best, bestBySize, defaultBySize, tiles,
    dispatchFloorUs: floor!.ms * 1000,
    streamGBps: (28 * n) / (s!.ms * 1e6),
    streamElements: n,
  };
}
