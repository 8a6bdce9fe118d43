// The flat parameter vector: every weight lives in one buffer at a known offset, so gradient norm, clipping
// and the optimizer are single dispatches over one array, and a model file is one array plus this layout.
// Weights are stored input-major ([in, out], the transpose of PyTorch's [out, in]) so that the one-hot input
// projection is a row gather and h W_hh reads contiguous rows.
import { Rng } from '../core/rng.js';
import { cellSpec } from './cells.js';
import { dirsOf, inputRows, outWidth, type ModelConfig } from './config.js';

export interface ParamEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Initialization bound: uniform(-bound, bound), as PyTorch's defaults. */
  bound: number;
}

export interface ParamLayout {
  entries: ParamEntry[];
  total: number;
  byName: Map<string, ParamEntry>;
}

/** Name of a recurrent layer's parameters: l0, l1, ... and l0r, l1r for the backward direction. */
export const layerName = (l: number, d: number): string => `l${l}${d === 1 ? 'r' : ''}`;

export function paramLayout(c: ModelConfig): ParamLayout {
  const entries: ParamEntry[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], bound: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    entries.push({ name, shape, offset, size, bound });
    offset += size;
  };
  const G = cellSpec(c.cell).gates * c.hidden;
  const hb = 1 / Math.sqrt(c.hidden);
  for (let l = 0; l < c.layers; l++) {
    const inWidth = l === 0 ? inputRows(c) : outWidth(c);
    for (let d = 0; d < dirsOf(c); d++) {
      const n = layerName(l, d);
      add(`${n}.W_ih`, [inWidth, G], hb);
      add(`${n}.b_ih`, [G], hb);
      add(`${n}.W_hh`, [c.hidden, G], hb);
      add(`${n}.b_hh`, [G], hb);
    }
  }
  const D = outWidth(c);
  const fb = 1 / Math.sqrt(D);
  if (c.attention) {
    add('att.w', [D], fb);
    add('att.b', [1], fb);
  }
  add('head.W', [D, c.numClasses], fb);
  add('head.b', [c.numClasses], fb);
  return { entries, total: offset, byName: new Map(entries.map((e) => [e.name, e])) };
}

export function entry(layout: ParamLayout, name: string): ParamEntry {
  const e = layout.byName.get(name);
  if (!e) throw new Error(`no parameter '${name}'`);
  return e;
}

/** Seeded initial weights: the same seed gives the same model on the CPU and the GPU. */
export function initParams(layout: ParamLayout, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(layout.total);
  for (const e of layout.entries) for (let i = 0; i < e.size; i++) out[e.offset + i] = rng.uniform(-e.bound, e.bound);
  return out;
}
