// The exporters' upper bound in encoded bytes per request. A stock Collector's OTLP/gRPC receiver refuses messages
// over 4 MiB (max_recv_msg_size_mib), counted on the uncompressed protobuf; its HTTP receiver takes 20 MiB. The
// batch processor bounds requests in items only (knowing the bytes would mean encoding there too), so the exporter
// checks the bytes where it encodes anyway: a request over the bound is not sent but split, by the split sender,
// into halves encoded again. A single item over the bound is sent as it is: the bound is ours, the destination may
// take it, and if it does not, the item is dropped as too large. Items of one source are much alike in size, so a
// request that the last request's bytes per item put over the bound is split before it is encoded at all: a full
// batch of 8192 MQTT spans (about 5 MB) was encoded whole only to be thrown away, a third of the exporter's work.
import { refusedError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import type { ExportData } from './send.ts';

/** 4 MiB: a stock Collector's gRPC limit (grpc-go refuses only what is larger). */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Throws a too_large refusal for a request of several items encoded in more than `max` bytes (`max` 0: no bound);
 * `bytes` is the encoded request before compression, which is what receivers' limits count.
 */
export function checkRequestSize(signal: PipelineType, data: ExportData, bytes: number, max: number): void {
  if (max <= 0 || bytes <= max || itemCount(signal, data) < 2) return;
  throw refusedError(`request of ${bytes} bytes is over max_request_bytes (${max}): sending it in halves`, 'too_large');
}

/**
 * `max_request_bytes` for one exporter, learning from what it encoded: `beforeEncoding` refuses, as too large, a
 * request of several items that the bytes per item of the last request of its signal put over the bound, so the
 * split sender halves it without encoding it first, and otherwise says how large the encoding should be (the
 * encoder's buffer is allocated once, at that size); `afterEncoding` checks the real size as checkRequestSize does.
 * An estimate that is too high (the last request's items were larger) costs a split that was not needed, at most
 * one per halving until a part small enough is encoded and corrects it; one that is too low costs what it cost
 * before, an encoding that is refused afterwards.
 */
export class RequestSizeBound {
  private readonly bytesPerItem: Record<PipelineType, number> = { traces: 0, metrics: 0, logs: 0 };

  constructor(private readonly max: number) {}

  /** The request's expected size in bytes (0 before anything was encoded), a little over the estimate. */
  beforeEncoding(signal: PipelineType, data: ExportData): number {
    const n = itemCount(signal, data);
    const estimate = Math.round(n * this.bytesPerItem[signal]);
    if (this.max <= 0 || n < 2 || estimate <= this.max) return estimate + (estimate >> 4);
    throw refusedError(
      `request of ${n} items, about ${estimate} bytes at the last request's size per item, is over max_request_bytes (${this.max}): sending it in halves`,
      'too_large',
    );
  }

  afterEncoding(signal: PipelineType, data: ExportData, bytes: number): void {
    const n = itemCount(signal, data);
    if (n > 0) this.bytesPerItem[signal] = bytes / n;
    checkRequestSize(signal, data, bytes, this.max);
  }
}
