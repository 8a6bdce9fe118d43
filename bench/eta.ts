// Progress and time left for `node bench --full`: every measurement is an item with a weight (its expected
// cost relative to the others), and the time left is this run's seconds per unit of weight so far times the
// weight still to come. Weights are rough (compile time dominates the kernel rows on software adapters);
// the estimate corrects itself as the run goes.
export class Eta {
  private done = 0;
  private readonly t0 = performance.now();
  constructor(
    private total: number,
    private readonly log: (s: string) => void,
  ) {}

  /** Adds planned work discovered later (e.g. a section whose item count is known only when it starts). */
  add(weight: number): void {
    this.total += weight;
  }

  /** Marks `weight` of work done (after `label` finished) and logs progress and the estimate of time left. */
  tick(weight: number, label: string): void {
    this.done += weight;
    const secs = (performance.now() - this.t0) / 1000;
    const left = this.done > 0 ? (secs / this.done) * Math.max(0, this.total - this.done) : NaN;
    const pct = Math.min(100, (100 * this.done) / Math.max(1e-9, this.total));
    this.log(`[${pct.toFixed(0).padStart(3)}%] ${label} — ${formatDuration(secs)} so far, about ${formatDuration(left)} left`);
  }
}

export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs)) return '?';
  if (secs < 90) return `${Math.round(secs)} s`;
  if (secs < 5400) return `${Math.round(secs / 60)} min`;
  return `${(secs / 3600).toFixed(1)} h`;
}
