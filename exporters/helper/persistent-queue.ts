// The sending queue on disk (`sending_queue.storage`). A request is acknowledged upstream once it is appended to
// the storage's log (durable: fsync'd by default), so an MQTT message is PUBACKed and an OTLP client answered
// without waiting for the destination. `num_consumers` senders read the log in order and send each request
// through the retry sender; a request leaves the log only when the destination took it or refused it for good.
// When the retry sender gives up, the request stays: it is tried again after a pause, for as long as it takes,
// since upstream can no longer resend what it was told is safe. A full queue refuses new requests retryably and
// marked throttled (or waits for room with block_on_overflow): receivers push back, nothing is dropped.
import type { QueueConfig, RetryConfig } from '../../config/blocks/index.ts';
import type { CreateSettings, Host } from '../../core/component.ts';
import type { ClientMetadata, ConsumeContext } from '../../core/consumer.ts';
import { errorMessage, retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import { mergeData } from '../../core/pdata/split.ts';
import { sleep } from '../../core/sleep.ts';
import type { LogUsage, RecordLog, StoredRecord } from '../../core/storage.ts';
import { storageExtension } from '../../core/storage.ts';
import { encodeRequest, receiveRequest } from '../../otlp/index.ts';
import type { PersistentQueueMetrics } from './persistent-queue-metrics.ts';
import { persistentQueueMetrics } from './persistent-queue-metrics.ts';
import { splitForBatch } from './batch-sender.ts';
import { decodeRecord, encodeRecord, metadataKey } from './queued-record.ts';
import { RecordBatcher } from './record-batcher.ts';
import { asConsumerError } from './retry-sender.ts';
import type { ExportData, Send, SendResult } from './send.ts';
import type { QueueView } from './queue-sender.ts';

export type PersistentQueueConfig = QueueConfig & { storage: string };

export class PersistentQueue {
  private log: RecordLog | undefined;
  private metrics: PersistentQueueMetrics | undefined;
  private readonly stop = new AbortController();
  private consumers: Promise<void>[] = [];
  private roomWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  private refusal: Error | undefined;
  /** When the queue last went from empty to holding something (performance.now()); undefined while empty. */
  private nonEmptySince: number | undefined;

  constructor(
    private readonly cfg: PersistentQueueConfig,
    private readonly retry: Pick<RetryConfig, 'initial_interval' | 'max_interval'>,
    private readonly signal: PipelineType,
    private readonly settings: CreateSettings,
    private readonly next: Send,
    /** Called on each change: an error while the queue refuses new requests (full, cannot write), else undefined. */
    private readonly onRefusing: (err: Error | undefined) => void = () => {},
  ) {}

  /** The log's name in the storage: unique per exporter and signal, as the Collector's `exporter_<id>_<signal>`. */
  get name(): string {
    return `exporter_${this.settings.id}_${this.signal}`;
  }

  async start(host: Host): Promise<void> {
    const storage = storageExtension(host, this.cfg.storage);
    const m = persistentQueueMetrics(this.settings.telemetry, this.settings.id, this.signal, () => this.diskBytes);
    this.metrics = m;
    this.log = await storage.openLog(this.name, {
      formerNames: (this.settings.formerIds ?? []).map((id) => `exporter_${id}_${this.signal}`),
      onCorrupt: (d) => {
        m.corrupt.inc();
        this.settings.logger.warn('skipped a torn or corrupt stretch of the persistent queue', {
          data_type: this.signal,
          ...d,
        });
      },
    });
    m.capacity.set(this.cfg.queue_size);
    this.report();
    const u = this.log.usage;
    if (u.records > 0)
      this.settings.logger.info('persistent queue replays what it held', { data_type: this.signal, ...u });
    const batcher = new RecordBatcher(this.log, this.cfg.batch, this.stop.signal);
    for (let i = 0; i < this.cfg.num_consumers; i++) this.consumers.push(this.consume(this.log, batcher));
  }

  // The consume context is the upstream sender's: its deadline and withdrawal apply to the append (and a wait for
  // room), not to the delivery, which happens after the sender was answered.
  readonly send: Send = async (data: ExportData, signal: PipelineType, ctx?: ConsumeContext): Promise<SendResult> => {
    // With the client metadata it came with, so a replay after a restart still carries it (queued-record.ts).
    const payload = encodeRecord(encodeRequest(signal, data), ctx?.metadata);
    const items = itemCount(signal, data);
    const size = this.sizeOf({ records: 1, items, bytes: payload.byteLength });
    for (;;) {
      const log = this.log;
      if (this.closing) throw retryableError('exporter is shutting down');
      // The sender gave up and was told the data failed: storing it now would deliver it twice after its resend.
      if (ctx?.signal?.aborted) throw retryableError('the sender gave up on this request before it was queued');
      if (!log) throw retryableError('persistent queue is not started');
      // A request larger than the whole queue still goes in when the queue is empty, or it could never go.
      const used = this.sizeOf(log.usage);
      if (used === 0 || used + size <= this.cfg.queue_size) {
        const appended = log.append(payload, items);
        this.report();
        try {
          await appended;
        } catch (err) {
          this.report();
          throw this.refusing(retryableError(`persistent queue: cannot write: ${errorMessage(err)}`, { cause: err }));
        }
        this.refusing(undefined);
        return {};
      }
      const full = this.refusing(
        retryableError(`sending queue is full (${this.cfg.queue_size} ${this.cfg.sizer})`, { throttled: true }),
      );
      if (!this.cfg.block_on_overflow) throw full;
      await this.roomOrWithdrawal(ctx?.signal);
    }
  };

  /**
   * Shutdown began: consumers stop after their current attempt (no further retries) and what is queued stays on
   * disk for the next start. Appends go on until shutdown(), so what drains from the processors is kept too.
   */
  stopRetrying(): void {
    this.stop.abort();
  }

  /** Stops the consumers after their current attempt; what is queued stays on disk for the next start. */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      this.stop.abort();
      this.wakeWaiters();
      // Consumers first, so what they finish is acknowledged before the log records its read position.
      await Promise.all(this.consumers);
      await this.log?.close();
    })();
    return this.closing;
  }

  private get diskBytes(): number {
    return this.log?.diskBytes ?? 0;
  }

  private sizeOf(u: LogUsage): number {
    return this.cfg.sizer === 'requests' ? u.records : this.cfg.sizer === 'items' ? u.items : u.bytes;
  }

  private report(): void {
    if (!this.log) return;
    const records = this.log.usage.records;
    if (records === 0) this.nonEmptySince = undefined;
    else this.nonEmptySince ??= performance.now();
    this.metrics?.size.set(this.sizeOf(this.log.usage));
  }

  /** For the console: depth against capacity, disk use, how long it has not been empty. */
  inspect(): QueueView {
    const size = this.log ? this.sizeOf(this.log.usage) : 0;
    const since = this.nonEmptySince;
    return {
      kind: 'persistent',
      size,
      capacity: this.cfg.queue_size,
      sizer: this.cfg.sizer,
      disk_bytes: this.diskBytes,
      ...(since !== undefined && { oldest_age_s: (performance.now() - since) / 1000 }),
    };
  }

  /** Records whether the queue refuses new requests, telling onRefusing of changes; returns `err`. */
  private refusing<E extends Error | undefined>(err: E): E {
    if ((err === undefined) !== (this.refusal === undefined)) this.onRefusing(err);
    this.refusal = err;
    return err;
  }

  /** Resolves when a delivery made room, the queue closes, or `signal` aborts (the loop above then decides). */
  private roomOrWithdrawal(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.roomWaiters.push(done);
    });
  }

  private wakeWaiters(): void {
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const f of w) f();
  }

  private async consume(log: RecordLog, batcher: RecordBatcher): Promise<void> {
    for (;;) {
      // Records read after the stop are not acknowledged, so they are read again after the restart.
      let recs: StoredRecord[] | undefined;
      try {
        recs = await batcher.take();
      } catch (err) {
        // The disk failed a read (EIO): keep the hub up and try again; the record is still there.
        this.settings.logger.error('cannot read the persistent queue; trying again', {
          data_type: this.signal,
          error: errorMessage(err),
        });
        if (!(await sleep(this.retry.max_interval, this.stop.signal))) return;
        continue;
      }
      if (!recs || this.stop.signal.aborted) return;
      // Acknowledged only once the export carrying them is done with: a crash before that sends them again.
      if (await this.deliver(recs, batcher)) for (const rec of recs) log.ack(rec.id);
      this.report();
      if (this.refusal && this.sizeOf(log.usage) < this.cfg.queue_size) this.refusing(undefined);
      this.wakeWaiters();
    }
  }

  /** True once the records are done with (delivered or refused for good); false when shutdown interrupted it. */
  private async deliver(recs: StoredRecord[], batcher: RecordBatcher): Promise<boolean> {
    // Records with different client metadata are never merged: each run of equal metadata is sent on its own.
    let run: { key: string; metadata: ClientMetadata | undefined; data: ExportData[]; size: number } | undefined;
    const runs: NonNullable<typeof run>[] = [];
    for (const rec of recs) {
      let decoded: { data: ExportData; metadata: ClientMetadata | undefined };
      try {
        const { request, metadata } = decodeRecord(rec.payload);
        decoded = { data: receiveRequest(this.signal, request), metadata };
      } catch (err) {
        // The CRC matched, so this is not disk damage: the bytes were written by another version or a bug.
        this.drop(rec.items, `undecodable: ${errorMessage(err)}`);
        continue;
      }
      const key = metadataKey(decoded.metadata);
      if (run?.key !== key) runs.push((run = { key, metadata: decoded.metadata, data: [], size: 0 }));
      run.data.push(decoded.data);
      run.size += batcher.sizeOf(rec);
    }
    for (const r of runs) if (!(await this.deliverRun(r.data, r.size, r.metadata))) return false;
    return true;
  }

  private async deliverRun(
    decoded: ExportData[],
    size: number,
    metadata: ClientMetadata | undefined,
  ): Promise<boolean> {
    const first = decoded[0];
    if (!first) return true;
    const data = decoded.length === 1 ? first : mergeData(this.signal, decoded);
    // A single record larger than max_size goes in parts; each is done with before the next is sent.
    const { batch } = this.cfg;
    const parts = batch ? splitForBatch(batch, this.signal, data, size) : [data];
    const ctx: ConsumeContext | undefined = metadata ? { metadata } : undefined;
    for (const part of parts) if (!(await this.deliverPart(part, ctx))) return false;
    return true;
  }

  private async deliverPart(data: ExportData, ctx: ConsumeContext | undefined): Promise<boolean> {
    for (;;) {
      try {
        await this.next(data, this.signal, ctx);
        return true;
      } catch (e) {
        const err = asConsumerError(e);
        if (!err.retryable) {
          this.drop(itemCount(this.signal, data), err.message);
          return true;
        }
        if (this.stop.signal.aborted) return false;
        // The retry sender gave up; upstream was told the data is safe, so it waits here instead.
        const wait = Math.max(this.retry.max_interval, this.retry.initial_interval, err.retryAfterMs ?? 0);
        this.settings.logger.warn('queued request not delivered; it stays queued and is tried again', {
          data_type: this.signal,
          error: err.message,
          interval_ms: wait,
        });
        if (!(await sleep(wait, this.stop.signal))) return false;
      }
    }
  }

  private drop(items: number, reason: string): void {
    this.settings.telemetry.inspector.drops.record(`exporter:${this.settings.id}`, 'permanent', items, {
      detail: reason,
    });
    this.metrics?.dropped.inc();
    this.metrics?.droppedItems.inc(items);
    this.settings.logger.warn('dropped a queued request the destination refused for good', {
      data_type: this.signal,
      items,
      error: reason,
    });
  }
}
