// Errors flowing back upstream tell a receiver what to do with what it sent: retry it (do not acknowledge; the
// client or broker redelivers) or give up on it (it can never be delivered). As in the Collector, an error that is
// not marked permanent is retryable.

export interface RetryableOptions {
  /** The destination asked to wait this long before trying again (Retry-After, RetryInfo). */
  retryAfterMs?: number;
  /** The refusal is due to load (a full queue, a throttled destination) rather than a failure. */
  throttled?: boolean;
  cause?: unknown;
}

export class ConsumerError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly throttled: boolean;

  constructor(message: string, retryable: boolean, opts: RetryableOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = retryable ? 'RetryableError' : 'PermanentError';
    this.retryable = retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.throttled = opts.throttled ?? false;
  }
}

/** The data can never be delivered (malformed, refused by the destination): retrying will not help. */
export function permanentError(message: string, cause?: unknown): ConsumerError {
  return new ConsumerError(message, false, { cause });
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
