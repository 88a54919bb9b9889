// A request's time budget. The pipeline gets the client's deadline (gRPC's grpc-timeout) or the receiver's
// response_timeout, whichever comes first, plus a signal that aborts when the client is answered 503 / UNAVAILABLE
// for running out of time, or goes away: from then on the data is withdrawn wherever it has not been sent yet, so the
// client's resend is not delivered twice.
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { retryableError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';

/** The answer leaves this long before the client's deadline (a tenth of the budget, within these bounds)... */
export const MIN_ANSWER_MARGIN_MS = 20;
export const MAX_ANSWER_MARGIN_MS = 1_000;
/** ...and tells the client to wait this long before sending again (Retry-After, RetryInfo). */
export const DEADLINE_RETRY_AFTER_MS = 1_000;

export class RequestBudget {
  private readonly ac = new AbortController();
  /** When the pipeline must be done: the client's deadline less the margin, or the server's own limit. */
  readonly answerBy: number;

  constructor(clientDeadline: number | undefined, responseTimeoutMs: number, now = Date.now()) {
    let by = responseTimeoutMs > 0 ? now + responseTimeoutMs : Number.POSITIVE_INFINITY;
    if (clientDeadline !== undefined && Number.isFinite(clientDeadline)) {
      const margin = Math.min(MAX_ANSWER_MARGIN_MS, Math.max(MIN_ANSWER_MARGIN_MS, (clientDeadline - now) / 10));
      by = Math.min(by, clientDeadline - margin);
    }
    this.answerBy = by;
  }

  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /** The client went away (connection closed, call cancelled) before its answer: withdraw what it sent. */
  clientGone(): void {
    this.ac.abort(new Error('the client closed the request'));
  }

  /**
   * Consumes within the budget: settles as the pipeline does, or rejects retryably at `answerBy`, after aborting
   * the signal so the pipeline withdraws what it has not sent.
   */
  consume(consumer: Consumer, data: SignalData, ctx: ConsumeContext): Promise<void> {
    const full: ConsumeContext = {
      ...ctx,
      sync: true,
      signal: this.ac.signal,
      ...(Number.isFinite(this.answerBy) ? { deadline: this.answerBy } : {}),
    };
    const settled = consumer.consume(data, full);
    if (!Number.isFinite(this.answerBy)) return settled;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const err = retryableError('the pipeline did not settle the data before the deadline; it was withdrawn', {
            retryAfterMs: DEADLINE_RETRY_AFTER_MS,
          });
          this.ac.abort(err);
          reject(err);
        },
        Math.max(0, this.answerBy - Date.now()),
      );
      settled.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}
