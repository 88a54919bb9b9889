// `sending_queue` of the exporters, with the keys and defaults of the Collector's exporterhelper queue. The queue
// itself lives with the exporters; this is the shared config.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export interface QueueConfig {
  enabled: boolean;
  /** Exports running at once, each taking one request from the queue. */
  num_consumers: number;
  /**
   * Capacity in requests: the batches handed to the exporter, however many spans, points or records each holds
   * (the Collector's default `sizer: requests`). A full queue refuses new data with a retryable error.
   */
  queue_size: number;
  /** What queue_size counts: requests, items (spans, points, log records) or bytes (encoded). */
  sizer: QueueSizer;
  /** When full: wait for room instead of refusing. */
  block_on_overflow: boolean;
  /** A storage extension ID (`file_storage`, `file_storage/x`): the queue is kept on disk there. */
  storage?: string;
  /** Exporter-side batching (`sending_queue.batch`); absent: each request is sent as it came. */
  batch?: QueueBatchConfig;
}

/**
 * The Collector's `sending_queue.batch`: queued requests of one signal are merged into one export until it holds
 * `min_size` (then it goes at once) or `flush_timeout` passed since its first request; `max_size` bounds a merged
 * export, and a request larger than that is split.
 */
export interface QueueBatchConfig {
  /** Milliseconds after which a batch is sent however small. */
  flush_timeout: number;
  /** A batch this large (in the sizer's unit) is sent at once. */
  min_size: number;
  /** Upper bound of a batch in the sizer's unit; 0: none. */
  max_size: number;
  /** What min_size and max_size count: items (spans, data points, log records) or bytes (encoded OTLP protobuf). */
  sizer: QueueBatchSizer;
}

export const QUEUE_SIZERS = ['requests', 'items', 'bytes'] as const;
export type QueueSizer = (typeof QUEUE_SIZERS)[number];

/** As the Collector: batches are measured in items or bytes (a count of requests says nothing of their size). */
export const QUEUE_BATCH_SIZERS = ['items', 'bytes'] as const;
export type QueueBatchSizer = (typeof QUEUE_BATCH_SIZERS)[number];

export const DEFAULT_BATCH_FLUSH_TIMEOUT_MS = 200;
export const DEFAULT_BATCH_MIN_SIZE = 8192;
export const DEFAULT_BATCH_MAX_SIZE = 0;
export const DEFAULT_BATCH_SIZER: QueueBatchSizer = 'items';

export const DEFAULT_QUEUE_ENABLED = true;
export const DEFAULT_NUM_CONSUMERS = 10;
export const DEFAULT_QUEUE_SIZE = 1000;
export const DEFAULT_SIZER: QueueSizer = 'requests';
export const DEFAULT_BLOCK_ON_OVERFLOW = false;

export const DEFAULT_QUEUE: Readonly<QueueConfig> = Object.freeze({
  enabled: DEFAULT_QUEUE_ENABLED,
  num_consumers: DEFAULT_NUM_CONSUMERS,
  queue_size: DEFAULT_QUEUE_SIZE,
  sizer: DEFAULT_SIZER,
  block_on_overflow: DEFAULT_BLOCK_ON_OVERFLOW,
});

export const sendingQueueSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: DEFAULT_QUEUE_ENABLED },
    num_consumers: { type: 'integer', minimum: 0, default: DEFAULT_NUM_CONSUMERS },
    queue_size: { type: 'integer', minimum: 0, default: DEFAULT_QUEUE_SIZE },
    sizer: { type: 'string', enum: [...QUEUE_SIZERS], default: DEFAULT_SIZER },
    block_on_overflow: { type: 'boolean', default: DEFAULT_BLOCK_ON_OVERFLOW },
    storage: { type: 'string', minLength: 1 },
    batch: {
      type: 'object',
      additionalProperties: false,
      properties: {
        flush_timeout: { type: ['string', 'number'], duration: true, default: `${DEFAULT_BATCH_FLUSH_TIMEOUT_MS}ms` },
        min_size: { type: 'integer', minimum: 0, default: DEFAULT_BATCH_MIN_SIZE },
        max_size: { type: 'integer', minimum: 0, default: DEFAULT_BATCH_MAX_SIZE },
        sizer: { type: 'string', enum: [...QUEUE_BATCH_SIZERS], default: DEFAULT_BATCH_SIZER },
      },
    },
  },
};

/** As the Collector: sizes must be positive, but only when the queue is enabled. Paths are relative to the block. */
export function validateQueue(cfg: QueueConfig): ConfigIssue[] {
  if (!cfg.enabled) return [];
  const issues: ConfigIssue[] = [];
  if (cfg.num_consumers < 1) issues.push({ path: ['num_consumers'], message: 'num_consumers must be positive' });
  if (cfg.queue_size < 1) issues.push({ path: ['queue_size'], message: 'queue_size must be positive' });
  // The in-memory queue holds requests that are not acknowledged yet and counts them; sizing them in items or
  // bytes, or holding the sender while full, is what the persistent queue does.
  if (cfg.storage === undefined && cfg.sizer !== DEFAULT_SIZER)
    issues.push({ path: ['sizer'], message: `sizer ${cfg.sizer} needs storage (the in-memory queue counts requests)` });
  if (cfg.storage === undefined && cfg.block_on_overflow)
    issues.push({ path: ['block_on_overflow'], message: 'block_on_overflow needs storage' });
  const b = cfg.batch;
  if (b && b.flush_timeout <= 0)
    issues.push({ path: ['batch', 'flush_timeout'], message: 'flush_timeout must be greater than zero' });
  if (b && b.max_size > 0 && b.max_size < b.min_size)
    issues.push({ path: ['batch', 'max_size'], message: 'max_size must be greater than or equal to min_size' });
  return issues;
}
