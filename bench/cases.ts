// The kernel cases: every kernel at the shapes one training step of a one-layer model uses, built from a
// real packed batch of names. Each case says what it counts:
//   flops — 2 x multiply-adds for the products (gemm, the recurrent h W_hh / dgh W_hh^T of the step
//           kernels); for the other kernels one FLOP per add/multiply/compare of the formula in the WGSL
//           header, transcendental functions counted as one (an order of magnitude, not a roofline);
//   bytes — the least traffic the kernel can do: every element it must read, read once, and every element
//           it writes, written once (4 bytes each). Caches make the real traffic differ either way.
import type { Tunables, Params, KernelDef } from '../src/core/kernel.js';
import { kernelInfo, resolveTunables } from '../src/core/kernel.js';
import type { GemmTile, Tuning } from '../src/gpu/tuning.js';
import { VOCAB_SIZE } from '../src/data/vocab.js';
import { ALL_KERNELS } from '../src/kernels.js';
import type { CellSpec } from '../src/model/cells.js';
import type { PackedBatch } from '../src/model/packing.js';
import { paramLayout } from '../src/model/params.js';
import { dropoutParams } from '../src/cpu/kernels/dropout.js';
import { typicalRows } from './data.js';
import type { Shape } from './options.js';
import { KERNEL_ALTERNATIVES } from './variants.js';

/** Initial contents of one buffer: random in [-0.5, 0.5], zeros, ones, or given data. */
export type Init = 'rand' | 'zero' | 'unit' | Float32Array | Uint32Array;

export interface KernelCase {
  /** Registry name (what --kernels filters on). */
  kernel: string;
  /** Which use of the kernel ('dW_hh h^T dG', 'prod', …); alternatives end in 'alt' (bench/variants.ts) or '+tile'. */
  variant: string;
  shape: string;
  /** Human-readable sizes, e.g. 'm=453 n=384 k=128'. */
  dims: string;
  def: KernelDef;
  /** One entry per storage binding of the kernel: element count and contents. */
  buffers: Record<string, { size: number; init: Init }>;
  params: Params;
  /** The dispatch's tunables: production (the tuning's choice for this shape) or an alternative. */
  tunables?: Tunables;
  /** Whether these are the tuning's own choice (false: an alternative from bench/variants.ts). */
  production: boolean;
  flops: number;
  bytes: number;
}

const kernelByName = new Map(ALL_KERNELS.map((k) => [k.name, k]));
const F = 4; // bytes per element

/** Integers of a batch in one u32 buffer, as Network lays them out (plus offsets/lengths for attention). */
export function batchInts(b: PackedBatch): { data: Uint32Array; off: Record<string, number> } {
  const parts: [string, ArrayLike<number>][] = [
    ['tokens', b.tokens], ['csrStart', b.csrStart], ['csrRows', b.csrRows], ['labels', b.labels], ['last', b.last],
    ['offsets', b.offsets], ['lengths', b.lengths],
  ];
  const off: Record<string, number> = {};
  let n = 0;
  for (const [name, a] of parts) {
    off[name] = n;
    n += a.length;
  }
  const data = new Uint32Array(n);
  for (const [name, a] of parts) data.set(Array.from(a), off[name]);
  return { data, off };
}

/** 'RB=10 TN=2 WG=8': tunables for the table, without the gemm's transpose/accumulate flags (the use says them). */
export const tunablesLabel = (t: Tunables): string => Object.keys(t).filter((k) => !/^(TRANS_A|TRANS_B|ACCUMULATE)$/.test(k)).sort().map((k) => `${k}=${t[k]}`).join(' ');
const label = (t: Tunables): string => Object.keys(t).sort().map((k) => `${k}=${t[k]}`).join(' ');

/**
 * The cases of one shape for the cells given (cell-specific kernels) — GRU widths for the shared ones. Each
 * case runs with the tunables `tuning` picks for its shape (production), followed by the alternatives of
 * bench/variants.ts that differ from it (same buffers and params). `tile`: the probe's best gemm tile; each
 * gemm case is then measured with it too (variant '… +tile'), to show whether the tile that wins at 1024^3
 * also wins at training shapes.
 */
export function kernelCases(shape: Shape, b: PackedBatch, cells: { name: string; spec: CellSpec }[], classes: number, tuning: Tuning, tile?: GemmTile): KernelCase[] {
  const H = shape.hidden, B = b.batch, N = b.rows, C = classes, V = VOCAB_SIZE;
  const ints = batchInts(b);
  const out: KernelCase[] = [];
  // `c.tunables` are the call's fixed tunables (gemm transposes, accumulation): part of its meaning.
  const add = (c: Omit<KernelCase, 'shape' | 'production'>) => {
    const fixed = c.tunables ?? {};
    const prod = tuning.tunablesFor(c.def.name, c.params, fixed);
    out.push({ ...c, shape: shape.label, tunables: prod, production: true });
    const seen = new Set([label(prod)]);
    for (const v of KERNEL_ALTERNATIVES.filter((v) => v.kernel === c.def.name)) {
      const t = { ...prod, ...v.tunables, ...fixed };
      if (seen.has(label(t))) continue;
      seen.add(label(t));
      out.push({ ...c, shape: shape.label, variant: c.variant === 'prod' ? 'alt' : `${c.variant} alt`, tunables: t, production: false });
    }
  };
  const gemmP = (m: number, n: number, k: number, extra: Params = {}): Params => ({
    m, n, k, off_a: 0, lda: 0, off_b: 0, ldb: 0, off_c: 0, ldc: 0, off_bias: 0, has_bias: 0, ...extra,
  });

  const k = (name: string) => kernelByName.get(name);
  // ---- recurrent step kernels, per cell, at the batch's average active rows and at all rows (the first
  // positions of a batch) -------------------------------------------------------------------------------
  for (const n of [...new Set([typicalRows(b), B])]) for (const { spec } of cells) {
    const G = spec.gates * H;
    const sizes: Record<string, number> = {
      // Two positions' worth of rows: 'prev'/'cur' (forward) or 'cur'/'tgt' (backward) are rows 0..n-1, n..2n-1.
      xg: 2 * n * G, w: H * G + G, y: 2 * n * H, cache: 2 * n * spec.cache * H,
      ext: 2 * n * H, dh: 2 * n * spec.dstate * H, dg: 2 * n * spec.dg * H,
    };
    const fwdP: Params = { h: H, off_cur: n, n_cur: n, off_prev: 0, n_prev: n, ld_y: H, col_y: 0, off_w: 0, off_b: H * G };
    const bwdP: Params = { h: H, off_tgt: 0, n_tgt: n, off_cur: n, n_cur: n, ld_ext: H, col_ext: 0, off_w: 0 };
    const mm = 2 * n * H * G; // the recurrent product, forward (h W_hh) and backward (dgh W_hh^T) alike
    const fwdBytes = F * (H * G + G + n * H + n * G + n * H + n * spec.cache * H);
    const bwdBytes = F * (H * G + n * G + 2 * n * spec.cache * H + n * H + 2 * n * spec.dstate * H + n * spec.dg * H);
    const steps: [KernelDef, Params, number][] = [
      [spec.fwd, fwdP, fwdBytes],
      [spec.bwd, bwdP, bwdBytes],
    ];
    // GRU layer 0 steps with the input gather folded in (gru_step_fwd_emb): W_ih and b_ih after b_hh in w,
    // real tokens of the batch for the 2n rows; it reads W_ih rows and b_ih instead of xg (same bytes).
    const emb = spec.fwd.name === 'gru_step_fwd' ? k('gru_step_fwd_emb') : undefined;
    if (emb) steps.splice(1, 0, [emb, { ...fwdP, off_tok: 0, off_wih: H * G + G, off_bih: H * G + G + V * G }, fwdBytes + F * (n + G)]);
    const tokens = Uint32Array.from({ length: 2 * n }, (_, i) => b.tokens[i % b.tokens.length]!);
    for (const [def, params, bytes] of steps) {
      const size = (name: string) => (def === emb && name === 'w' ? H * G + G + V * G + G : sizes[name] ?? 0);
      const buffers = Object.fromEntries(kernelInfo(def).bindings.map((bd) => [bd.name, bd.name === 'tok' ? { size: 2 * n, init: tokens as Init } : { size: size(bd.name), init: 'rand' as Init }]));
      const dims = `n_cur=${n} H=${H}`;
      add({ kernel: def.name, variant: 'prod', dims, def, buffers, params, flops: mm, bytes });
    }
  }

  // ---- whole-sequence recurrences (recurrence 'sequence'), per cell: the whole batch in one dispatch ----
  for (const { spec } of cells) {
    const G = spec.gates * H;
    const common = { h: H, steps: b.steps, reverse: 0, batch: B, off_w: 0, off_offsets: ints.off.offsets!, off_lengths: ints.off.lengths! };
    const intsBuf = { size: ints.data.length, init: ints.data as Init };
    const mm = 2 * N * H * G;
    add({ kernel: spec.seqFwd.name, variant: 'whole batch', dims: `rows=${N} steps=${b.steps} H=${H}`, def: spec.seqFwd,
      buffers: { ints: intsBuf, xg: { size: N * G, init: 'rand' }, w: { size: H * G + G, init: 'rand' }, y: { size: N * H, init: 'zero' }, cache: { size: N * spec.cache * H, init: 'zero' } },
      params: { ...common, ld_y: H, col_y: 0, off_b: H * G }, flops: mm, bytes: F * (H * G + G + N * G + N * H + N * spec.cache * H) });
    add({ kernel: spec.seqBwd.name, variant: 'whole batch', dims: `rows=${N} steps=${b.steps} H=${H}`, def: spec.seqBwd,
      buffers: { ints: intsBuf, w: { size: H * G + G, init: 'rand' }, cache: { size: N * spec.cache * H, init: 'rand' }, y: { size: N * H, init: 'rand' },
        ext: { size: N * H, init: 'rand' }, dh: { size: N * spec.dstate * H, init: 'zero' }, dg: { size: N * spec.dg * H, init: 'zero' } },
      params: { ...common, ld_ext: H, col_ext: 0 }, flops: mm, bytes: F * (H * G + N * spec.cache * H + N * H + N * H + N * spec.dstate * H + N * spec.dg * H) });
  }

  // ---- shared kernels at GRU widths (G = 3H) --------------------------------------------------------
  const G = 3 * H;
  const emb = k('embed_gather');
  if (emb) {
    add({ kernel: emb.name, variant: 'layer0 x W_ih', dims: `n=${N} w=${G}`, def: emb,
      buffers: { tok: { size: N, init: b.tokens }, w: { size: V * G + G, init: 'rand' }, out: { size: N * G, init: 'zero' } },
      params: { n: N, width: G, off_tok: 0, off_w: 0, off_b: V * G, off_out: 0, ld_out: G, hots: 1, off_tok2: 0 },
      flops: N * G, bytes: F * (N + 2 * N * G) });
  }
  const gemm = k('gemm');
  if (gemm) {
    const tiled = tile && !sameTile(tile, { ...tuning.gemm }) ? tile : undefined;
    const g = (variant: string, m: number, nn: number, kk: number, extra: Params, t: Tunables, bytes: number, sizes: [number, number, number]) => {
      const c = {
        kernel: 'gemm', variant, dims: `m=${m} n=${nn} k=${kk}`, def: gemm,
        buffers: { a: { size: sizes[0], init: 'rand' as Init }, b: { size: sizes[1], init: 'rand' as Init }, bias: { size: Math.max(nn, 1), init: 'rand' as Init }, c: { size: sizes[2], init: 'zero' as Init } },
        params: gemmP(m, nn, kk, extra), tunables: t, flops: 2 * m * nn * kk, bytes: F * bytes,
      };
      add(c);
      if (tiled) out.push({ ...c, shape: shape.label, variant: `${variant} +tile`, tunables: { ...t, ...tiled }, production: false });
    };
    // Input projection of a layer above the first: X[N, H] W_ih[H, 3H] + b.
    g('in-proj X W_ih', N, G, H, { lda: H, ldb: G, ldc: G, has_bias: 1 }, {}, N * H + H * G + G + N * G, [N * H, H * G, N * G]);
    // Weight gradient of the recurrence: h_prev^T [H, N] dgh [N, 3H] (TRANS_A over the cache).
    g('dW_hh h^T dG', H, G, N, { lda: H, ldb: G, ldc: G }, { TRANS_A: 1 }, N * H + N * G + H * G, [N * H, N * G, H * G]);
    // Input gradient of a layer above the first: dG [N, 3H] W_ih^T [3H, H], accumulated.
    g('dX dG W_ih^T', N, H, G, { lda: G, ldb: G, ldc: H }, { TRANS_B: 1, ACCUMULATE: 1 }, N * G + H * G + 2 * N * H, [N * G, H * G, N * H]);
    // The head: feat [B, H] W [H, C] + b; its gradients dW = feat^T dlogits, dfeat = dlogits W^T.
    g('head feat W', B, C, H, { lda: H, ldb: C, ldc: C, has_bias: 1 }, {}, B * H + H * C + C + B * C, [B * H, H * C, B * C]);
    g('head dW', H, C, B, { lda: H, ldb: C, ldc: C }, { TRANS_A: 1 }, B * H + B * C + H * C, [B * H, B * C, H * C]);
    g('head dfeat', B, H, C, { lda: C, ldb: C, ldc: H }, { TRANS_B: 1 }, B * C + H * C + B * H, [B * C, H * C, B * H]);
  }
  const colsum = k('colsum');
  if (colsum) {
    // Both biases of a GRU layer at once: dg [N, 6H] = [dgx | dgh] into b_ih and b_hh.
    add({ kernel: colsum.name, variant: 'b_ih+b_hh grad', dims: `rows=${N} w=${2 * G}`, def: colsum,
      buffers: { a: { size: N * 2 * G, init: 'rand' }, out: { size: 2 * G, init: 'zero' } },
      params: { rows: N, width: 2 * G, off_a: 0, lda: 2 * G, off_out: 0, split: G, off_out2: G, from2: G }, flops: N * 2 * G, bytes: F * (N * 2 * G + 2 * G) });
  }
  const eg = k('embed_grad');
  if (eg) {
    add({ kernel: eg.name, variant: 'layer0 dW_ih', dims: `rows=${N} w=${G} V=${V}`, def: eg,
      buffers: { ints: { size: ints.data.length, init: ints.data }, dg: { size: N * G, init: 'rand' }, out: { size: V * G, init: 'zero' } },
      params: { vocab: V, width: G, off_start: ints.off.csrStart!, off_rows: ints.off.csrRows!, off_dg: 0, ld_dg: G, off_out: 0 },
      flops: N * G, bytes: F * (2 * N + V + 1 + N * G + V * G) });
  }
  for (const name of ['final_gather', 'final_scatter']) {
    const def = k(name);
    if (!def) continue;
    const io: Record<string, { size: number; init: Init }> = name === 'final_gather'
      ? { y: { size: N * H, init: 'rand' }, feat: { size: B * H, init: 'zero' } }
      : { dfeat: { size: B * H, init: 'rand' }, ext: { size: N * H, init: 'zero' } };
    add({ kernel: name, variant: 'head', dims: `B=${B} H=${H}`, def,
      buffers: { ints: { size: ints.data.length, init: ints.data }, ...io },
      params: { batch: B, h: H, dirs: 1, ld_y: H, off_last: ints.off.last! },
      flops: name === 'final_scatter' ? B * H : 0, bytes: F * (B + (name === 'final_scatter' ? 3 : 2) * B * H) });
  }
  const sm = k('softmax_ce');
  if (sm) {
    add({ kernel: sm.name, variant: 'loss+grad', dims: `B=${B} C=${C}`, def: sm,
      // class_w: per-class loss weights (all 1 = the unweighted loss; scale = 1 / sum of the batch's weights).
      buffers: { ints: { size: ints.data.length, init: ints.data }, logits: { size: B * C, init: 'rand' }, dlogits: { size: B * C, init: 'zero' }, class_w: { size: C, init: 'unit' }, stats: { size: 8, init: 'zero' } },
      params: { batch: B, classes: C, off_labels: ints.off.labels!, scale: 1 / B, write_grad: 1 },
      // max, exp+sum, and exp/div/sub/mul for the gradient, per logit
      flops: 8 * B * C, bytes: F * (B + 2 * B * C) });
  }
  const dr = k('dropout');
  if (dr) {
    // Training with --dropout: on the head's input (B x D) and on each layer's input above the first
    // (rows x D), forward and again backward (same mask). Rate 0.3: keep, scale or zero per element.
    for (const [variant, n] of [['head input B x D', B * H], ['layer input rows x D', N * H]] as [string, number][]) {
      add({ kernel: dr.name, variant, dims: `n=${n}`, def: dr,
        buffers: { x: { size: n, init: 'rand' }, y: { size: n, init: 'zero' } },
        params: { ...dropoutParams(n, 0.3, 12345), off_x: 0, off_y: 0 },
        // hash of the index (~10 integer ops), compare, multiply: an order of magnitude
        flops: 12 * n, bytes: F * 2 * n });
    }
  }
  const att = [k('attention_fwd'), k('attention_bwd')];
  if (att[0] && att[1]) {
    const common = { batch: B, d: H, ld_y: H, off_offsets: ints.off.offsets!, off_lengths: ints.off.lengths!, off_w: 0, off_b: H };
    add({ kernel: att[0].name, variant: 'head', dims: `B=${B} N=${N} D=${H}`, def: att[0],
      buffers: { ints: { size: ints.data.length, init: ints.data }, w: { size: H + 1, init: 'rand' }, y: { size: N * H, init: 'rand' }, alpha: { size: N, init: 'zero' }, feat: { size: B * H, init: 'zero' } },
      params: common, flops: 4 * N * H, bytes: F * (N * H + N + B * H) });
    add({ kernel: att[1].name, variant: 'head', dims: `B=${B} N=${N} D=${H}`, def: att[1],
      buffers: { ints: { size: ints.data.length, init: ints.data }, w: { size: H + 1, init: 'rand' }, y: { size: N * H, init: 'rand' }, alpha: { size: N, init: 'unit' }, dfeat: { size: B * H, init: 'rand' }, ext: { size: N * H, init: 'zero' }, dscore: { size: N, init: 'zero' } },
      params: common, flops: 6 * N * H, bytes: F * (3 * N * H + 2 * N + B * H) });
  }

  // ---- the update, over all parameters of a one-layer GRU of this size -------------------------------
  const P = paramLayout({ cell: 'gru', hidden: H, layers: 1, bidirectional: false, attention: false, vocabSize: V, numClasses: C }).total;
  // Partial sums as the optimizer makes them: one per WG * ITEMS gradients of the tuning's grad_sumsq.
  const ssDef = k('grad_sumsq');
  const ssT = ssDef ? resolveTunables(ssDef, tuning.tunablesFor('grad_sumsq', { n: P })) : { WG: 256, ITEMS: 16 };
  const parts = Math.ceil(P / (ssT.WG! * ssT.ITEMS!));
  const pdims = `n=${P} (GRU params)`;
  const stats = new Float32Array(8);
  stats[4] = 1; // clip scale 1: the update runs (0 would mean "non-finite gradient, skip")
  const ss = k('grad_sumsq');
  if (ss) add({ kernel: ss.name, variant: 'grad norm 1/2', dims: pdims, def: ss,
    // partial sized for the smallest chunk an alternative uses (64 elements per workgroup)
    buffers: { g: { size: P, init: 'rand' }, partial: { size: Math.ceil(P / 64), init: 'zero' } }, params: { n: P }, flops: 2 * P, bytes: F * (P + parts) });
  const gc = k('grad_clip');
  if (gc) add({ kernel: gc.name, variant: 'grad norm 2/2', dims: `parts=${parts}`, def: gc,
    buffers: { partial: { size: parts, init: 'unit' }, stats: { size: 8, init: stats } }, params: { parts, max_norm: 1 }, flops: parts, bytes: F * (parts + 8) });
  const adam = k('adam');
  if (adam) add({ kernel: adam.name, variant: 'update', dims: pdims, def: adam,
    buffers: { param: { size: P, init: 'rand' }, grad: { size: P, init: 'rand' }, m: { size: P, init: 'zero' }, v: { size: P, init: 'zero' }, stats: { size: 8, init: stats } },
    params: { n: P, step_size: 1e-3, bc2_sqrt: 0.03, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    flops: 13 * P, bytes: F * 7 * P });
  const sgd = k('sgd');
  if (sgd) add({ kernel: sgd.name, variant: 'update', dims: pdims, def: sgd,
    buffers: { param: { size: P, init: 'rand' }, grad: { size: P, init: 'rand' }, buf: { size: P, init: 'zero' }, stats: { size: 8, init: stats } },
    params: { n: P, lr: 0.1, momentum: 0.9 }, flops: 5 * P, bytes: F * 5 * P });
  return out;
}

function sameTile(a: GemmTile, t: Tunables): boolean {
  return a.WG_X === t.WG_X && a.WG_Y === t.WG_Y && a.TM === t.TM && a.TN === t.TN;
}

/** Why a case cannot run as written (the kernel's interface changed under us), or null. */
export function caseProblem(c: KernelCase): string | null {
  const info = kernelInfo(c.def);
  const missingP = info.params.filter((f) => c.params[f.name] === undefined).map((f) => f.name);
  if (missingP.length) return `${c.kernel}: the bench does not know params ${missingP.join(', ')}`;
  const missingB = info.bindings.filter((bd) => !c.buffers[bd.name] || c.buffers[bd.name]!.size <= 0).map((bd) => bd.name);
  if (missingB.length) return `${c.kernel}: the bench does not know buffers ${missingB.join(', ')}`;
  return null;
}
