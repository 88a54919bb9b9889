// `sending_queue.batch` in front of the in-memory queue: requests of one signal are merged into one export until it
// holds `min_size` (sent at once) or `flush_timeout` passed since its first part; `max_size` bounds an export, and a
// request larger than that is split into parts of at most max_size first. The in-memory queue is not durable, so
// nothing is acknowledged early: each sender is answered once every part of its request was exported, with the
// outcome of the export(s) that carried its data (a failure fails every request in that export; a request whose
// other part went in another export that succeeded is still failed, retryably or not as that export's error says).
// A sender that gives up (its ctx.signal aborts) before its data went out is withdrawn from the pending batch; an
// export carries the merged deadline of its senders (the latest, see core/deadline.ts) and is withdrawn only when
// all of them gave up. A `flush` hint (upstream is waiting on what it sent) sends the pending batch at once, and so
// does a synchronous client's request (`sync`) while no export is under way.
import type { QueueBatchConfig } from '../../config/blocks/index.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { mergedDeadline } from '../../core/deadline.ts';
import { retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import { mergeData, splitData } from '../../core/pdata/split.ts';
import { encodeRequest } from '../../otlp/index.ts';
import type { ExportData, Send, SendResult } from './send.ts';

/** One request as its sender sent it: answered when all of its parts settled. */
interface Req {
  left: number;
  settled: boolean;
  results: SendResult[];
  ctx: ConsumeContext | undefined;
  resolve(r: SendResult): void;
  reject(err: unknown): void;
  detach(): void;
}

/** A piece of a request waiting in the pending batch. */
interface Part {
  data: ExportData;
  size: number;
  req: Req;
}

/** The size of `data` in the batch sizer's unit: items, or the bytes of its OTLP protobuf encoding. */
export function batchSize(cfg: Pick<QueueBatchConfig, 'sizer'>, signal: PipelineType, data: ExportData): number {
  return cfg.sizer === 'items' ? itemCount(signal, data) : encodeRequest(signal, data).byteLength;
}

/** Splits `data` into parts of at most `max` in the sizer's unit (bytes: by items, in proportion). */
export function splitForBatch(
  cfg: Pick<QueueBatchConfig, 'sizer' | 'max_size'>,
  signal: PipelineType,
  data: ExportData,
  size: number,
): ExportData[] {
  if (cfg.max_size <= 0 || size <= cfg.max_size) return [data];
  const items = itemCount(signal, data);
  if (items < 2) return [data];
  const perPart = cfg.sizer === 'items' ? cfg.max_size : Math.max(1, Math.floor((items * cfg.max_size) / size));
  return splitData(signal, data, perPart);
}

export class BatchSender {
  private pending: Part[] = [];
  private pendingSize = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly cfg: QueueBatchConfig,
    private readonly signal: PipelineType,
    private readonly next: Send,
  ) {}

  readonly send: Send = (data: ExportData, _signal: PipelineType, ctx?: ConsumeContext): Promise<SendResult> => {
    if (this.closed) return Promise.reject(retryableError('exporter is shutting down'));
    if (ctx?.signal?.aborted) return Promise.reject(retryableError('the sender gave up on this request'));
    const size = batchSize(this.cfg, this.signal, data);
    const pieces = splitForBatch(this.cfg, this.signal, data, size);
    return new Promise<SendResult>((resolve, reject) => {
      const req: Req = { left: pieces.length, settled: false, results: [], ctx, resolve, reject, detach: () => {} };
      const abort = ctx?.signal;
      if (abort) {
        const onAbort = (): void => this.withdraw(req);
        abort.addEventListener('abort', onAbort, { once: true });
        req.detach = () => abort.removeEventListener('abort', onAbort);
      }
      for (const p of pieces) {
        const s = pieces.length === 1 ? size : batchSize(this.cfg, this.signal, p);
        this.add({ data: p, size: s, req });
      }
      // A flush hint, or a synchronous client while no export is under way (nothing else would fill the batch
      // before its answer, so the timer would only add to it: the batch processor's idle flush).
      if (ctx?.flush || (ctx?.sync && this.inFlight.size === 0)) this.flushAll();
      else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flushAll(), this.cfg.flush_timeout);
    });
  };

  /** Sends what is pending, takes nothing new, and resolves once every export settled. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.flushAll();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private add(p: Part): void {
    // The part would push the batch over max_size: what is pending goes first.
    if (this.cfg.max_size > 0 && this.pending.length > 0 && this.pendingSize + p.size > this.cfg.max_size) this.flush();
    this.pending.push(p);
    this.pendingSize += p.size;
    if (this.pendingSize >= this.cfg.min_size) this.flush();
  }

  private flushAll(): void {
    if (this.pending.length > 0) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const parts = this.pending;
    this.pending = [];
    this.pendingSize = 0;
    const reqs = [...new Set(parts.map((p) => p.req))];
    const data =
      parts.length === 1 && parts[0]
        ? parts[0].data
        : mergeData(
            this.signal,
            parts.map((p) => p.data),
          );
    const ctxs = reqs.map((r) => r.ctx ?? {});
    const run = this.export(data, mergedDeadline(ctxs), parts);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      // Synchronous clients waiting in the batch: nothing else is being sent, so send them now.
      if (this.inFlight.size === 0 && this.pending.some((p) => p.req.ctx?.sync)) this.flushAll();
    });
  }

  private async export(data: ExportData, ctx: ConsumeContext, parts: Part[]): Promise<void> {
    try {
      const r = await this.next(data, this.signal, ctx);
      for (const p of parts) this.partDone(p.req, r);
    } catch (err) {
      for (const p of parts) this.fail(p.req, err);
    }
  }

  private partDone(req: Req, r: SendResult): void {
    req.results.push(r);
    if (--req.left > 0 || req.settled) return;
    req.settled = true;
    req.detach();
    // A partial success is the export's, which may have carried other requests' data too: it is reported once per
    // export by the partial-success reporter below; the sender gets the first one seen for its parts.
    req.resolve(req.results.find((x) => x.partialSuccess) ?? {});
  }

  private fail(req: Req, err: unknown): void {
    if (req.settled) return;
    req.settled = true;
    req.detach();
    req.reject(err);
  }

  /** The sender gave up: its parts still pending leave the batch (parts already exported cannot be called back). */
  private withdraw(req: Req): void {
    const kept = this.pending.filter((p) => p.req !== req);
    if (kept.length === this.pending.length) return;
    this.pending = kept;
    this.pendingSize = kept.reduce((n, p) => n + p.size, 0);
    if (kept.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.fail(req, retryableError('the sender gave up on this request before it was sent'));
  }
}
