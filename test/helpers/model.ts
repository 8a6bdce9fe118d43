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
  const net = new Network(new CpuBackend('f64'), cfg, { batch: 4, rows: b.rows });
  const p = (net.params as CpuBuf).data;
  p.set(initParams(net.layout, seed).map((x) => x * 3)); // larger weights: saturating gates get tested too
  lossOf(net, b, dropout);
  net.backward(b);
  const analytic = Float64Array.from((net.grads as CpuBuf).data);
  const eps = 1e-6;
  let worst: FdResult = { name: '', i: 0, fd: 0, an: 0, err: 0 };
  for (const e of net.layout.entries) {
    for (let i = 0; i < e.size; i++) {
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

/**
 * Compares parameters after a few Adam steps on two devices. Adam divides each gradient by its own running
 * RMS, so a parameter whose gradient sits at the rounding floor (|g| near eps, or a sum that cancels) takes
 * steps whose size and even sign come from rounding: an f32 difference of 1e-10 in such a gradient moves it
 * by up to a few % of lr. A handful of such parameters per run is expected (measured over 180 runs of 2-layer
 * bidirectional models: at most 3 of ~50k, off by at most 0.05 lr), while a kernel bug moves whole rows,
 * columns or gates. So: every parameter within `tol`, except at most 1 in 5000, and those within lr / 2.
 */
export function expectAdamClose(name: string, got: Float32Array, ref: Float32Array, tol: Tolerance, lr: number): void {
  const off: number[] = [];
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i]! - ref[i]!) <= tol.abs + tol.rel * Math.abs(ref[i]!))) off.push(i);
  }
  const maxOff = Math.ceil(ref.length / 5000);
  const far = off.filter((i) => !(Math.abs(got[i]! - ref[i]!) <= lr / 2));
  const show = (ix: number[]) => ix.slice(0, 5).map((i) => `[${i}] ${got[i]} vs ${ref[i]}`).join(', ');
  if (off.length > maxOff) throw new Error(`${name}: ${off.length}/${ref.length} elements off (at most ${maxOff} allowed): ${show(off)}`);
  if (far.length > 0) throw new Error(`${name}: ${far.length} elements off by more than lr/2: ${show(far)}`);
}

export interface StepCheck {
  /** Losses of each step, CPU reference and GPU, from the same parameters. */
  cpuLosses: number[];
  gpuLosses: number[];
}

/**
 * Trains the CPU reference and another backend side by side, one optimizer step per batch, comparing at
 * every step what each computes from identical inputs: the loss and the raw gradients (from the same
 * parameters and dropout mask), then the optimizer update applied to the same (CPU) gradients. The CPU's
 * parameters then seed the next step on both. Comparing parameters after several Adam steps instead (as
 * expectAdamClose does) lets Adam divide a 1e-8 rounding difference in a near-zero gradient by that
 * gradient's own RMS and turn it into an lr-sized step; here no difference is ever magnified, so the
 * tolerances stay tight and no seed can flake. Throws on the first mismatch, naming the step.
 */
export async function compareSteps(be: Backend, cfg: ModelConfig, batches: PackedBatch[], kind: 'adam' | 'sgd', o: { opts?: NetworkOptions; dropout?: number; what?: string; classWeights?: Float32Array } = {}): Promise<StepCheck> {
  const cpuBe = new CpuBackend();
  const cap = { batch: 64, rows: 64 * 20 };
  const cpu = new Network(cpuBe, cfg, cap);
  const other = new Network(be, cfg, cap, o.opts);
  if (o.classWeights) for (const n of [cpu, other]) n.setClassWeights(o.classWeights);
  const optOpts = { kind, lr: kind === 'adam' ? ADAM_LR : 0.1, clip: 1 } as const;
  const cpuOpt = new Optimizer(cpuBe, cpu, optOpts);
  const otherOpt = new Optimizer(be, other, optOpts);
  const label = o.what ? ` ${o.what}` : '';
  let params = initParams(cpu.layout, 7);
  const out: StepCheck = { cpuLosses: [], gpuLosses: [] };
  try {
    for (const [i, b] of batches.entries()) {
      const drop = o.dropout ? { rate: o.dropout, seed: 1000 + i } : undefined;
      for (const [n, nb] of [[cpu, cpuBe], [other, be]] as const) {
        n.setParams(params);
        n.forward(b, true, drop);
        n.backward(b);
        nb.submit();
      }
      const sc = await cpu.takeStats(), so = await other.takeStats();
      out.cpuLosses.push(sc.lossSum / sc.count);
      out.gpuLosses.push(so.lossSum / so.count);
      expectClose(`loss at step ${i + 1}${label}`, [so.lossSum / so.count], [sc.lossSum / sc.count], { abs: 1e-5, rel: 1e-5 });
      const gc = (await cpuBe.read(cpu.grads)) as Float32Array;
      expectClose(`raw gradients at step ${i + 1}${label}`, (await be.read(other.grads)) as Float32Array, gc, { abs: 2e-6, rel: 1e-4 });
      // The update from identical gradients (and, by induction, identical optimizer state).
      be.write(other.grads, gc);
      cpuOpt.update();
      otherOpt.update();
      cpuBe.submit();
      be.submit();
      params = await cpu.getParams();
      expectClose(`parameters after ${kind} step ${i + 1}${label}`, await other.getParams(), params, { abs: 1e-6, rel: 1e-5 });
      await cpu.takeStats();
      await other.takeStats();
    }
  } finally {
    for (const x of [cpuOpt, otherOpt, cpu, other]) x.dispose();
  }
  return out;
}
