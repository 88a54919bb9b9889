import type { SignalData } from './pdata/index.ts';
import type { DataPart, RetryKey } from './resend.ts';

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
  /**
   * Set by a sender that consumes the same data again after a retryable failure (the mqtt receiver): the same key
   * on every attempt, each attempt carrying that data or a part of it. A fan-out records on the key which of its
   * branches accepted the data and sends a retry only to the others (see resend.ts). A consumer passes it on with
   * whatever it makes of all of the data in one consume (a converter's output); one that forwards the data in
   * several consumes, or only some of it, must describe them with `parts` or leave the key out, or a branch
   * would be skipped for data it never got.
   */
  readonly retryKey?: RetryKey;
  /**
   * The data is these parts laid end to end, in items as itemCount counts them (spans, data points, log records,
   * messages): set by a consumer that regroups data from several senders (the batch processor). Wins over
   * `retryKey`. A consumer that changes the items (converts, filters) must not pass them on; a fan-out whose
   * parts do not add up to the data's items ignores them and sends everything to every branch.
   */
  readonly parts?: readonly DataPart[];
  /**
   * A client is held waiting for this consume to settle and sends nothing else meanwhile (a synchronous OTLP
   * request): a processor holding data back for a timer adds that whole wait to the client's answer, so it should
   * send as soon as it is not already busy sending (see the batch processor's idle flush).
   */
  readonly sync?: boolean;
  /**
   * When the sender gives up on this data (epoch milliseconds, as Date.now()). Work on it past this time is wasted:
   * retries stop there. Absent: no deadline.
   */
  readonly deadline?: number;
  /**
   * Aborts when the sender gave up (its deadline passed, its client went away) and was told the data failed: what
   * has not been sent yet must be withdrawn (not sent later), or the client's resend delivers it twice.
   */
  readonly signal?: AbortSignal;
  /**
   * Who sent the data, as the Collector's client.Info.Metadata: request headers (HTTP) or call metadata (gRPC),
   * keys lower-cased, each with all of its values. Set by a receiver configured with `include_metadata`; read by
   * the batch processor's `metadata_keys` (which batches per distinct values and passes on only those keys) and
   * kept by a persistent queue with what it stores. Absent: the receiver kept none. Never logged: it may hold
   * credentials.
   */
  readonly metadata?: ClientMetadata;
}

/** Client metadata: lower-case keys, each with its values in the order they came. */
export type ClientMetadata = Readonly<Record<string, readonly string[]>>;

export const NO_CONTEXT: ConsumeContext = Object.freeze({});

/**
 * The one contract every edge of a pipeline follows. The promise settles the data:
 * - resolved: it was delivered, durably queued, or deliberately dropped as invalid (and counted);
 * - rejected with a retryable error (the default for any error): keep it and send it again later;
 * - rejected with a permanent error (see errors.ts): it can never be delivered.
 * A receiver acknowledges (PUBACK, HTTP 200) only after the promise resolves.
 * When a fan-out's branches settle differently, the whole consume fails (retryably if any failure was), but the
 * branches that resolved keep what they took: a sender retrying under the same `ctx.retryKey` reaches only the
 * branches that have not accepted the data yet, so a healthy exporter beside a failing one gets each item once.
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
