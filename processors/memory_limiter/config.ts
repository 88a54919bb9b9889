import { MAX_TIMER_MS } from '../../config/duration.ts';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const MIB = 1024 * 1024;
/** The Collector's default spike limit when neither spike key is set: a fifth of the limit. */
export const DEFAULT_SPIKE_FRACTION = 0.2;
/** As written in config (the `duration` keyword turns them into milliseconds), the Collector's defaults. */
export const DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED = '10s';
export const DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED = '0s';

/** The config after schema validation: durations in milliseconds, unset sizes 0 (as the Collector's zero values). */
export interface MemoryLimiterConfig {
  /** Time between two measurements; required, above 0. */
  check_interval: number;
  /** The hard limit in MiB; wins over limit_percentage. */
  limit_mib: number;
  /** Hard limit minus soft limit, in MiB; 0: a fifth of the limit. */
  spike_limit_mib: number;
  /** The hard limit as a percentage of the memory the process lives under (its cgroup's limit, else the host's). */
  limit_percentage: number;
  /** The spike as a percentage of that memory; 0: a fifth of the limit. */
  spike_limit_percentage: number;
  /** Least time between two forced collections while over the soft limit (only). */
  min_gc_interval_when_soft_limited: number;
  /** Least time between two forced collections while over the hard limit. */
  min_gc_interval_when_hard_limited: number;
}

const size = { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1, default: 0 };
const percentage = { type: 'integer', minimum: 0, maximum: 100, default: 0 };

export const memoryLimiterConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // No default, as in the Collector, whose zero value fails validation: the operator picks the cadence.
    check_interval: { type: ['string', 'number'], duration: true },
    limit_mib: size,
    spike_limit_mib: size,
    limit_percentage: percentage,
    spike_limit_percentage: percentage,
    min_gc_interval_when_soft_limited: {
      type: ['string', 'number'],
      duration: true,
      default: DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED,
    },
    min_gc_interval_when_hard_limited: {
      type: ['string', 'number'],
      duration: true,
      default: DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED,
    },
  },
};

/** The Collector's Validate(), with its messages; durations are checked as timers since they become ones. */
export function validateMemoryLimiterConfig(cfg: MemoryLimiterConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (key: keyof MemoryLimiterConfig, message: string): void => void issues.push({ path: [key], message });
  if (typeof cfg.check_interval !== 'number' || !(cfg.check_interval > 0))
    at(
      'check_interval',
      `'check_interval' must be greater than zero (recommended: 1s), got ${String(cfg.check_interval)}`,
    );
  else if (cfg.check_interval > MAX_TIMER_MS) at('check_interval', `must be at most ${MAX_TIMER_MS}ms`);
  if (cfg.min_gc_interval_when_soft_limited < cfg.min_gc_interval_when_hard_limited)
    at(
      'min_gc_interval_when_soft_limited',
      `'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'`,
    );
  if (cfg.limit_mib === 0 && cfg.limit_percentage === 0)
    at('limit_mib', `'limit_mib' or 'limit_percentage' must be greater than zero`);
  if (cfg.limit_mib > 0 && cfg.limit_mib <= cfg.spike_limit_mib)
    at(
      'spike_limit_mib',
      `'spike_limit_mib' (${cfg.spike_limit_mib}) must be smaller than 'limit_mib' (${cfg.limit_mib})`,
    );
  if (cfg.limit_mib === 0 && cfg.limit_percentage > 0 && cfg.limit_percentage <= cfg.spike_limit_percentage)
    at(
      'spike_limit_percentage',
      `'spike_limit_percentage' (${cfg.spike_limit_percentage}) must be smaller than 'limit_percentage' (${cfg.limit_percentage})`,
    );
  return issues;
}

/** The limits in bytes: hard, and soft (hard minus spike). */
export interface Limits {
  hard: number;
  soft: number;
}

/**
 * The limits as the Collector computes them: limit_mib wins; otherwise the percentages of `totalBytes` (the memory
 * the process lives under). An unset spike is a fifth of the limit.
 */
export function resolveLimits(cfg: MemoryLimiterConfig, totalBytes: () => number): Limits {
  let hard: number;
  let spike: number;
  if (cfg.limit_mib > 0) {
    hard = cfg.limit_mib * MIB;
    spike = cfg.spike_limit_mib * MIB;
  } else {
    const total = totalBytes();
    hard = Math.floor((cfg.limit_percentage * total) / 100);
    spike = Math.floor((cfg.spike_limit_percentage * total) / 100);
  }
  if (spike === 0) spike = Math.floor(hard * DEFAULT_SPIKE_FRACTION);
  return { hard, soft: hard - spike };
}
