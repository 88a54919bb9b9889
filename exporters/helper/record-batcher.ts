// `sending_queue.batch` for the persistent queue: batching happens when reading from the log, so every request is
// acknowledged upstream once appended, as without batching, and the records of a batch are acknowledged in the log
// only after the export carrying them succeeded (or was refused for good). One consumer at a time assembles a batch
// (records stay in log order); the others meanwhile send theirs. A batch is complete at min_size, at flush_timeout
// after its first record, or when the next record would take it over max_size (that record starts the next batch).
import type { QueueBatchConfig } from '../../config/blocks/index.ts';
import type { RecordLog, StoredRecord } from '../../core/storage.ts';

type Read = { rec: StoredRecord | undefined } | { error: unknown };

export class RecordBatcher {
  /** A next() that lost a race with the batch's timer: its record is the next one read, never lost. */
  private pendingNext: Promise<Read> | undefined;
  /** A record read that did not fit into the last batch. */
  private carry: StoredRecord | undefined;
  private turn: Promise<void> = Promise.resolve();
  private readonly stopped: Promise<undefined>;

  constructor(
    private readonly log: RecordLog,
    private readonly cfg: QueueBatchConfig | undefined,
    private readonly stop: AbortSignal,
  ) {
    this.stopped = new Promise((resolve) => stop.addEventListener('abort', () => resolve(undefined), { once: true }));
  }

  /** The size of a record in the batch sizer's unit (bytes: its OTLP protobuf encoding, as appended). */
  sizeOf(rec: StoredRecord): number {
    return this.cfg?.sizer === 'bytes' ? rec.payload.byteLength : rec.items;
  }

  /**
   * The next batch, in log order, of at least one record; undefined once stopped or closed. Throws what the log's
   * read threw when nothing was read yet; once something was, a failed read ends the batch instead.
   */
  async take(): Promise<StoredRecord[] | undefined> {
    const prev = this.turn;
    let release!: () => void;
    this.turn = new Promise((resolve) => (release = resolve));
    await prev;
    try {
      return await this.assemble();
    } finally {
      release();
    }
  }

  private async assemble(): Promise<StoredRecord[] | undefined> {
    const first = this.carry ?? (await this.read(undefined));
    this.carry = undefined;
    if (!first || this.stop.aborted) return undefined;
    const batch = [first];
    const cfg = this.cfg;
    if (!cfg) return batch;
    let size = this.sizeOf(first);
    const until = Date.now() + cfg.flush_timeout;
    while (size < cfg.min_size && Date.now() < until) {
      let rec: StoredRecord | undefined;
      try {
        rec = await this.read(until - Date.now());
      } catch {
        break; // the next take() reads again, and reports the error if it persists
      }
      if (!rec) break;
      if (cfg.max_size > 0 && size + this.sizeOf(rec) > cfg.max_size) {
        this.carry = rec;
        break;
      }
      batch.push(rec);
      size += this.sizeOf(rec);
    }
    return batch;
  }

  /** The next record, or undefined when `ms` passed first (it is then read by the next call), stopped or closed. */
  private async read(ms: number | undefined): Promise<StoredRecord | undefined> {
    const p = (this.pendingNext ??= this.log.next().then(
      (rec) => ({ rec }),
      (error: unknown) => ({ error }),
    ));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout =
      ms === undefined
        ? undefined
        : new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      const r = await Promise.race(timeout ? [p, this.stopped, timeout] : [p, this.stopped]);
      if (r === undefined) return undefined;
      this.pendingNext = undefined;
      if ('error' in r) throw r.error;
      return r.rec;
    } finally {
      clearTimeout(timer);
    }
  }
}
