// Retries a failed send with exponential backoff, as the Collector's retry_on_failure does, with one difference:
// when the backoff gives up, the error upstream is still retryable. The sender upstream keeps the data (an MQTT
// message stays unacknowledged, an OTLP client gets 503) and offers it again later, so nothing is lost where the
// Collector would drop it. Retries also end when the consume's sender gives up: at its deadline (a wait that would
// end past it is not started) or when its signal aborts (the request is withdrawn).
import type { RetryConfig } from '../../config/blocks/index.ts';
import { Backoff } from '../../config/blocks/index.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { remainingMs } from '../../core/deadline.ts';
import type { Logger } from '../../core/logger.ts';
import { ConsumerError, errorMessage, retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { sleep } from '../../core/sleep.ts';
import type { ExportData, Send, SendResult } from './send.ts';

/** Any failure as a ConsumerError; an error that does not say otherwise is retryable, as everywhere in the hub. */
export function asConsumerError(err: unknown): ConsumerError {
  if (err instanceof ConsumerError) return err;
  return retryableError(errorMessage(err), { cause: err });
}

export class RetrySender {
  private readonly stop = new AbortController();

  constructor(
    private readonly cfg: RetryConfig,
    private readonly next: Send,
    private readonly logger: Logger,
  ) {}

  readonly send: Send = async (data: ExportData, signal: PipelineType, ctx?: ConsumeContext): Promise<SendResult> => {
    // One backoff per request: max_elapsed_time counts from this request's first attempt.
    const backoff = this.cfg.enabled ? new Backoff(this.cfg) : undefined;
    const start = performance.now();
    for (;;) {
      let err: ConsumerError;
      try {
        return await this.next(data, signal, ctx);
      } catch (e) {
        err = asConsumerError(e);
      }
      if (!err.retryable || !backoff) throw err;
      if (this.stop.signal.aborted) throw this.stopped(err);
      if (ctx?.signal?.aborted) throw this.withdrawn(err);
      const delay = backoff.next();
      // The destination's own Retry-After / RetryInfo wins when it asks for longer, as the OTLP spec requires,
      // but not past max_elapsed_time: a server asking for an hour gets the request back upstream instead.
      const wait = Math.max(delay ?? 0, err.retryAfterMs ?? 0);
      const max = this.cfg.max_elapsed_time;
      if (delay === undefined || (max > 0 && performance.now() - start + wait > max)) {
        throw retryableError(`no more retries left: ${err.message}`, {
          cause: err,
          retryAfterMs: err.retryAfterMs,
          throttled: err.throttled,
        });
      }
      if (wait > remainingMs(ctx)) {
        throw retryableError(`no time left before the sender's deadline to retry: ${err.message}`, {
          cause: err,
          retryAfterMs: err.retryAfterMs,
          throttled: err.throttled,
        });
      }
      this.logger.info('Exporting failed. Will retry the request after interval.', {
        data_type: signal,
        error: err.message,
        interval_ms: wait,
      });
      const cut = ctx?.signal ? AbortSignal.any([this.stop.signal, ctx.signal]) : this.stop.signal;
      if (!(await sleep(wait, cut))) throw this.stop.signal.aborted ? this.stopped(err) : this.withdrawn(err);
    }
  };

  /** Cuts every wait short (those requests reject, retryably); a request failing after this is not retried. */
  shutdown(): void {
    this.stop.abort();
  }

  private withdrawn(err: ConsumerError): ConsumerError {
    return retryableError(`the sender gave up on this request; not retrying: ${err.message}`, {
      cause: err,
      throttled: err.throttled,
    });
  }

  private stopped(err: ConsumerError): ConsumerError {
    return retryableError(`exporter is shutting down; not retrying: ${err.message}`, {
      cause: err,
      throttled: err.throttled,
    });
  }
}
