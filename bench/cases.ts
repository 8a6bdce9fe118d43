// The kernel cases: every kernel at the shapes one training step of a one-layer model uses, built from a
// real packed batch of names. What each case counts comes from the kernel's cost model (its registry entry
// in src/kernels.ts, `cost`):
//   flops — 2 x multiply-adds for the products (gemm, the recurrent h W_hh / dgh W_hh^T of the step
//           kernels); for the other kernels one FLOP per add/multiply/compare of the formula in the WGSL
//           header, transcendental functions counted as one (an order of magnitude, not a roofline);
//   bytes — the least traffic the kernel can do: every element it must read, read once, and every element
//           it writes, written once (4 bytes each). Caches make the real traffic differ either way.
import type { Tunables, Params, KernelDef } from '../src/core/kernel.js';
import { kernelInfo, resolveTunables } from '../src/core/kernel.js';
import type { GemmTile, Tuning } from '../src/tune/tuning.js';
import { VOCAB_SIZE } from '../src/data/vocab.js';
import { ALL_KERNELS, dropoutParams } from '../src/kernels.js';
import type { CellSpec } from '../src/model/cells.js';
import { intsLayout, packInts, type PackedBatch } from '../src/model/packing.js';
import { paramLayout } from '../src/model/params.js';
import { typicalRows } from './data.js';
import type { Shape } from './options.js';

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
  /** Whether these are the tuning's own choice (false: one of the kernel's candidates, or the probe's tile). */
  production: boolean;
  flops: number;
  bytes: number;
}

const kernelByName = new Map(ALL_KERNELS.map((k) => [k.name, k]));

/** Integers of a batch in one u32 buffer, laid out as the Network lays them out (model/packing.ts). */
export function batchInts(b: PackedBatch): { data: Uint32Array; off: Record<string, number> } {
  const off = intsLayout(b, VOCAB_SIZE);
  return { data: packInts(b, off), off: { ...off } };
}

/** 'RB=10 TN=2 WG=8': tunables for the table, without the flags that are part of the call (gemm's transposes and accumulation, the GRU step's EMB): the variant says them. */
export const tunablesLabel = (t: Tunables): string => Object.keys(t).filter((k) => !/^(TRANS_A|TRANS_B|ACCUMULATE|EMB)$/.test(k)).sort().map((k) => `${k}=${t[k]}`).join(' ');
const label = (t: Tunables): string => Object.keys(t).sort().map((k) => `${k}=${t[k]}`).join(' ');

/**
 * The cases of one shape for the cells given (cell-specific kernels) — GRU widths for the shared ones. Each
 * case runs with the tunables `tuning` picks for its shape (production), followed by the kernel's candidates
 * (its registry entry) that differ from it (same buffers and params). `tile`: the probe's best gemm tile; each
 * gemm case is then measured with it too (variant '… +tile'), to show whether the tile that wins at 1024^3
 * also wins at training shapes.
 */
export function kernelCases(shape: Shape, b: PackedBatch, cells: { name: string; spec: CellSpec }[], classes: number, tuning: Tuning, tile?: GemmTile): KernelCase[] {
  const H = shape.hidden, B = b.batch, N = b.rows, C = classes, V = VOCAB_SIZE;
  const ints = batchInts(b);
  const out: KernelCase[] = [];
  // `c.tunables` are the call's fixed tunables (gemm transposes, accumulation): part of its meaning. FLOPs
  // and bytes: the kernel's cost model at these params, buffers and tunables.
  const costed = (c: Omit<KernelCase, 'shape' | 'production' | 'flops' | 'bytes'>, t: Tunables): Pick<KernelCase, 'flops' | 'bytes'> =>
    c.def.cost(c.params, (name) => c.buffers[name]?.size ?? 0, t);
  const add = (c: Omit<KernelCase, 'shape' | 'production' | 'flops' | 'bytes'>) => {
    const fixed = c.tunables ?? {};
    const prod = tuning.tunablesFor(c.def, c.params, fixed);
    out.push({ ...c, ...costed(c, prod), shape: shape.label, tunables: prod, production: true });
    const seen = new Set([label(prod)]);
    for (const cand of c.def.candidates ?? []) {
      const t = { ...prod, ...cand, ...fixed };
      if (seen.has(label(t))) continue;
      seen.add(label(t));
      out.push({ ...c, ...costed(c, t), shape: shape.label, variant: c.variant === 'prod' ? 'alt' : `${c.variant} alt`, tunables: t, production: false });
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
    // [kernel, params, fixed tunables, variant]. A GRU's forward step also runs as layer 0 does, with the
    // input gather folded in (EMB = 1): W_ih and b_ih after b_hh in w, real tokens of the batch for the 2n
    // rows (bound but unread with EMB = 0).
    const emb = 'tok' in Object.fromEntries(kernelInfo(spec.fwd).bindings.map((bd) => [bd.name, 1]));
    const fwdE: Params = emb ? { ...fwdP, off_tok: 0, off_wih: H * G + G, off_bih: H * G + G + V * G } : fwdP;
    const steps: [KernelDef, Params, Tunables | undefined, string][] = [[spec.fwd, fwdE, emb ? { EMB: 0 } : undefined, 'prod']];
    if (emb) steps.push([spec.fwd, fwdE, { EMB: 1 }, 'layer0 gather']);
    steps.push([spec.bwd, bwdP, undefined, 'prod']);
    const tokens = Uint32Array.from({ length: 2 * n }, (_, i) => b.tokens[i % b.tokens.length]!);
    for (const [def, params, fixed, variant] of steps) {
      const size = (name: string) => (emb && def === spec.fwd && name === 'w' ? H * G + G + V * G + G : sizes[name] ?? 0);
      const buffers = Object.fromEntries(kernelInfo(def).bindings.map((bd) => [bd.name, bd.name === 'tok' ? { size: 2 * n, init: tokens as Init } : { size: size(bd.name), init: 'rand' as Init }]));
      const dims = `n_cur=${n} H=${H}`;
      add({ kernel: def.name, variant, dims, def, buffers, params, ...(fixed ? { tunables: fixed } : {}) });
    }
  }

  // ---- whole-sequence recurrences (recurrence 'sequence'), per cell: the whole batch in one dispatch ----
  for (const { spec } of cells) {
    const G = spec.gates * H;
    const common = { h: H, steps: b.steps, reverse: 0, batch: B, off_w: 0, off_offsets: ints.off.offsets!, off_lengths: ints.off.lengths! };
    const intsBuf = { size: ints.data.length, init: ints.data as Init };
    add({ kernel: spec.seqFwd.name, variant: 'whole batch', dims: `rows=${N} steps=${b.steps} H=${H}`, def: spec.seqFwd,
      buffers: { ints: intsBuf, xg: { size: N * G, init: 'rand' }, w: { size: H * G + G, init: 'rand' }, y: { size: N * H, init: 'zero' }, cache: { size: N * spec.cache * H, init: 'zero' } },
      params: { ...common, ld_y: H, col_y: 0, off_b: H * G } });
    add({ kernel: spec.seqBwd.name, variant: 'whole batch', dims: `rows=${N} steps=${b.steps} H=${H}`, def: spec.seqBwd,
      buffers: { ints: intsBuf, w: { size: H * G + G, init: 'rand' }, cache: { size: N * spec.cache * H, init: 'rand' }, y: { size: N * H, init: 'rand' },
        ext: { size: N * H, init: 'rand' }, dh: { size: N * spec.dstate * H, init: 'zero' }, dg: { size: N * spec.dg * H, init: 'zero' } },
      params: { ...common, ld_ext: H, col_ext: 0 } });
  }

  // ---- shared kernels at GRU widths (G = 3H) --------------------------------------------------------
  const G = 3 * H;
  const emb = k('embed_gather');
  if (emb) {
    add({ kernel: emb.name, variant: 'layer0 x W_ih', dims: `n=${N} w=${G}`, def: emb,
      buffers: { tok: { size: N, init: b.tokens }, w: { size: V * G + G, init: 'rand' }, out: { size: N * G, init: 'zero' } },
      params: { n: N, width: G, off_tok: 0, off_w: 0, off_b: V * G, off_out: 0, ld_out: G, hots: 1, off_tok2: 0 } });
  }
  const gemm = k('gemm');
  if (gemm) {
    const tiled = tile && !sameTile(tile, { ...tuning.gemm }) ? tile : undefined;
    const g = (variant: string, m: number, nn: number, kk: number, extra: Params, t: Tunables, sizes: [number, number, number]) => {
      const c = {
        kernel: 'gemm', variant, dims: `m=${m} n=${nn} k=${kk}`, def: gemm,
        buffers: { a: { size: sizes[0], init: 'rand' as Init }, b: { size: sizes[1], init: 'rand' as Init }, bias: { size: Math.max(nn, 1), init: 'rand' as Init }, c: { size: sizes[2], init: 'zero' as Init } },
        params: gemmP(m, nn, kk, extra), tunables: t,
      };
      add(c);
      if (tiled) out.push({ ...c, ...costed(c, { ...t, ...tiled }), shape: shape.label, variant: `${variant} +tile`, tunables: { ...t, ...tiled }, production: false });
    };
    // Input projection of a layer above the first: X[N, H] W_ih[H, 3H] + b.
    g('in-proj X W_ih', N, G, H, { lda: H, ldb: G, ldc: G, has_bias: 1 }, {}, [N * H, H * G, N * G]);
    // Weight gradient of the recurrence: h_prev^T [H, N] dgh [N, 3H] (TRANS_A over the cache).
    g('dW_hh h^T dG', H, G, N, { lda: H, ldb: G, ldc: G }, { TRANS_A: 1 }, [N * H, N * G, H * G]);
    // Input gradient of a layer above the first: dG [N, 3H] W_ih^T [3H, H], accumulated.
    g('dX dG W_ih^T', N, H, G, { lda: G, ldb: G, ldc: H }, { TRANS_B: 1, ACCUMULATE: 1 }, [N * G, H * G, N * H]);
    // The head: feat [B, H] W [H, C] + b; its gradients dW = feat^T dlogits, dfeat = dlogits W^T.
    g('head feat W', B, C, H, { lda: H, ldb: C, ldc: C, has_bias: 1 }, {}, [B * H, H * C, B * C]);
    g('head dW', H, C, B, { lda: H, ldb: C, ldc: C }, { TRANS_A: 1 }, [B * H, B * C, H * C]);
    g('head dfeat', B, H, C, { lda: C, ldb: C, ldc: H }, { TRANS_B: 1 }, [B * C, H * C, B * H]);
  }
  const colsum = k('colsum');
  if (colsum) {
    // Both biases of a GRU layer at once: dg [N, 6H] = [dgx | dgh] into b_ih and b_hh.
    add({ kernel: colsum.name, variant: 'b_ih+b_hh grad', dims: `rows=${N} w=${2 * G}`, def: colsum,
      buffers: { a: { size: N * 2 * G, init: 'rand' }, out: { size: 2 * G, init: 'zero' } },
      params: { rows: N, width: 2 * G, off_a: 0, lda: 2 * G, off_out: 0, split: G, off_out2: G, from2: G } });
  }
  const eg = k('embed_grad');
  if (eg) {
    add({ kernel: eg.name, variant: 'layer0 dW_ih', dims: `rows=${N} w=${G} V=${V}`, def: eg,
      buffers: { ints: { size: ints.data.length, init: ints.data }, dg: { size: N * G, init: 'rand' }, out: { size: V * G, init: 'zero' } },
      params: { vocab: V, width: G, off_start: ints.off.csrStart!, off_rows: ints.off.csrRows!, off_dg: 0, ld_dg: G, off_out: 0 } });
  }
  for (const name of ['final_gather', 'final_scatter']) {
    const def = k(name);
    if (!def) continue;
    const io: Record<string, { size: number; init: Init }> = name === 'final_gather'
      ? { y: { size: N * H, init: 'rand' }, feat: { size: B * H, init: 'zero' } }
      : { dfeat: { size: B * H, init: 'rand' }, ext: { size: N * H, init: 'zero' } };
    add({ kernel: name, variant: 'head', dims: `B=${B} H=${H}`, def,
      buffers: { ints: { size: ints.data.length, init: ints.data }, ...io },
      params: { batch: B, h: H, dirs: 1, ld_y: H, off_last: ints.off.last! } });
  }
  const sm = k('softmax_ce');
  if (sm) {
    add({ kernel: sm.name, variant: 'loss+grad', dims: `B=${B} C=${C}`, def: sm,
      // class_w: per-class loss weights (all 1 = the unweighted loss; scale = 1 / sum of the batch's weights).
      buffers: { ints: { size: ints.data.length, init: ints.data }, logits: { size: B * C, init: 'rand' }, dlogits: { size: B * C, init: 'zero' }, class_w: { size: C, init: 'unit' }, stats: { size: 8, init: 'zero' } },
      params: { batch: B, classes: C, off_labels: ints.off.labels!, scale: 1 / B, write_grad: 1 } });
  }
  // ---- the language model (--task generate): loss at every packed row, its sum, and the sampler ----------
  const LC = V + 1; // characters and END
  const rce = k('row_ce');
  if (rce) {
    // Targets: the batch's own symbols (any ids below LC do), one per packed row.
    add({ kernel: rce.name, variant: 'LM loss+grad', dims: `rows=${N} C=${LC}`, def: rce,
      buffers: { ints: { size: ints.data.length, init: ints.data }, logits: { size: N * LC, init: 'rand' }, dlogits: { size: N * LC, init: 'zero' }, part: { size: 2 * N, init: 'zero' } },
      params: { rows: N, classes: LC, off_targets: ints.off.tokens!, scale: 1 / N, write_grad: 1 } });
  }
  const rst = k('row_stats');
  if (rst) add({ kernel: rst.name, variant: 'LM loss sum', dims: `rows=${N}`, def: rst,
    buffers: { part: { size: 2 * N, init: 'rand' }, stats: { size: 8, init: 'zero' } }, params: { rows: N } });
  const smp = k('sample');
  if (smp) {
    // One decoding position of 256 names (the generate command's batch), temperature 0.8, with and without top-k.
    const SB = 256, P = 21, offDone = (P + 1) * SB;
    for (const [variant, topK] of [['T=0.8', 0], ['T=0.8 top-k 5', 5]] as [string, number][]) {
      add({ kernel: smp.name, variant, dims: `B=${SB} C=${LC}`, def: smp,
        buffers: { logits: { size: SB * LC, init: 'rand' }, ints: { size: offDone + 2 * SB + 1, init: 'zero' }, logp: { size: P * SB, init: 'zero' } },
        params: { batch: SB, classes: LC, pos: 1, off_next: 2 * SB, off_done: offDone, off_prefix: offDone + SB, n_prefix: 0, end_id: V, top_k: topK, seed: 1, row_base: 0, temperature: 0.8 } });
    }
  }
  const dr = k('dropout');
  if (dr) {
    // Training with --dropout: on the head's input (B x D) and on each layer's input above the first
    // (rows x D), forward and again backward (same mask). Rate 0.3: keep, scale or zero per element.
    for (const [variant, n] of [['head input B x D', B * H], ['layer input rows x D', N * H]] as [string, number][]) {
      add({ kernel: dr.name, variant, dims: `n=${n}`, def: dr,
        buffers: { x: { size: n, init: 'rand' }, y: { size: n, init: 'zero' } },
        params: { ...dropoutParams(n, 0.3, 12345), off_x: 0, off_y: 0 } });
    }
  }
  const att = [k('attention_fwd'), k('attention_bwd')];
  if (att[0] && att[1]) {
    const common = { batch: B, d: H, ld_y: H, off_offsets: ints.off.offsets!, off_lengths: ints.off.lengths!, off_w: 0, off_b: H };
    add({ kernel: att[0].name, variant: 'head', dims: `B=${B} N=${N} D=${H}`, def: att[0],
      buffers: { ints: { size: ints.data.length, init: ints.data }, w: { size: H + 1, init: 'rand' }, y: { size: N * H, init: 'rand' }, alpha: { size: N, init: 'zero' }, feat: { size: B * H, init: 'zero' } },
      params: common });
    add({ kernel: att[1].name, variant: 'head', dims: `B=${B} N=${N} D=${H}`, def: att[1],
      buffers: { ints: { size: ints.data.length, init: ints.data }, w: { size: H + 1, init: 'rand' }, y: { size: N * H, init: 'rand' }, alpha: { size: N, init: 'unit' }, dfeat: { size: B * H, init: 'rand' }, ext: { size: N * H, init: 'zero' }, dscore: { size: N, init: 'zero' } },
      params: common });
  }

  // ---- the update, over all parameters of a one-layer GRU of this size -------------------------------
  const P = paramLayout({ cell: 'gru', hidden: H, layers: 1, bidirectional: false, attention: false, vocabSize: V, numClasses: C }).total;
  // Partial sums as the optimizer makes them: one per WG * ITEMS gradients of the tuning's grad_sumsq.
  const ssDef = k('grad_sumsq');
  const ssT = ssDef ? resolveTunables(ssDef, tuning.tunablesFor(ssDef, { n: P })) : { WG: 256, ITEMS: 16 };
  const parts = Math.ceil(P / (ssT.WG! * ssT.ITEMS!));
  const pdims = `n=${P} (GRU params)`;
  const stats = new Float32Array(8);
  stats[4] = 1; // clip scale 1: the update runs (0 would mean "non-finite gradient, skip")
  const ss = k('grad_sumsq');
  if (ss) add({ kernel: ss.name, variant: 'grad norm 1/2', dims: pdims, def: ss,
    // partial sized for the smallest chunk an alternative uses (64 elements per workgroup)
    buffers: { g: { size: P, init: 'rand' }, partial: { size: Math.ceil(P / 64), init: 'zero' } }, params: { n: P } });
  const gc = k('grad_clip');
  if (gc) add({ kernel: gc.name, variant: 'grad norm 2/2', dims: `parts=${parts}`, def: gc,
    buffers: { partial: { size: parts, init: 'unit' }, stats: { size: 8, init: stats } }, params: { parts, max_norm: 1 } });
  const adam = k('adam');
  if (adam) add({ kernel: adam.name, variant: 'update', dims: pdims, def: adam,
    buffers: { param: { size: P, init: 'rand' }, grad: { size: P, init: 'rand' }, m: { size: P, init: 'zero' }, v: { size: P, init: 'zero' }, stats: { size: 8, init: stats } },
    params: { n: P, step_size: 1e-3, bc2_sqrt: 0.03, beta1: 0.9, beta2: 0.999, eps: 1e-8 } });
  const sgd = k('sgd');
  if (sgd) add({ kernel: sgd.name, variant: 'update', dims: pdims, def: sgd,
    buffers: { param: { size: P, init: 'rand' }, grad: { size: P, init: 'rand' }, buf: { size: P, init: 'zero' }, stats: { size: 8, init: stats } },
    params: { n: P, lr: 0.1, momentum: 0.9 } });
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
