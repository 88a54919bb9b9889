import { MAX_TIMER_MS } from '../../config/duration.ts';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const DEFAULT_SEND_BATCH_SIZE = 8192;
/**
 * The bound when `send_batch_max_size` is not set (or send_batch_size, if larger). The Collector's default is 0, no
 * bound: one large contribution, or many merged, became one request of any size, which destinations refuse (a
 * stock Collector takes 4 MiB over gRPC). 8192 matches send_batch_size, so a batch the size trigger sends is one
 * request; the exporters bound the encoded bytes as well (max_request_bytes), since items vary in size.
 */
export const DEFAULT_SEND_BATCH_MAX_SIZE = 8192;
/** As written in config; the `duration` keyword turns it into milliseconds. */
export const DEFAULT_TIMEOUT = '200ms';
export const DEFAULT_TIMEOUT_MS = 200;
/** The Collector's default: distinct metadata value combinations batched at once (0: no limit). */
export const DEFAULT_METADATA_CARDINALITY_LIMIT = 1000;

/** The config after schema validation: defaults applied, `timeout` in milliseconds. */
export interface BatchConfig {
  /** Items (spans, data points, log records) that trigger a send; 0: size never triggers. */
  send_batch_size: number;
  /** Largest batch sent; bigger ones are split. 0: unlimited. Unset: see maxBatchSize. */
  send_batch_max_size?: number;
  /** Milliseconds from the first pending item to a send; 0: send every contribution at once. */
  timeout: number;
  /** Client metadata keys (ConsumeContext.metadata) to batch by: one batch per distinct combination of values. */
  metadata_keys?: string[];
  /** The most combinations batched at once; a new one past it is refused. 0: no limit. */
  metadata_cardinality_limit?: number;
}

export const batchConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    send_batch_size: { type: 'integer', minimum: 0, default: DEFAULT_SEND_BATCH_SIZE },
    // No schema default: the default depends on send_batch_size (maxBatchSize).
    send_batch_max_size: { type: 'integer', minimum: 0 },
    timeout: { type: ['string', 'number'], duration: true, default: DEFAULT_TIMEOUT },
    metadata_keys: { type: 'array', items: { type: 'string', minLength: 1 } },
    // No schema default: it only matters with metadata_keys (DEFAULT_METADATA_CARDINALITY_LIMIT applies then).
    metadata_cardinality_limit: { type: 'integer', minimum: 0 },
  },
};

/** The most items in one export, 0 for no bound: as set, else the default or send_batch_size if that is larger. */
export function maxBatchSize(cfg: BatchConfig): number {
  return cfg.send_batch_max_size ?? Math.max(DEFAULT_SEND_BATCH_MAX_SIZE, cfg.send_batch_size);
}

export function validateBatchConfig(cfg: BatchConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (
    cfg.send_batch_max_size !== undefined &&
    cfg.send_batch_max_size > 0 &&
    cfg.send_batch_max_size < cfg.send_batch_size
  ) {
    issues.push({
      path: ['send_batch_max_size'],
      message: `must be 0 (unlimited) or at least send_batch_size (${cfg.send_batch_size}), got ${cfg.send_batch_max_size}`,
    });
  }
  // The duration keyword is expected to refuse these, but a bad timer would silently break batching.
  if (typeof cfg.timeout !== 'number' || !(cfg.timeout >= 0 && cfg.timeout <= MAX_TIMER_MS)) {
    issues.push({
      path: ['timeout'],
      message: `must be a duration from 0 to ${MAX_TIMER_MS}ms, got ${String(cfg.timeout)}`,
    });
  }
  // As the Collector: keys are case-insensitive (metadata keys are lower-cased by the receivers), so a duplicate
  // in another case is the same key listed twice.
  const seen = new Set<string>();
  for (const [i, k] of (cfg.metadata_keys ?? []).entries()) {
    const lower = k.toLowerCase();
    if (seen.has(lower))
      issues.push({
        path: ['metadata_keys', i],
        message: `duplicate entry in metadata_keys: "${k}" (case-insensitive)`,
      });
    seen.add(lower);
  }
  return issues;
}
