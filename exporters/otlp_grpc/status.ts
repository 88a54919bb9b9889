// What a gRPC status means for the request. As the OTLP spec says: UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED,
// ABORTED, OUT_OF_RANGE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED too when the server attached a
// google.rpc.RetryInfo (it can recover), and then as throttling. Unlike the spec (and the Collector):
// UNAUTHENTICATED and PERMISSION_DENIED are retryable, since credentials rotate; RESOURCE_EXHAUSTED without RetryInfo
// (grpc-js and grpc-go say "received message larger than max") means split the request; INVALID_ARGUMENT, INTERNAL
// and UNKNOWN mean find the items refused on their own (see exporters/helper/README.md). Anything else is permanent.
// A RetryInfo delay is honoured.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import type { ConsumerError, Refusal } from '../../core/errors.ts';
import { permanentError, refusedError, retryableError } from '../../core/errors.ts';
import { decodeRpcStatus, retryInfoDelayMs } from '../helper/rpc-status.ts';

export const RETRYABLE_CODES: ReadonlySet<GrpcStatus> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.DATA_LOSS,
]);

export const AUTH_CODES: ReadonlySet<GrpcStatus> = new Set([GrpcStatus.UNAUTHENTICATED, GrpcStatus.PERMISSION_DENIED]);

/** Codes after which part of the request may still get through (RESOURCE_EXHAUSTED only without RetryInfo). */
export const REFUSAL_CODES: ReadonlyMap<GrpcStatus, Refusal> = new Map([
  [GrpcStatus.RESOURCE_EXHAUSTED, 'too_large'],
  [GrpcStatus.INVALID_ARGUMENT, 'refused'],
  [GrpcStatus.INTERNAL, 'refused'],
  [GrpcStatus.UNKNOWN, 'refused'],
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
  if (AUTH_CODES.has(code)) return retryableError(message, { retryAfterMs, auth: true });
  const refusal = REFUSAL_CODES.get(code);
  return refusal ? refusedError(message, refusal, err) : permanentError(message, err);
}
