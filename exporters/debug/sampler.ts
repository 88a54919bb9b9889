// The Collector samples the debug exporter's output with zap's sampler: per message and per second, the first
// `initial` entries pass, then every `thereafter`th. Entries are keyed by signal here, so a flood of logs cannot
// hide the traces printed in the same second.

export class Sampler {
  private window = Number.NaN;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly initial: number,
    private readonly thereafter: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the next entry under `key` is written; counts it either way. */
  allow(key: string): boolean {
    const window = Math.floor(this.now() / 1000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= this.initial) return true;
    return this.thereafter > 0 && (n - this.initial) % this.thereafter === 0;
  }
}
