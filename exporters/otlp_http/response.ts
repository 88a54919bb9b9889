// What an OTLP/HTTP response means for the request: 2xx accepted (perhaps partially); 429, 502, 503 and 504
// retryable, honouring Retry-After, as the OTLP spec says. Unlike the spec (and the Collector), 401 and 403 are
// retryable too, since credentials rotate; 413 means split the request; 400 and 500 mean find the items refused on
// their own (see exporters/helper/README.md). Any other status is permanent. The server's google.rpc.Status message
// (protobuf or JSON body) is quoted so the reason shows upstream.
import type { PostResponse } from './post.ts';
import type { ConsumerError, Refusal } from '../../core/errors.ts';
import { permanentError, refusedError, retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { PartialSuccess } from '../../otlp/index.ts';
import { decodeResponse, decodeResponseJson } from '../../otlp/index.ts';
import { decodeRpcStatus } from '../helper/rpc-status.ts';

export const RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];
/** Refused credentials: retried, since a rotated token or key may be accepted later. */
export const AUTH_STATUSES: readonly number[] = [401, 403];
/** Statuses after which part of the request may still get through. */
export const REFUSAL_STATUSES: ReadonlyMap<number, Refusal> = new Map([
  [413, 'too_large'],
  [400, 'refused'],
  [500, 'refused'],
]);
const MAX_DETAIL = 256;

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const isJson = (contentType: string): boolean => /^application\/json\b/i.test(contentType);
const isProto = (contentType: string): boolean => /^application\/(x-)?protobuf\b/i.test(contentType);

function truncate(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

/** The server's reason for an error: Status.message when the body is a Status, else the body as text. */
export function errorDetail(body: Buffer, contentType: string): string {
  if (body.length === 0) return '';
  try {
    if (isProto(contentType)) return truncate(decodeRpcStatus(body).message);
    if (isJson(contentType)) {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      const message = (parsed as { message?: unknown } | null)?.message;
      if (typeof message === 'string') return truncate(message);
    }
  } catch {
    // Not a Status after all: fall back to the text.
  }
  return truncate(body.toString('utf8'));
}

/** The error for a non-2xx response. */
export function httpFailure(
  target: string,
  status: number,
  statusText: string,
  headers: { 'retry-after'?: string; 'content-type'?: string },
  body: Buffer,
): ConsumerError {
  const detail = errorDetail(body, headers['content-type'] ?? '');
  const message = `export to ${target} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`;
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  if (RETRYABLE_STATUSES.includes(status)) return retryableError(message, { retryAfterMs, throttled: status === 429 });
  if (AUTH_STATUSES.includes(status)) return retryableError(message, { retryAfterMs, auth: true });
  const refusal = REFUSAL_STATUSES.get(status);
  return refusal ? refusedError(message, refusal) : permanentError(message);
}

/** The error for a non-2xx answer of `target` (as post() returns it). */
export function responseFailure(target: string, res: PostResponse): ConsumerError {
  const { 'retry-after': retryAfter, 'content-type': contentType } = res.headers;
  return httpFailure(
    target,
    res.status,
    res.statusText,
    { 'retry-after': retryAfter, 'content-type': contentType },
    res.body,
  );
}

/** The partial success of a 2xx response, decoded by its content type; undefined when there is none. */
export function partialSuccessOf(signal: PipelineType, body: Buffer, contentType: string): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  if (isProto(contentType)) return decodeResponse(signal, body);
  if (isJson(contentType)) return decodeResponseJson(signal, body.toString('utf8'));
  return undefined;
}
