// Takes one message through the pipelines until it is settled: delivered, or dropped as expired or as permanently
// refused (both counted and logged rate-limited). A retryable refusal is tried again after a backoff, for as long
// as it takes: the message is not acknowledged meanwhile, so the broker holds back the rest of the window and
// memory stays bounded by receive_maximum. Only shutdown stops the retries, leaving the message unacknowledged
// on the broker.
import type { Counter } from 'prom-client';
import { DEFAULT_MULTIPLIER, DEFAULT_RANDOMIZATION_FACTOR, EndlessBackoff } from '../../config/blocks/index.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { ConsumerError, errorMessage, isPermanent } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { isExpired, nowUnixNano } from '../../core/pdata/index.ts';
import type { Message } from '../../core/pdata/index.ts';
import { sleep } from '../../core/sleep.ts';

export type Outcome = 'settled' | 'abandoned';

export interface DeliveryOptions {
  consumer: Consumer;
  logger: Logger;
  receiverId: string;
  dropped: Counter;
  retry: { initial_interval: number; max_interval: number };
  /** true when upstream's window is full and a batch should send now. */
  windowFull(): boolean;
  /** Drop log interval (tests shorten it). */
  logIntervalMs?: number;
}

const RETRY_LOG_INTERVAL_MS = 10_000;

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
    });
  }

  private context(): ConsumeContext {
    return this.opts.windowFull() ? { transport: 'mqtt', flush: true } : { transport: 'mqtt' };
  }

  /** Counts and logs (rate-limited) a message acknowledged without delivery. */
  drop(reason: string, m: Message, detail: Record<string, unknown> = {}): void {
    this.drops.drop(reason, 1, { topic: m.topic, ...detail });
  }

  /**
   * Settles `m`. Without `retry` (QoS 0: the broker does not hold it back, so retries would pile up in memory), a
   * retryable refusal drops it as `qos0_refused`.
   */
  async deliver(m: Message, opts: { retry?: boolean } = {}): Promise<Outcome> {
    let backoff: EndlessBackoff | undefined; // only for messages that fail: most never do
    for (;;) {
      if (isExpired(m, nowUnixNano())) {
        this.drop('expired', m, { message_expiry_interval: m.properties.messageExpiryInterval });
        return 'settled';
      }
      try {
        await this.opts.consumer.consume({ messages: [m] }, this.context());
        return 'settled';
      } catch (err) {
        if (isPermanent(err) || opts.retry === false) {
          this.drop(isPermanent(err) ? 'permanent' : 'qos0_refused', m, { error: errorMessage(err) });
          return 'settled';
        }
        if (this.stopping.signal.aborted) return 'abandoned';
        const hinted = err instanceof ConsumerError ? (err.retryAfterMs ?? 0) : 0;
        // Waits grow and jitter as the exporters' do by default (configretry), but never past max_interval.
        backoff ??= new EndlessBackoff({
          ...this.opts.retry,
          multiplier: DEFAULT_MULTIPLIER,
          randomization_factor: DEFAULT_RANDOMIZATION_FACTOR,
        });
        const wait = backoff.next(hinted);
        this.logRetry(m, err, wait);
        if (!(await sleep(wait, this.stopping.signal))) return 'abandoned';
      }
    }
  }

  /** Ends every retry wait (their messages are abandoned); deliveries in a consume call finish normally. */
  stop(): void {
    this.stopping.abort();
    this.drops.close();
  }

  // A destination that is down fails every message in the window on every attempt: one line per interval.
  private logRetry(m: Message, err: unknown, waitMs: number): void {
    this.retriesSinceLog++;
    const now = performance.now();
    if (now - this.lastRetryLog < RETRY_LOG_INTERVAL_MS) return;
    this.opts.logger.warn('pipeline refused MQTT messages; retrying them (not acknowledged)', {
      topic: m.topic,
      error: errorMessage(err),
      retry_in_ms: Math.round(waitMs),
      retries_since_last_line: this.retriesSinceLog,
    });
    this.lastRetryLog = now;
    this.retriesSinceLog = 0;
  }
}
