// Gradient clipping and the parameter update, as three dispatches over the flat vectors:
// grad_sumsq (partial sums) -> grad_clip (norm, scale) -> adam or sgd (reads the scale on the device, so
// no readback is needed inside a step).
import type { Backend, Buf } from '../core/backend.js';
import { resolveTunables, type Tunables } from '../core/kernel.js';
import { adamK, gradClipK, gradSumsqK, sgdK } from '../kernels.js';
import type { Network } from './network.js';

export interface OptimizerOptions {
  kind: 'adam' | 'sgd';
  lr: number;
  /** Global gradient-norm bound; 0 disables clipping. */
  clip: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  momentum?: number;
}

export class Optimizer {
  private m: Buf;
  private v: Buf | null;
  private partial: Buf;
  private step = 0;
  private readonly n: number;
  /** grad_sumsq's tunables (the network's tuning) and its partial sums: one per WG * ITEMS gradients. */
  private readonly sumsqT: Tunables;
  private readonly parts: number;

  constructor(
    private readonly be: Backend,
    private readonly net: Network,
    readonly opts: OptimizerOptions,
  ) {
    this.n = net.layout.total;
    this.m = be.create(opts.kind === 'adam' ? 'adam-m' : 'sgd-momentum', this.n);
    this.v = opts.kind === 'adam' ? be.create('adam-v', this.n) : null;
    this.sumsqT = resolveTunables(gradSumsqK, net.tuning.tunablesFor(gradSumsqK, { n: this.n }));
    this.parts = Math.ceil(this.n / (this.sumsqT.WG! * this.sumsqT.ITEMS!));
    this.partial = be.create('grad-partials', this.parts);
  }

  get steps(): number {
    return this.step;
  }

  /** Records one update from net.grads (clip, then Adam/SGD). */
  update(lr = this.opts.lr): void {
    const { be, net, n } = this;
    this.step++;
    be.run(gradSumsqK, { g: net.grads, partial: this.partial }, { n }, this.sumsqT);
    be.run(gradClipK, { partial: this.partial, stats: net.stats }, { parts: this.parts, max_norm: this.opts.clip });
    if (this.opts.kind === 'adam') {
      const b1 = this.opts.beta1 ?? 0.9, b2 = this.opts.beta2 ?? 0.999;
      const params = {
        n,
        step_size: lr / (1 - b1 ** this.step),
        bc2_sqrt: Math.sqrt(1 - b2 ** this.step),
        beta1: b1,
        beta2: b2,
        eps: this.opts.eps ?? 1e-8,
      };
      // Elements per invocation etc. from the network's tuning (src/tune/tuning.ts); tunables never change results.
      be.run(adamK, { param: net.params, grad: net.grads, m: this.m, v: this.v!, stats: net.stats }, params, net.tuning.tunablesFor(adamK, params));
    } else {
      be.run(sgdK, { param: net.params, grad: net.grads, buf: this.m, stats: net.stats }, { n, lr, momentum: this.opts.momentum ?? 0 });
    }
  }

  dispose(): void {
    this.be.destroy(this.m);
    if (this.v) this.be.destroy(this.v);
    this.be.destroy(this.partial);
  }
}
