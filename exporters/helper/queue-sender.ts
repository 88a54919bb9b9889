// A bounded in-memory queue of requests in front of the retry sender, worked off by `num_consumers` senders at once.
//
// It is not durable: a request in it would be lost if the process stopped. So it does not acknowledge early:
// a request's promise settles only when the request was actually exported (or failed). What the queue gives is a
// bound on concurrent sends and on the requests waiting for one; a full queue refuses at once, retryably and
// marked throttled, so the sender upstream keeps the data and slows down. A persistent queue could instead
// acknowledge on enqueue, since the data would then survive a restart.
import type { QueueConfig } from '../../config/blocks/index.ts';
import { retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { GaugeHandle, Telemetry } from '../../core/telemetry.ts';
import type { ExportData, Send, SendResult } from './send.ts';

interface Request {
  data: ExportData;
  signal: PipelineType;
  resolve(r: SendResult): void;
  reject(err: unknown): void;
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

  readonly send: Send = (data: ExportData, signal: PipelineType): Promise<SendResult> => {
    // Reported from the first request on, so a signal no pipeline sends to this exporter shows no queue.
    this.gauges?.capacity.set(this.cfg.queue_size);
    if (this.closed) return Promise.reject(retryableError('exporter is shutting down'));
    // Free senders take the request at once, so a queue of size 0 still lets num_consumers requests through.
    if (this.active >= this.cfg.num_consumers && this.waiting.length >= this.cfg.queue_size) {
      return Promise.reject(
        retryableError(`sending queue is full (${this.cfg.queue_size} requests)`, { throttled: true }),
      );
    }
    return new Promise<SendResult>((resolve, reject) => {
      this.waiting.push({ data, signal, resolve, reject });
      this.pump();
    });
  };

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
      this.active++;
      void this.run(r);
    }
    this.gauges?.size.set(this.waiting.length);
  }

  private async run(r: Request): Promise<void> {
    try {
      r.resolve(await this.next(r.data, r.signal));
    } catch (err) {
      r.reject(err);
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
