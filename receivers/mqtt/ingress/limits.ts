// The memory bounds the server enforces: each device's window (announced to MQTT 5 devices as Receive Maximum,
// applied to MQTT 3.1.1 devices by not reading from them) and a byte budget across all devices for messages taken
// and not yet settled, at which every device stops being read until the pipelines catch up.

export class Budget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly max: number) {}

  get full(): boolean {
    return this.used >= this.max;
  }

  get bytes(): number {
    return this.used;
  }

  take(n: number): void {
    this.used += n;
  }

  release(n: number): void {
    const wasFull = this.full;
    this.used -= n;
    if (wasFull && !this.full) for (const w of [...this.waiters]) w();
  }

  /** Calls `resume` each time the budget drops below full; returns the function that stops it. */
  onRoom(resume: () => void): () => void {
    this.waiters.add(resume);
    return () => this.waiters.delete(resume);
  }
}
