// A bounded in-memory queue of requests in front of the retry sender, worked off by `num_consumers` senders at once.
//
// It is not durable: a request in it would be lost if the process stopped. So it does not acknowledge early:
// a request's promise settles only when the request was actually exported (or failed). What the queue gives is a
// bound on concurrent sends and on the requests waiting for one; a full queue refuses at once, retryably and
// marked throttled, so the sender upstream keeps the data and slows down. A persistent queue could instead
// acknowledge on enqueue, since the data would then survive a restart.
//
// A request whose sender gave up (its consume context's signal aborted) leaves the queue at once, so abandoned
// requests do not hold slots. Once the hub begins shutting down (stopRetrying), the first failed send fails every
// request still waiting, retryably: the destination is failing, and their senders keep the data.
import type { QueueConfig } from '../../config/blocks/index.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { errorMessage, retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { GaugeHandle, Telemetry } from '../../core/telemetry.ts';
import type { ExportData, Send, SendResult } from './send.ts';

interface Request {
  data: ExportData;
  signal: PipelineType;
  ctx: ConsumeContext | undefined;
  resolve(r: SendResult): void;
  reject(err: unknown): void;
  /** Removes the withdrawal listener once the request leaves the queue. */
  detach(): void;
  /** When it was queued (performance.now()), for the oldest request's age. */
  at: number;
}

/** One sending queue as the console shows it (core/inspect.ts, section `queues`). */
export interface QueueView {
  kind: 'memory' | 'persistent';
  size: number;
  capacity: number;
  sizer: string;
  /** Requests handed to a sender and not settled. */
  sending?: number;
  disk_bytes?: number;
  /** Seconds the oldest request has waited (persistent queue: since the queue was last empty, an upper bound). */
  oldest_age_s?: number;
}

export interface QueueGauges {
  size: GaugeHandle;
  capacity: GaugeHandle;
}

/** The Collector's queue gauges, labelled with the exporter ID and the signal. */
export function queueGauges(telemetry: Telemetry, exporter: string, signal: PipelineType): QueueGauges {
  const labelNames = ['exporter', 'data_type'];
  const labels = { exporter, data_type: signal };
  return {
    size: telemetry.bindGauge(
      telemetry.gauge({
        name: 'otelcol_exporter_queue_size',
        help: 'Current number of requests waiting in the sending queue.',
        labelNames,
      }),
      labels,
    ),
    capacity: telemetry.bindGauge(
      telemetry.gauge({
        name: 'otelcol_exporter_queue_capacity',
        help: 'Fixed capacity of the sending queue, in requests.',
        labelNames,
      }),
      labels,
    ),
  };
}

export class QueueSender {
  private readonly waiting: Request[] = [];
  private active = 0;
  private closed = false;
  private failFast = false;
  private drained: Promise<void> | undefined;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly cfg: Pick<QueueConfig, 'num_consumers' | 'queue_size'>,
    private readonly next: Send,
    private readonly gauges?: QueueGauges,
  ) {}

  /** Requests waiting for a sender (those being sent are not counted). */
  get size(): number {
    return this.waiting.length;
  }

  /** For the console: depth against capacity, requests being sent, and how long the oldest has waited. */
  inspect(): QueueView {
    const oldest = this.waiting[0];
    return {
      kind: 'memory',
      size: this.waiting.length,
      capacity: this.cfg.queue_size,
      sizer: 'requests',
      sending: this.active,
      ...(oldest && { oldest_age_s: (performance.now() - oldest.at) / 1000 }),
    };
  }

  readonly send: Send = (data: ExportData, signal: PipelineType, ctx?: ConsumeContext): Promise<SendResult> => {
    // Reported from the first request on, so a signal no pipeline sends to this exporter shows no queue.
    this.gauges?.capacity.set(this.cfg.queue_size);
    if (this.closed) return Promise.reject(retryableError('exporter is shutting down'));
    // Free senders take the request at once, so a queue of size 0 still lets num_consumers requests through.
    if (this.active >= this.cfg.num_consumers && this.waiting.length >= this.cfg.queue_size) {
      return Promise.reject(
        retryableError(`sending queue is full (${this.cfg.queue_size} requests)`, { throttled: true }),
      );
    }
    if (ctx?.signal?.aborted) return Promise.reject(retryableError('the sender gave up on this request'));
    return new Promise<SendResult>((resolve, reject) => {
      const r: Request = { data, signal, ctx, resolve, reject, detach: () => {}, at: performance.now() };
      const abort = ctx?.signal;
      if (abort) {
        const onAbort = (): void => this.withdraw(r);
        abort.addEventListener('abort', onAbort, { once: true });
        r.detach = () => abort.removeEventListener('abort', onAbort);
      }
      this.waiting.push(r);
      this.pump();
    });
  };

  /** Shutdown began: a failed send now means the destination is down, so what waits behind it goes back. */
  stopRetrying(): void {
    this.failFast = true;
  }

  private withdraw(r: Request): void {
    const i = this.waiting.indexOf(r);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    this.gauges?.size.set(this.waiting.length);
    r.reject(retryableError('the sender gave up on this request before it was sent'));
    this.checkIdle();
  }

  private failWaiting(cause: unknown): void {
    const rest = this.waiting.splice(0);
    this.gauges?.size.set(0);
    for (const r of rest) {
      r.detach();
      r.reject(retryableError(`exporter is shutting down and the destination is failing: ${errorMessage(cause)}`));
    }
  }

  /** Takes no new requests and resolves once every queued one was sent and settled. Safe to call again. */
  shutdown(): Promise<void> {
    this.closed = true;
    this.drained ??= new Promise<void>((resolve) => {
      this.onIdle = resolve;
      this.checkIdle();
    });
    return this.drained;
  }

  private pump(): void {
    while (this.active < this.cfg.num_consumers) {
      const r = this.waiting.shift();
      if (!r) break;
      r.detach();
      this.active++;
      void this.run(r);
    }
    this.gauges?.size.set(this.waiting.length);
  }

  private async run(r: Request): Promise<void> {
    try {
      r.resolve(await this.next(r.data, r.signal, r.ctx));
    } catch (err) {
      r.reject(err);
      if (this.failFast) this.failWaiting(err);
    } finally {
      this.active--;
      this.pump();
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.closed && this.active === 0 && this.waiting.length === 0) this.onIdle?.();
  }
}
