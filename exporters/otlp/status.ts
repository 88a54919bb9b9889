// What a gRPC status means for the request, per the OTLP spec: UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED,
// OUT_OF_RANGE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED only when the server attached a google.rpc.RetryInfo
// (it can recover), and then as throttling; anything else is permanent. A RetryInfo delay is honoured.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import type { ConsumerError } from '../../core/errors.ts';
import { permanentError, retryableError } from '../../core/errors.ts';
import { decodeRpcStatus, retryInfoDelayMs } from '../helper/rpc-status.ts';

export const RETRYABLE_CODES: ReadonlySet<GrpcStatus> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.DATA_LOSS,
]);

const MAX_DETAIL = 256;

export interface GrpcFailure {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

/** The RetryInfo delay in `grpc-status-details-bin`, or undefined when there is none (or it does not decode). */
export function retryDelayOf(metadata: Metadata | undefined): number | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (raw === undefined || typeof raw === 'string') return undefined;
  try {
    return retryInfoDelayMs(decodeRpcStatus(raw));
  } catch {
    return undefined;
  }
}

export function grpcFailure(target: string, err: GrpcFailure): ConsumerError {
  const code: GrpcStatus = err.code ?? GrpcStatus.UNKNOWN;
  const name = GrpcStatus[code] ?? `code ${code}`;
  const detail = (err.details ?? err.message ?? '').replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
  const message = `export to ${target} failed: ${name}${detail ? `: ${detail}` : ''}`;
  const delay = retryDelayOf(err.metadata);
  const retryAfterMs = delay !== undefined && delay > 0 ? delay : undefined;
  if (RETRYABLE_CODES.has(code)) return retryableError(message, { retryAfterMs });
  if (code === GrpcStatus.RESOURCE_EXHAUSTED && delay !== undefined)
    return retryableError(message, { retryAfterMs, throttled: true });
  return permanentError(message, err);
}
