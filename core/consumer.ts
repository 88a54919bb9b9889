import type { SignalData } from './pdata/index.ts';

/**
 * What travels with a consume call. Processors pass it on unchanged unless they have a reason not to.
 */
export interface ConsumeContext {
  /**
   * Upstream cannot send more until something it already sent settles (a broker's in-flight window is full):
   * anything holding data back (a batch) should send what it holds now, or the two wait on each other.
   */
  readonly flush?: boolean;
  /** How the data arrived (grpc, http, mqtt), for the receiver's metrics. */
  readonly transport?: string;
}

export const NO_CONTEXT: ConsumeContext = Object.freeze({});

/**
 * The one contract every edge of a pipeline follows. The promise settles the data:
 * - resolved: it was delivered, durably queued, or deliberately dropped as invalid (and counted);
 * - rejected with a retryable error (the default for any error): keep it and send it again later;
 * - rejected with a permanent error (see errors.ts): it can never be delivered.
 * A receiver acknowledges (PUBACK, HTTP 200) only after the promise resolves.
 * The consumer owns `data` only until the promise settles, and may change it only when it declares `mutatesData`.
 */
export interface Consumer<T extends SignalData = SignalData> {
  consume(data: T, ctx?: ConsumeContext): Promise<void>;
  /** true when consume changes the data it is given (the fan-out then hands it a copy). */
  readonly mutatesData?: boolean;
}

/** A consumer from a function. */
export function consumerFn<T extends SignalData>(
  fn: (data: T, ctx: ConsumeContext) => Promise<void>,
  mutatesData = false,
): Consumer<T> {
  return { consume: (data, ctx) => fn(data, ctx ?? NO_CONTEXT), mutatesData };
}
