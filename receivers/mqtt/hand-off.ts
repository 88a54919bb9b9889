// Messages that arrive together go down the pipelines together: one consume per read from the broker rather than
// one per message, which costs the whole pipeline's per-call work (counting, fan-out, conversion, a batch's
// bookkeeping) once per batch. MQTT.js handles the packets of one read on successive ticks, so a setImmediate
// window gathers all of them (and any other read in the same turn of the event loop) without holding anything
// back for longer than the read itself takes; MAX_BATCH_MESSAGES caps one consume when a broker sends a flood.

/** The most messages handed to the pipelines in one consume; more in one read make several consumes. */
export const MAX_BATCH_MESSAGES = 512;

export class HandOff<T> {
  private pending: T[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly send: (batch: T[]) => void,
    private readonly max = MAX_BATCH_MESSAGES,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.max) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Sends what is gathered now (also at shutdown, so nothing admitted is left behind). */
  flush(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send(batch);
  }
}
