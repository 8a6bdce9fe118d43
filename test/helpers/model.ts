// Whole-model helpers: tiny configs, random names, the float64 finite-difference check and a few training
// steps on any backend (the same procedure as test/model.test.ts, shared by test/model-variants.test.ts).
import { CpuBackend, type CpuBuf } from '../../src/cpu/backend.js';
import type { Backend } from '../../src/core/backend.js';
import { Rng } from '../../src/core/rng.js';
import type { ModelConfig } from '../../src/model/config.js';
import { Network, type Dropout, type NetworkOptions } from '../../src/model/network.js';
import { Optimizer } from '../../src/model/optimizer.js';
import { packBatch, type PackedBatch } from '../../src/model/packing.js';
import { initParams } from '../../src/model/params.js';
import { expectClose, type Tolerance } from './compare.js';

export function tinyConfig(over: Partial<ModelConfig>): ModelConfig {
  return { cell: 'gru', hidden: 3, layers: 1, bidirectional: false, attention: false, vocabSize: 5, numClasses: 4, ...over };
}

/** n names, the first of length maxLen, the others 1..maxLen. */
export function randomNames(rng: Rng, n: number, maxLen: number, vocab: number, classes: number) {
  const seqs = Array.from({ length: n }, (_, i) => Array.from({ length: i === 0 ? maxLen : 1 + rng.int(maxLen) }, () => rng.int(vocab)));
  return { seqs, labels: seqs.map(() => rng.int(classes)) };
}

export function randomBatches(rng: Rng, sizes: number[], maxLen: number, vocab: number, classes: number): PackedBatch[] {
  return sizes.map((n) => {
    const { seqs, labels } = randomNames(rng, n, maxLen, vocab, classes);
    return packBatch(seqs, labels, vocab);
  });
}

/** Mean loss of one forward pass on a float64 CPU backend. */
function lossOf(net: Network, b: PackedBatch, dropout?: Dropout): number {
  const stats = (net.stats as CpuBuf).data;
  stats.fill(0);
  net.forward(b, true, dropout);
  return stats[0]! / stats[2]!;
}

export interface FdResult {
  /** Worst |fd - analytic| / (1e-7 + 1e-5 |fd|) over all parameters: below 1 passes. */
  err: number;
  name: string;
  i: number;
  fd: number;
  an: number;
}

/**
 * Analytic gradients of the float64 CPU reference against central differences, every parameter. With
 * `dropout`, every evaluation draws the same mask (it depends only on the seed), so the loss is a fixed
 * function of the parameters and the check covers the dropout layers' backward too.
 */
export function finiteDifferenceCheck(cfg: ModelConfig, seed: number, dropout?: Dropout): FdResult {
  const rng = new Rng(seed);
  const { seqs, labels } = randomNames(rng, 4, 4, cfg.vocabSize, cfg.numClasses);
  const b = packBatch(seqs, labels, cfg.vocabSize);
  return worstFdError(new Network(new CpuBackend('f64'), cfg, { batch: 4, rows: b.rows }), b, seed, dropout);
}

/**
 * The check itself on a float64 CPU network built for batch b: parameters from initParams(seed) x 3 (larger
 * weights: saturating gates get tested too), analytic gradients of one forward/backward, then central
 * differences of every parameter except those `skip(entry name, index)` leaves out.
 */
export function worstFdError(net: Network, b: PackedBatch, seed: number, dropout?: Dropout, skip?: (name: string, i: number) => boolean): FdResult {
  const p = (net.params as CpuBuf).data;
  p.set(initParams(net.layout, seed).map((x) => x * 3));
  lossOf(net, b, dropout);
  net.backward(b);
  const analytic = Float64Array.from((net.grads as CpuBuf).data);
  const eps = 1e-6;
  let worst: FdResult = { name: '', i: 0, fd: 0, an: 0, err: 0 };
  for (const e of net.layout.entries) {
    for (let i = 0; i < e.size; i++) {
      if (skip?.(e.name, i)) continue;
      const k = e.offset + i, orig = p[k]!;
      p[k] = orig + eps;
      const up = lossOf(net, b, dropout);
      p[k] = orig - eps;
      const down = lossOf(net, b, dropout);
      p[k] = orig;
      const fd = (up - down) / (2 * eps);
      const err = Math.abs(fd - analytic[k]!) / (1e-7 + 1e-5 * Math.abs(fd));
      if (err > worst.err) worst = { name: e.name, i, fd, an: analytic[k]!, err };
    }
  }
  return worst;
}

export const ADAM_LR = 0.002;

/** Trains from the seed-7 initialization, one optimizer step per batch; returns losses and final weights. */
export async function trainSteps(be: Backend, cfg: ModelConfig, batches: PackedBatch[], kind: 'adam' | 'sgd', opts?: NetworkOptions, dropoutRate = 0): Promise<{ params: Float32Array; losses: number[] }> {
  const net = new Network(be, cfg, { batch: 64, rows: 64 * 20 }, opts);
  net.setParams(initParams(net.layout, 7));
  const opt = new Optimizer(be, net, { kind, lr: kind === 'adam' ? ADAM_LR : 0.1, clip: 1 });
  const losses: number[] = [];
  for (const [i, b] of batches.entries()) {
    net.forward(b, true, dropoutRate > 0 ? { rate: dropoutRate, seed: 1000 + i } : undefined);
    net.backward(b);
    opt.update();
    be.submit();
    const s = await net.takeStats();
    losses.push(s.lossSum / s.count);
  }
  const params = await net.getParams();
  opt.dispose();
  net.dispose();
  return { params, losses };
}

export interface StepTolerances {
  loss: Tolerance;
  grads: Tolerance;
  params: Tolerance;
}

/** What compareSteps checks at each step by default: tight, as no difference is ever magnified. */
export const STEP_TOL: StepTolerances = { loss: { abs: 1e-5, rel: 1e-5 }, grads: { abs: 2e-6, rel: 1e-4 }, params: { abs: 1e-6, rel: 1e-5 } };

/** One network of a side-by-side run: a backend and network options; `tol` replaces STEP_TOL's entries. */
export interface StepSide {
  be: Backend;
  opts?: NetworkOptions;
  what?: string;
  tol?: Partial<StepTolerances>;
}

export interface SideResult {
  /** The mean loss of each step (every side from the reference's parameters). */
  losses: number[];
  /** Kernel dispatches of this side's forward, backward and update over all steps. */
  dispatches: number;
  /** This side's raw gradients at each step. */
  grads: Float32Array[];
}

/**
 * Trains several networks side by side, one optimizer step per batch, the first side being the reference,
 * and compares at every step what each other side computes from identical inputs: the loss and the raw
 * gradients (from the reference's parameters and the same dropout mask), then the optimizer update applied
 * to the reference's gradients. The reference's parameters then seed the next step on every side.
 * Comparing parameters after several Adam steps instead lets Adam divide a 1e-8 rounding difference in a
 * near-zero gradient by that gradient's own RMS and turn it into an lr-sized step; here no difference is
 * ever magnified, so the tolerances stay tight and no seed can flake. Throws on the first mismatch, naming
 * the step and the side.
 */
export async function compareSides(cfg: ModelConfig, batches: PackedBatch[], kind: 'adam' | 'sgd', sides: StepSide[], o: { dropout?: number; what?: string; classWeights?: Float32Array } = {}): Promise<SideResult[]> {
  const cap = { batch: 64, rows: 64 * 20 };
  const optOpts = { kind, lr: kind === 'adam' ? ADAM_LR : 0.1, clip: 1 } as const;
  const nets: Network[] = [], opts: Optimizer[] = [];
  const out: SideResult[] = sides.map(() => ({ losses: [], dispatches: 0, grads: [] }));
  try {
    for (const s of sides) {
      const net = new Network(s.be, cfg, cap, s.opts);
      nets.push(net);
      if (o.classWeights) net.setClassWeights(o.classWeights);
      opts.push(new Optimizer(s.be, net, optOpts));
    }
    /** Runs f on side k, counting its dispatches (sides may share a backend: counted one at a time). */
    const counted = (k: number, f: () => void) => {
      const be = sides[k]!.be, before = be.counters().dispatches;
      f();
      out[k]!.dispatches += be.counters().dispatches - before;
    };
    const ref = nets[0]!, refBe = sides[0]!.be;
    let params = initParams(ref.layout, 7);
    for (const [i, b] of batches.entries()) {
      const drop = o.dropout ? { rate: o.dropout, seed: 1000 + i } : undefined;
      const losses: number[] = [];
      for (const [k, n] of nets.entries()) {
        n.setParams(params);
        counted(k, () => {
          n.forward(b, true, drop);
          n.backward(b);
        });
        sides[k]!.be.submit();
        const st = await n.takeStats();
        losses.push(st.lossSum / st.count);
        out[k]!.losses.push(st.lossSum / st.count);
      }
      const gRef = (await refBe.read(ref.grads)) as Float32Array;
      out[0]!.grads.push(gRef);
      for (let k = 1; k < sides.length; k++) {
        const s = sides[k]!, tol = { ...STEP_TOL, ...s.tol };
        const label = [s.what, o.what].filter(Boolean).join(' ');
        const at = (x: string) => `${x} at step ${i + 1}${label ? ` (${label})` : ''}`;
        expectClose(at('loss'), [losses[k]!], [losses[0]!], tol.loss);
        const g = (await s.be.read(nets[k]!.grads)) as Float32Array;
        out[k]!.grads.push(g);
        expectClose(at('raw gradients'), g, gRef, tol.grads);
        // The update from identical gradients (and, by induction, identical optimizer state).
        s.be.write(nets[k]!.grads, gRef);
      }
      for (const [k, opt] of opts.entries()) {
        counted(k, () => opt.update());
        sides[k]!.be.submit();
      }
      params = await ref.getParams();
      for (let k = 1; k < sides.length; k++) {
        const s = sides[k]!, label = [s.what, o.what].filter(Boolean).join(' ');
        expectClose(`parameters after ${kind} step ${i + 1}${label ? ` (${label})` : ''}`, await nets[k]!.getParams(), params, { ...STEP_TOL, ...s.tol }.params);
      }
      for (const n of nets) await n.takeStats();
    }
  } finally {
    for (const x of [...opts, ...nets]) x.dispose();
  }
  return out;
}

export interface StepCheck {
  /** Losses of each step, CPU reference and the other backend, from the same parameters. */
  cpuLosses: number[];
  gpuLosses: number[];
  /** The CPU reference's raw gradients at each step. */
  cpuGrads: Float32Array[];
}

/** compareSides with the CPU reference against one network on `be` (with `opts`). */
export async function compareSteps(be: Backend, cfg: ModelConfig, batches: PackedBatch[], kind: 'adam' | 'sgd', o: { opts?: NetworkOptions; dropout?: number; what?: string; classWeights?: Float32Array; tol?: Partial<StepTolerances> } = {}): Promise<StepCheck> {
  const [cpu, other] = await compareSides(cfg, batches, kind, [{ be: new CpuBackend() }, { be, opts: o.opts, tol: o.tol }], o);
  return { cpuLosses: cpu!.losses, gpuLosses: other!.losses, cpuGrads: cpu!.grads };
}
