// Takes a batch of messages through the pipelines, in one consume, until each is settled: delivered, or dropped as
// expired or as permanently refused (counted and logged rate-limited). A retryable refusal is tried again after a
// backoff, for as long as it takes, with what is still to deliver (QoS 0 messages are dropped instead, expired ones
// leave the batch): those messages are not acknowledged meanwhile, so the broker holds back the rest of the window
// and memory stays bounded by receive_maximum. Only shutdown stops the retries, leaving the messages unacknowledged
// on the broker. Every attempt carries the batch's retry key, so a pipeline or an exporter that already accepted the
// messages is not sent them again when another one's failure makes the batch retry (core/resend.ts).
import type { Counter } from 'prom-client';
import { DEFAULT_MULTIPLIER, DEFAULT_RANDOMIZATION_FACTOR, EndlessBackoff } from '../../config/blocks/index.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { DropReporterOptions } from '../../core/drop-reporter.ts';
import { ConsumerError, errorMessage, isPermanent } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { isExpired, nowUnixNano } from '../../core/pdata/index.ts';
import type { Message } from '../../core/pdata/index.ts';
import { RetryKey } from '../../core/resend.ts';
import { sleep } from '../../core/sleep.ts';

export type Outcome = 'settled' | 'abandoned';

/** A message offered to the pipelines; `retry: false` (QoS 0) drops it on a retryable refusal. */
export interface Offer {
  readonly message: Message;
  readonly retry: boolean;
}

export interface DeliveryOptions {
  consumer: Consumer;
  logger: Logger;
  receiverId: string;
  dropped: Counter;
  retry: { initial_interval: number; max_interval: number };
  /** true when upstream's window is full and a batch should send now; `sending` messages are being offered. */
  windowFull(sending: number): boolean;
  /** Drop log interval (tests shorten it). */
  logIntervalMs?: number;
  /** Where dropped messages are sampled (the console). */
  samples?: DropReporterOptions['samples'];
}

const RETRY_LOG_INTERVAL_MS = 10_000;

function abandon<T extends Offer>(offers: readonly T[], done: (offer: T, outcome: Outcome) => void): void {
  for (const o of offers) done(o, 'abandoned');
}

export class Delivery {
  private readonly drops: DropReporter;
  private readonly stopping = new AbortController();
  private lastRetryLog = -Infinity;
  private retriesSinceLog = 0;

  constructor(private readonly opts: DeliveryOptions) {
    this.drops = new DropReporter(opts.logger, {
      counter: opts.dropped,
      labels: { receiver: opts.receiverId },
      message: 'dropped MQTT messages',
      intervalMs: opts.logIntervalMs,
      samples: opts.samples,
    });
  }

  private context(sending: number, retryKey: RetryKey): ConsumeContext {
    return this.opts.windowFull(sending)
      ? { transport: 'mqtt', flush: true, retryKey }
      : { transport: 'mqtt', retryKey };
  }

  /** Counts and logs (rate-limited) messages acknowledged without delivery; the log names the first one's topic. */
  drop(reason: string, messages: readonly Message[], detail: Record<string, unknown> = {}): void {
    const [first] = messages;
    if (!first) return;
    const error = typeof detail.error === 'string' ? detail.error : undefined;
    this.drops.drop(
      reason,
      messages.length,
      { topic: first.topic, ...detail },
      { origin: { topic: first.topic, transport: 'mqtt' }, payload: first.payload, ...(error && { detail: error }) },
    );
  }

  /**
   * Offers `offers` to the pipelines in one consume and calls `done` once for each, with its own outcome, as soon as
   * it has one (an expired message settles while the rest are still retried).
   */
  async deliver<T extends Offer>(offers: readonly T[], done: (offer: T, outcome: Outcome) => void): Promise<void> {
    let left = offers;
    let backoff: EndlessBackoff | undefined; // only for batches that fail: most never do
    // Each attempt offers these messages or fewer (expired and QoS 0 ones leave), as the key's contract asks.
    const retryKey = new RetryKey();
    for (;;) {
      left = this.withoutExpired(left, done);
      if (left.length === 0) return;
      const messages = left.map((o) => o.message);
      try {
        await this.opts.consumer.consume({ messages }, this.context(messages.length, retryKey));
        for (const o of left) done(o, 'settled');
        return;
      } catch (err) {
        if (isPermanent(err)) {
          this.drop('permanent', messages, { error: errorMessage(err) });
          for (const o of left) done(o, 'settled');
          return;
        }
        left = this.withoutUnretried(left, err, done);
        if (left.length === 0) return;
        if (this.stopping.signal.aborted) return abandon(left, done);
        const hinted = err instanceof ConsumerError ? (err.retryAfterMs ?? 0) : 0;
        // Waits grow and jitter as the exporters' do by default (configretry), but never past max_interval.
        backoff ??= new EndlessBackoff({
          ...this.opts.retry,
          multiplier: DEFAULT_MULTIPLIER,
          randomization_factor: DEFAULT_RANDOMIZATION_FACTOR,
        });
        const wait = backoff.next(hinted);
        this.logRetry(left, err, wait);
        if (!(await sleep(wait, this.stopping.signal))) return abandon(left, done);
      }
    }
  }

  // The broker already subtracted the time it held a message: its expiry counts from when the receiver got it.
  private withoutExpired<T extends Offer>(
    offers: readonly T[],
    done: (offer: T, outcome: Outcome) => void,
  ): readonly T[] {
    const now = nowUnixNano();
    if (!offers.some((o) => isExpired(o.message, now))) return offers;
    const live: T[] = [];
    for (const o of offers) {
      if (!isExpired(o.message, now)) {
        live.push(o);
        continue;
      }
      this.drop('expired', [o.message], { message_expiry_interval: o.message.properties.messageExpiryInterval });
      done(o, 'settled');
    }
    return live;
  }

  // QoS 0: the broker does not hold it back, so retries would pile up in memory.
  private withoutUnretried<T extends Offer>(
    offers: readonly T[],
    err: unknown,
    done: (offer: T, outcome: Outcome) => void,
  ): readonly T[] {
    const refused = offers.filter((o) => !o.retry);
    if (refused.length === 0) return offers;
    this.drop(
      'qos0_refused',
      refused.map((o) => o.message),
      { error: errorMessage(err) },
    );
    for (const o of refused) done(o, 'settled');
    return offers.filter((o) => o.retry);
  }

  /** Ends every retry wait (their messages are abandoned); deliveries in a consume call finish normally. */
  stop(): void {
    this.stopping.abort();
    this.drops.close();
  }

  // A destination that is down fails every message in the window on every attempt: one line per interval.
  private logRetry(offers: readonly Offer[], err: unknown, waitMs: number): void {
    this.retriesSinceLog += offers.length;
    const now = performance.now();
    if (now - this.lastRetryLog < RETRY_LOG_INTERVAL_MS) return;
    this.opts.logger.warn('pipeline refused MQTT messages; retrying them (not acknowledged)', {
      topic: offers[0]?.message.topic,
      messages: offers.length,
      error: errorMessage(err),
      retry_in_ms: Math.round(waitMs),
      retries_since_last_line: this.retriesSinceLog,
    });
    this.lastRetryLog = now;
    this.retriesSinceLog = 0;
  }
}
