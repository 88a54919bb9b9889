// How a failed export is answered, per the OTLP spec: one decision per failure, rendered as an HTTP status or a
// gRPC code. Clients retry 429, 502, 503, 504 and UNAVAILABLE; RESOURCE_EXHAUSTED only when it carries a
// google.rpc.RetryInfo, so throttling always sends one (with a delay when the pipeline named one).
import protobuf from 'protobufjs/minimal.js';
import type { Writer } from 'protobufjs/minimal.js';
import { AuthError } from '../../core/auth.ts';
import { ConsumerError, errorMessage } from '../../core/errors.ts';
import { OtlpDecodeError } from '../../otlp/index.ts';

/**
 * gRPC status codes (grpc-js's `status` enum has the same values): defined here so that a receiver serving only
 * OTLP/HTTP never loads grpc-js, which with its dependencies is over a hundred modules and a few MiB of heap.
 */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcStatus = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/**
 * What a failure was, for the log and the counters: `client` the request itself was wrong (its message says how),
 * `auth` its credentials were refused, `unavailable` the pipeline could not take it now, `permanent` the pipeline
 * refused it for good, `aborted` the client went away before its answer, `internal` a bug here.
 */
export type FailureKind = 'client' | 'auth' | 'unavailable' | 'permanent' | 'aborted' | 'internal';

/** Why credentials were refused: none presented, wrong ones, or the authenticator itself failed. */
export type AuthRefusalReason = 'missing' | 'invalid' | 'error';

export interface FailureInfo {
  kind?: FailureKind;
  /** For the log only, never sent: what went wrong inside the hub (an exporter's error, with its destination). */
  detail?: string;
  authReason?: AuthRefusalReason;
}

export class RequestFailure extends Error {
  readonly kind: FailureKind;
  readonly detail: string | undefined;
  readonly authReason: AuthRefusalReason | undefined;

  constructor(
    readonly httpStatus: number,
    readonly grpcCode: GrpcStatus,
    /** Sent to the client: never anything from inside the hub. */
    message: string,
    /** Sent as Retry-After (HTTP) and RetryInfo.retry_delay (gRPC). */
    readonly retryAfterMs?: number,
    /** gRPC: attach a RetryInfo even without a delay, so RESOURCE_EXHAUSTED reads as retryable. */
    readonly retryInfo = retryAfterMs !== undefined,
    info: FailureInfo = {},
  ) {
    super(message);
    this.name = 'RequestFailure';
    this.kind = info.kind ?? 'client';
    this.detail = info.detail;
    this.authReason = info.authReason;
  }
}

// What clients are told when the pipeline fails: the pipeline's own error names exporters, destinations and their
// answers, which are the operator's business, not an untrusted client's. The detail is logged.
export const UNAVAILABLE_TEXT = 'the hub cannot take the data now; retry later';
export const THROTTLED_TEXT = 'the hub is busy; retry later';
export const PERMANENT_TEXT = 'the hub refused the data; it cannot be delivered (the hub logs why)';
export const INTERNAL_TEXT = 'internal error (the hub logs why)';
export const ABORTED_TEXT = 'the client closed the request before its answer';

export const badRequest = (message: string): RequestFailure =>
  new RequestFailure(400, GrpcStatus.INVALID_ARGUMENT, message);

export const tooLarge = (limit: number): RequestFailure =>
  new RequestFailure(413, GrpcStatus.RESOURCE_EXHAUSTED, `request body larger than the limit of ${limit} bytes`);

// The authenticator's reason is not echoed: a custom authenticator might quote what it was given.
export const unauthenticated = (authReason: AuthRefusalReason = 'invalid'): RequestFailure =>
  new RequestFailure(401, GrpcStatus.UNAUTHENTICATED, 'authentication failed', undefined, false, {
    kind: 'auth',
    authReason,
  });

/**
 * A failure from authenticate(): whatever it threw, the request is not let in. An AuthError says whether
 * credentials were missing or wrong; anything else is the authenticator failing (a token file not read).
 */
export function authFailure(err: unknown): RequestFailure {
  if (err instanceof RequestFailure) return err;
  if (err instanceof AuthError) return unauthenticated(err.reason);
  const f = unauthenticated('error');
  return new RequestFailure(f.httpStatus, f.grpcCode, f.message, undefined, false, {
    kind: 'auth',
    authReason: 'error',
    detail: errorMessage(err),
  });
}

/** The client went away (closed the connection, cancelled the call) before its answer. */
export function abortedFailure(detail?: string): RequestFailure {
  return new RequestFailure(499, GrpcStatus.CANCELLED, ABORTED_TEXT, undefined, false, { kind: 'aborted', detail });
}

/** A failure while decoding: a malformed payload whatever the codec threw. */
export function decodeFailure(err: unknown): RequestFailure {
  if (err instanceof RequestFailure) return err;
  const detail = err instanceof OtlpDecodeError ? err.message : `cannot decode request: ${errorMessage(err)}`;
  return badRequest(detail);
}

/** The answer to an error settling consume(), per the settlement contract: not permanent means retry. */
export function consumeFailure(err: unknown): RequestFailure {
  if (err instanceof RequestFailure) return err;
  const detail = errorMessage(err);
  if (err instanceof ConsumerError && !err.retryable)
    return new RequestFailure(400, GrpcStatus.INVALID_ARGUMENT, PERMANENT_TEXT, undefined, false, {
      kind: 'permanent',
      detail,
    });
  const retryAfterMs = err instanceof ConsumerError ? err.retryAfterMs : undefined;
  const info = { kind: 'unavailable', detail } as const;
  if (err instanceof ConsumerError && err.throttled) {
    return new RequestFailure(429, GrpcStatus.RESOURCE_EXHAUSTED, THROTTLED_TEXT, retryAfterMs, true, info);
  }
  return new RequestFailure(503, GrpcStatus.UNAVAILABLE, UNAVAILABLE_TEXT, retryAfterMs, undefined, info);
}

/** Anything else (a bug here): not the client's fault, and not something a retry is known to fix. */
export function internalFailure(err: unknown): RequestFailure {
  return err instanceof RequestFailure
    ? err
    : new RequestFailure(500, GrpcStatus.INTERNAL, INTERNAL_TEXT, undefined, false, {
        kind: 'internal',
        detail: errorMessage(err),
      });
}

/** Retry-After in whole seconds, rounded up so a client never comes back early. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(0, Math.ceil(ms / 1000)));
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

function retryInfo(ms: number | undefined): Uint8Array {
  const w: Writer = protobuf.Writer.create();
  if (ms !== undefined && ms > 0) {
    const seconds = Math.floor(ms / 1000);
    const nanos = Math.round((ms - seconds * 1000) * 1e6);
    // RetryInfo.retry_delay (1): google.protobuf.Duration { seconds = 1 int64, nanos = 2 int32 }.
    w.uint32(10).fork();
    if (seconds) w.uint32(8).int64(seconds);
    if (nanos) w.uint32(16).int32(nanos);
    w.ldelim();
  }
  return w.finish();
}

/** google.rpc.Status { code = 1, message = 2, details = 3 (Any { type_url = 1, value = 2 }) }. */
export function encodeStatus(
  code: number,
  message: string,
  details: { typeUrl: string; value: Uint8Array }[] = [],
): Uint8Array {
  const w: Writer = protobuf.Writer.create();
  if (code) w.uint32(8).int32(code);
  if (message) w.uint32(18).string(message);
  for (const d of details) w.uint32(26).fork().uint32(10).string(d.typeUrl).uint32(18).bytes(d.value).ldelim();
  return w.finish();
}

/** The bytes for `grpc-status-details-bin`, or undefined when the failure carries no RetryInfo. */
export function grpcStatusDetails(f: RequestFailure): Buffer | undefined {
  if (!f.retryInfo) return undefined;
  return Buffer.from(
    encodeStatus(f.grpcCode, f.message, [{ typeUrl: RETRY_INFO_TYPE, value: retryInfo(f.retryAfterMs) }]),
  );
}
