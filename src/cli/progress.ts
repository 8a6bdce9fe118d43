// A one-line progress bar on stderr, redrawn in place on a terminal and silent otherwise (logs stay clean).
export class ProgressBar {
  private lastDraw = 0;
  private active = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(label: string, done: number, total: number, suffix: string): void {
    if (!this.enabled) return;
    const t = Date.now();
    if (t - this.lastDraw < 100 && done < total) return;
    this.lastDraw = t;
    const width = 28;
    const fill = Math.round((width * done) / Math.max(1, total));
    const bar = '█'.repeat(fill) + '░'.repeat(width - fill);
    const cols = this.stream.columns ?? 100;
    const line = `${label} ${bar} ${String(done).padStart(String(total).length)}/${total}  ${suffix}`;
    this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.active = true;
  }

  clear(): void {
    if (this.active) this.stream.write('\r\x1b[K');
    this.active = false;
  }
}
