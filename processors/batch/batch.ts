// Groups what senders contribute into batches, like the Collector's batch processor, except that a sender's
// promise settles only when everything it contributed has been exported: a failed export fails every contribution
// to it back to its sender instead of being logged and dropped. A contribution whose sender gave up (its consume
// context's signal aborted) while it is still pending is withdrawn: taken out of the batch, never sent.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { NO_CONTEXT } from '../../core/consumer.ts';
import { mergedDeadline } from '../../core/deadline.ts';
import { errorMessage, isPermanent, retryableError } from '../../core/errors.ts';
import type { PipelineType, SignalData, SignalDataMap } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import { mergeData, splitData } from '../../core/pdata/split.ts';
import type { DataPart } from '../../core/resend.ts';
import { cutParts, keyedParts } from '../../core/resend.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { BatchConfig } from './config.ts';
import { maxBatchSize } from './config.ts';

type Trigger = 'size' | 'timeout' | 'flush' | 'idle';

/** The Collector's buckets, so dashboards built for it read the same. */
export const SEND_SIZE_BUCKETS: readonly number[] = [
  10, 25, 50, 75, 100, 250, 500, 750, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 20000, 30000, 50000,
  100000,
];

export type BatchMetrics = ReturnType<typeof batchMetrics>;

export function batchMetrics(telemetry: Telemetry, id: string) {
  const labels = { processor: id };
  const labelNames = ['processor'];
  const sendSize = telemetry.histogram({
    name: 'otelcol_processor_batch_batch_send_size',
    help: 'Number of units in the batch',
    labelNames,
    // The Collector records this histogram from level normal up, its trigger counters from basic.
    level: 'normal',
    buckets: [...SEND_SIZE_BUCKETS],
  });
  const triggers: Record<Trigger, ReturnType<Telemetry['counter']>> = {
    size: telemetry.counter({
      name: 'otelcol_processor_batch_batch_size_trigger_send_total',
      help: 'Number of times the batch was sent due to a size trigger',
      labelNames,
    }),
    timeout: telemetry.counter({
      name: 'otelcol_processor_batch_timeout_trigger_send_total',
      help: 'Number of times the batch was sent due to a timeout trigger',
      labelNames,
    }),
    flush: telemetry.counter({
      name: 'otelhub_processor_batch_flush_trigger_send_total',
      help: 'Number of times the batch was sent due to a flush hint or shutdown',
      labelNames,
    }),
    idle: telemetry.counter({
      name: 'otelhub_processor_batch_idle_trigger_send_total',
      help: 'Number of times the batch was sent at once for a waiting client because no export was in flight',
      labelNames,
    }),
  };
  const withdrawn = telemetry.counter({
    name: 'otelhub_processor_batch_withdrawn_items_total',
    help: 'Items taken out of the batch before being sent because their sender gave up (deadline, disconnect)',
    labelNames,
  });
  const bound = {
    size: telemetry.bindCounter(triggers.size, labels),
    timeout: telemetry.bindCounter(triggers.timeout, labels),
    flush: telemetry.bindCounter(triggers.flush, labels),
    idle: telemetry.bindCounter(triggers.idle, labels),
  };
  const withdrawnItems = telemetry.bindCounter(withdrawn, labels);
  const sizes = sendSize.labels(labels);
  return {
    sent(trigger: Trigger, items: number): void {
      bound[trigger].inc();
      sizes.observe(items);
    },
    withdrawn(items: number): void {
      withdrawnItems.inc(items);
    },
  };
}

interface Contribution {
  data: SignalData;
  /** Which of its items its sender retries under which key (core/resend.ts); undefined: none. */
  parts: readonly DataPart[] | undefined;
  items: number;
  ctx: ConsumeContext;
  resolve(): void;
  reject(err: unknown): void;
  /** Removes the withdrawal listener once the contribution is sent (or withdrawn). */
  detach(): void;
}

const FLUSH_CONTEXT: ConsumeContext = Object.freeze({ flush: true });

/** What the batches of one processor share when it keeps one per client metadata (metadata-batcher.ts). */
export interface ShardOptions {
  metrics: BatchMetrics;
  /** Called when nothing is pending nor in flight any more. */
  onIdle(): void;
}

export class BatchProcessor implements Processor {
  readonly mutatesData = false;
  private readonly signal: PipelineType;
  private readonly metrics: ReturnType<typeof batchMetrics>;
  private pending: Contribution[] = [];
  private pendingItems = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Exports handed downstream and not yet settled. */
  private exporting = 0;
  /** A pending contribution's client is waiting (ctx.sync): send as soon as no export is in flight. */
  private pendingSync = false;
  /** One entry per send still in flight; each settles after its contributions have been settled. */
  private readonly inflight = new Set<Promise<void>>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly settings: ProcessorCreateSettings,
    private readonly config: BatchConfig,
    private readonly next: Consumer,
    private readonly shard?: ShardOptions,
  ) {
    this.signal = settings.pipelineType;
    this.metrics = shard?.metrics ?? batchMetrics(settings.telemetry, settings.id);
  }

  /** Nothing pending nor in flight. */
  get idle(): boolean {
    return this.pending.length === 0 && this.inflight.size === 0;
  }

  private checkIdle(): void {
    if (this.idle) this.shard?.onIdle();
  }

  consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    if (this.stopping) return Promise.reject(retryableError(`${this.settings.id} is shut down`));
    let items: number;
    try {
      items = itemCount(this.signal, data);
    } catch (err) {
      return Promise.reject(err);
    }
    // A flush hint with nothing in it still releases what is pending: the sender may be waiting on that.
    if (items === 0) {
      if (ctx?.flush && this.pending.length > 0) this.send('flush');
      return Promise.resolve();
    }
    if (ctx?.signal?.aborted) return Promise.reject(withdrawnError(ctx.signal));
    const parts = keyedParts(ctx, items);
    const settled = new Promise<void>((resolve, reject) => {
      this.pending.push(this.contribution(data, parts, items, ctx ?? NO_CONTEXT, resolve, reject));
    });
    this.pendingItems += items;
    if (ctx?.sync) this.pendingSync = true;
    const { send_batch_size: size, timeout } = this.config;
    if (ctx?.flush) this.send('flush');
    // As in the Collector, a send without a timer counts as size-triggered.
    else if (timeout === 0 || (size > 0 && this.pendingItems >= size)) this.send('size');
    // A waiting client with nothing else in flight: holding its data for the timer would only add the timer to
    // its answer. While exports are in flight, contributions gather until they settle (group commit), so batches
    // still grow with load.
    else if (this.pendingSync && this.exporting === 0) this.send('idle');
    else this.timer ??= setTimeout(() => this.send('timeout'), timeout);
    return settled;
  }

  private contribution(
    data: SignalData,
    parts: readonly DataPart[] | undefined,
    items: number,
    ctx: ConsumeContext,
    resolve: () => void,
    reject: (err: unknown) => void,
  ): Contribution {
    const signal = ctx.signal;
    const c: Contribution = { data, parts, items, ctx, resolve, reject, detach: () => {} };
    if (signal) {
      const onAbort = (): void => this.withdraw(c, signal);
      signal.addEventListener('abort', onAbort, { once: true });
      c.detach = () => signal.removeEventListener('abort', onAbort);
    }
    return c;
  }

  /** The sender gave up on a contribution still pending: it leaves the batch and is never sent. */
  private withdraw(c: Contribution, signal: AbortSignal): void {
    const i = this.pending.indexOf(c);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.pendingItems -= c.items;
    this.pendingSync = this.pending.some((p) => p.ctx.sync);
    if (this.pending.length === 0) this.clearTimer();
    this.metrics.withdrawn(c.items);
    c.reject(withdrawnError(signal));
    this.checkIdle();
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    // Nothing follows, so whoever holds the data downstream should send it rather than wait for more.
    if (this.pending.length > 0) this.send('flush');
    this.clearTimer();
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends everything pending, in pieces of at most send_batch_max_size items. */
  private send(trigger: Trigger): void {
    this.clearTimer();
    const batch = this.pending;
    this.pending = [];
    this.pendingItems = 0;
    this.pendingSync = false;
    if (batch.length === 0) return;
    for (const c of batch) c.detach();

    let counts: number[];
    let pieces: SignalData[];
    let total = 0;
    let max = 1;
    try {
      // Counted again rather than remembered, so the pieces are mapped back to contributions by the same count
      // that split them.
      counts = batch.map((c) => itemCount(this.signal, c.data));
      for (const n of counts) total += n;
      const limit = maxBatchSize(this.config);
      max = limit > 0 ? limit : Math.max(total, 1);
      const merged = mergeData(this.signal, batch.map((c) => c.data) as SignalDataMap[PipelineType][]);
      pieces = splitData(this.signal, merged, max);
    } catch (err) {
      for (const c of batch) c.reject(err);
      this.checkIdle();
      return;
    }
    // A fan-out downstream sends a retried contribution only to the exporters that have not accepted it yet, and
    // needs to know which items of a piece that is: the pieces say which contribution's key each run of items has.
    const parts = batch.some((c) => c.parts)
      ? cutParts(
          batch.map((c, i) => c.parts ?? [{ items: counts[i] ?? 0 }]),
          pieces.map((piece) => itemCount(this.signal, piece)),
        )
      : undefined;
    // Splitting keeps order and fills every piece but the last, so piece i holds items [i*max, (i+1)*max) of the
    // contributions laid end to end: each contribution waits for exactly the pieces that carry its items, and a
    // piece is abandoned (its retries stop) only when every contribution it carries was given up on.
    const carried: ConsumeContext[][] = pieces.map(() => []);
    const ranges: [number, number][] = [];
    let start = 0;
    batch.forEach((c, i) => {
      const n = counts[i] ?? 0;
      const range: [number, number] = [Math.floor(start / max), Math.floor((start + n - 1) / max) + 1];
      for (let p = range[0]; p < range[1]; p++) carried[p]?.push(c.ctx);
      ranges.push(range);
      start += n;
    });
    const exports = pieces.map((piece, i) => {
      this.metrics.sent(trigger, Math.min(max, total - i * max));
      const p = parts?.[i];
      const from = carried[i] ?? [];
      // Anything further down that holds data back should know a client waits for this piece.
      const ctx: ConsumeContext = {
        ...(trigger === 'flush' ? FLUSH_CONTEXT : NO_CONTEXT),
        ...(from.some((c) => c.sync) ? { sync: true } : {}),
        ...mergedDeadline(from),
        ...(p ? { parts: p } : {}),
      };
      return this.export(piece, ctx);
    });
    const settled = batch.map((c, i) => {
      const [from, to] = ranges[i] ?? [0, 0];
      return Promise.allSettled(exports.slice(from, to)).then((results) => settle(c, results));
    });
    const done: Promise<void> = Promise.allSettled([...exports, ...settled]).then(() => {
      this.inflight.delete(done);
      this.checkIdle();
    });
    this.inflight.add(done);
  }

  private async export(piece: SignalData, ctx: ConsumeContext): Promise<void> {
    this.exporting++;
    try {
      await this.next.consume(piece, ctx);
    } catch (err) {
      this.settings.logger.debug('batch export failed', { error: errorMessage(err), permanent: isPermanent(err) });
      throw err;
    } finally {
      this.exporting--;
      // Group commit: what gathered for waiting clients while exports were in flight goes now, not at the timer.
      if (this.exporting === 0 && this.pendingSync && !this.stopping) this.send('idle');
    }
  }
}

function withdrawnError(signal: AbortSignal): Error {
  return retryableError(
    `withdrawn from the batch before it was sent: ${errorMessage(signal.reason ?? 'sender gave up')}`,
  );
}

function settle(c: Contribution, results: readonly PromiseSettledResult<void>[]): void {
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length === 0) c.resolve();
  // Retryable wins, so the sender keeps data that some piece could not deliver for a passing reason.
  else c.reject(failures.find((e) => !isPermanent(e)) ?? failures[0]);
}
