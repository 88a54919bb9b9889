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
}

export const QUEUE_SIZERS = ['requests', 'items', 'bytes'] as const;
export type QueueSizer = (typeof QUEUE_SIZERS)[number];

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
  return issues;
}
