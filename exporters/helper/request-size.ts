// The exporters' upper bound in encoded bytes per request. A stock Collector's OTLP/gRPC receiver refuses messages
// over 4 MiB (max_recv_msg_size_mib), counted on the uncompressed protobuf; its HTTP receiver takes 20 MiB. The
// batch processor bounds requests in items only (knowing the bytes would mean encoding there too), so the exporter
// checks the bytes where it encodes anyway: a request over the bound is not sent but split, by the split sender,
// into halves encoded again. A single item over the bound is sent as it is: the bound is ours, the destination may
// take it, and if it does not, the item is dropped as too large.
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
