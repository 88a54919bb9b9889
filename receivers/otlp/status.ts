// How a failed export is answered, per the OTLP spec: one decision per failure, rendered as an HTTP status or a
// gRPC code. Clients retry 429, 502, 503, 504 and UNAVAILABLE; RESOURCE_EXHAUSTED only when it carries a
// google.rpc.RetryInfo, so throttling always sends one (with a delay when the pipeline named one).
import { status as GrpcStatus } from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import type { Writer } from 'protobufjs/minimal.js';
import { ConsumerError, errorMessage } from '../../core/errors.ts';
import { OtlpDecodeError } from '../../otlp/index.ts';

export { GrpcStatus };

export class RequestFailure extends Error {
  constructor(
    readonly httpStatus: number,
    readonly grpcCode: GrpcStatus,
    message: string,
    /** Sent as Retry-After (HTTP) and RetryInfo.retry_delay (gRPC). */
    readonly retryAfterMs?: number,
    /** gRPC: attach a RetryInfo even without a delay, so RESOURCE_EXHAUSTED reads as retryable. */
    readonly retryInfo = retryAfterMs !== undefined,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

export const badRequest = (message: string): RequestFailure =>
  new RequestFailure(400, GrpcStatus.INVALID_ARGUMENT, message);

export const tooLarge = (limit: number): RequestFailure =>
  new RequestFailure(413, GrpcStatus.RESOURCE_EXHAUSTED, `request body larger than the limit of ${limit} bytes`);

// The authenticator's reason is not echoed: a custom authenticator might quote what it was given.
export const unauthenticated = (): RequestFailure =>
  new RequestFailure(401, GrpcStatus.UNAUTHENTICATED, 'authentication failed');

/** A failure from authenticate(): whatever it threw, the request is not let in. */
export function authFailure(err: unknown): RequestFailure {
  return err instanceof RequestFailure ? err : unauthenticated();
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
  if (err instanceof ConsumerError && !err.retryable) return badRequest(err.message);
  const retryAfterMs = err instanceof ConsumerError ? err.retryAfterMs : undefined;
  const message = errorMessage(err);
  if (err instanceof ConsumerError && err.throttled) {
    return new RequestFailure(429, GrpcStatus.RESOURCE_EXHAUSTED, message, retryAfterMs, true);
  }
  return new RequestFailure(503, GrpcStatus.UNAVAILABLE, message, retryAfterMs);
}

/** Anything else (a bug here): not the client's fault, and not something a retry is known to fix. */
export function internalFailure(err: unknown): RequestFailure {
  return err instanceof RequestFailure
    ? err
    : new RequestFailure(500, GrpcStatus.INTERNAL, `internal error: ${errorMessage(err)}`);
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
