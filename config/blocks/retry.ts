// `retry_on_failure` of the exporters, with the keys and defaults of the Collector's configretry, and the
// exponential backoff its exporterhelper computes with (cenkalti/backoff's ExponentialBackOff), so a Collector user
// sees the same waits here.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export interface RetryConfig {
  enabled: boolean;
  /** Milliseconds before the first retry. */
  initial_interval: number;
  /** Each wait is drawn from [interval * (1 - f), interval * (1 + f)]; 0 = no jitter. */
  randomization_factor: number;
  multiplier: number;
  /** Cap on the interval before jitter (so a wait can reach max_interval * (1 + randomization_factor)). */
  max_interval: number;
  /** Milliseconds after the first failure beyond which no retry starts; 0 = retry forever. */
  max_elapsed_time: number;
}

export const DEFAULT_RETRY_ENABLED = true;
export const DEFAULT_INITIAL_INTERVAL_MS = 5_000;
export const DEFAULT_RANDOMIZATION_FACTOR = 0.5;
export const DEFAULT_MULTIPLIER = 1.5;
export const DEFAULT_MAX_INTERVAL_MS = 30_000;
export const DEFAULT_MAX_ELAPSED_TIME_MS = 300_000;

export const DEFAULT_RETRY: Readonly<RetryConfig> = Object.freeze({
  enabled: DEFAULT_RETRY_ENABLED,
  initial_interval: DEFAULT_INITIAL_INTERVAL_MS,
  randomization_factor: DEFAULT_RANDOMIZATION_FACTOR,
  multiplier: DEFAULT_MULTIPLIER,
  max_interval: DEFAULT_MAX_INTERVAL_MS,
  max_elapsed_time: DEFAULT_MAX_ELAPSED_TIME_MS,
});

const duration = (ms: number) => ({ type: ['string', 'number'], duration: true, default: `${ms / 1000}s` });

export const retryOnFailureSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: DEFAULT_RETRY_ENABLED },
    initial_interval: duration(DEFAULT_INITIAL_INTERVAL_MS),
    randomization_factor: { type: 'number', minimum: 0, maximum: 1, default: DEFAULT_RANDOMIZATION_FACTOR },
    multiplier: { type: 'number', minimum: 0, default: DEFAULT_MULTIPLIER },
    max_interval: duration(DEFAULT_MAX_INTERVAL_MS),
    max_elapsed_time: duration(DEFAULT_MAX_ELAPSED_TIME_MS),
  },
};

/** configretry's Validate, plus one refusal of its own; paths are relative to the block. */
export function validateRetry(cfg: RetryConfig): ConfigIssue[] {
  if (!cfg.enabled) return [];
  const issues: ConfigIssue[] = [];
  // The Collector accepts 0, which retries in a busy loop for max_elapsed_time (or forever).
  if (cfg.initial_interval === 0)
    issues.push({ path: ['initial_interval'], message: 'initial_interval must be greater than 0' });
  if (cfg.max_elapsed_time > 0) {
    if (cfg.max_elapsed_time < cfg.initial_interval) {
      issues.push({ path: ['max_elapsed_time'], message: 'max_elapsed_time must not be less than initial_interval' });
    }
    if (cfg.max_elapsed_time < cfg.max_interval) {
      issues.push({ path: ['max_elapsed_time'], message: 'max_elapsed_time must not be less than max_interval' });
    }
  }
  return issues;
}

export type BackoffSettings = Pick<
  RetryConfig,
  'initial_interval' | 'randomization_factor' | 'multiplier' | 'max_interval' | 'max_elapsed_time'
>;

export interface BackoffOptions {
  /** A monotonic clock in milliseconds (tests inject one). */
  now?: () => number;
}

/**
 * One export's retry schedule. Each next() draws the wait from the current interval, then grows the interval by
 * `multiplier` up to `max_interval`; it returns undefined once waiting would end beyond max_elapsed_time since
 * construction (or reset()). Differs from Go only by the +1ns its random draw adds to the range.
 */
export class Backoff {
  private current = 0;
  private start = 0;
  private readonly now: () => number;

  constructor(
    private readonly cfg: BackoffSettings,
    private readonly random: () => number = Math.random,
    opts: BackoffOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.reset();
  }

  reset(): void {
    this.current = this.cfg.initial_interval;
    this.start = this.now();
  }

  /** Milliseconds to wait before the next attempt, or undefined when it is time to give up. */
  next(): number | undefined {
    const elapsed = this.now() - this.start;
    const wait = this.randomized();
    this.grow();
    if (this.cfg.max_elapsed_time !== 0 && elapsed + wait > this.cfg.max_elapsed_time) return undefined;
    return wait;
  }

  private randomized(): number {
    const f = this.cfg.randomization_factor;
    if (f === 0) return this.current;
    const delta = f * this.current;
    return this.current - delta + this.random() * 2 * delta;
  }

  // Compared by division, as Go does, so a huge multiplier cannot overflow past max_interval.
  private grow(): void {
    const { multiplier, max_interval } = this.cfg;
    this.current = this.current >= max_interval / multiplier ? max_interval : this.current * multiplier;
  }
}

/**
 * A schedule for retrying until shutdown rather than until max_elapsed_time, as the mqtt receiver retries a refused
 * message and reconnects. Unlike the exporters' Backoff, a wait never exceeds max_interval, which jitter alone
 * would pass: an operator who sets max_interval expects it to bound every wait.
 */
export class EndlessBackoff {
  private readonly backoff: Backoff;

  constructor(
    private readonly cfg: Omit<BackoffSettings, 'max_elapsed_time'>,
    random: () => number = Math.random,
  ) {
    this.backoff = new Backoff({ ...cfg, max_elapsed_time: 0 }, random);
  }

  reset(): void {
    this.backoff.reset();
  }

  /** Milliseconds to wait before the next attempt: the backoff's, raised to `atLeast` and kept to max_interval. */
  next(atLeast = 0): number {
    const { max_interval } = this.cfg;
    return Math.min(Math.max(this.backoff.next() ?? max_interval, atLeast), max_interval);
  }
}
