// Errors flowing back upstream tell a receiver what to do with what it sent: retry it (do not acknowledge; the
// client or broker redelivers) or give up on it (it can never be delivered). As in the Collector, an error that is
// not marked permanent is retryable.

export interface RetryableOptions {
  /** The destination asked to wait this long before trying again (Retry-After, RetryInfo). */
  retryAfterMs?: number;
  /** The refusal is due to load (a full queue, a throttled destination) rather than a failure. */
  throttled?: boolean;
  /** The destination refused the credentials (HTTP 401/403, UNAUTHENTICATED, PERMISSION_DENIED). */
  auth?: boolean;
  cause?: unknown;
}

/**
 * Why a destination refused a request when sending part of it may still succeed, so an exporter splits it instead
 * of giving all of it up: `too_large`, the request is over the destination's size limit and its halves may fit;
 * `refused`, the destination refused something in it (HTTP 400, 500, gRPC INVALID_ARGUMENT, INTERNAL, UNKNOWN) and
 * the items it refuses on their own can be told apart from the rest.
 */
export type Refusal = 'too_large' | 'refused';

export class ConsumerError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly throttled: boolean;
  readonly auth: boolean;
  /** Set on a permanent error when splitting the request may get part of it through. */
  readonly refusal: Refusal | undefined;

  constructor(message: string, retryable: boolean, opts: RetryableOptions & { refusal?: Refusal } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = retryable ? 'RetryableError' : 'PermanentError';
    this.retryable = retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.throttled = opts.throttled ?? false;
    this.auth = opts.auth ?? false;
    this.refusal = opts.refusal;
  }
}

/** The data can never be delivered (malformed, refused by the destination): retrying will not help. */
export function permanentError(message: string, cause?: unknown): ConsumerError {
  return new ConsumerError(message, false, { cause });
}

/** The destination refused the request for a reason splitting it may get around (see Refusal); permanent as a whole. */
export function refusedError(message: string, refusal: Refusal, cause?: unknown): ConsumerError {
  return new ConsumerError(message, false, { refusal, cause });
}

/** The data may be delivered later: the sender should keep it and try again. */
export function retryableError(message: string, opts: RetryableOptions = {}): ConsumerError {
  return new ConsumerError(message, true, opts);
}

export function isPermanent(err: unknown): boolean {
  return err instanceof ConsumerError && !err.retryable;
}

export function isRetryable(err: unknown): boolean {
  return !isPermanent(err);
}

/** A message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A component refused to start or was misconfigured in a way only creation could see. */
export class ComponentError extends Error {
  constructor(
    readonly componentId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${componentId}: ${message}`, options);
    this.name = 'ComponentError';
  }
}

/**
 * A component's start failed because of one of its config keys (an endpoint whose port is taken): the hub reports it
 * under the key's full path, `receivers::otlp::protocols::http::endpoint`, and where the config sets it.
 */
export class ConfigKeyError extends Error {
  constructor(
    /** The key's path below the component's own config. */
    readonly path: readonly (string | number)[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigKeyError';
  }
}
