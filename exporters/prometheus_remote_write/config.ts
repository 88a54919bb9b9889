// The prometheus_remote_write exporter's config: the Collector contrib exporter's keys and defaults. It has no
// `sending_queue` (as in contrib): `remote_write_queue` configures the queue, with one consumer so that a series'
// samples leave in time order (Prometheus refuses out-of-order samples).
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { DEFAULT_QUEUE, DEFAULT_RETRY } from '../../config/blocks/index.ts';
import type { AuthConfig, SenderConfig } from '../helper/config.ts';
import { quoteEndpoint, senderProperties, validateSender } from '../helper/config.ts';
import { labelName, TRANSLATION_STRATEGIES } from './names.ts';
import { WAL_STORAGE_ID, walSchema } from './wal.ts';
import type { WalConfig } from './wal.ts';
import type { TranslationStrategy } from './names.ts';

export const DEFAULT_TIMEOUT = '5s';
/** contrib's default: about 3 MB of encoded series per request (before snappy). */
export const DEFAULT_MAX_BATCH_SIZE_BYTES = 3_000_000;
export const DEFAULT_REMOTE_WRITE_QUEUE_SIZE = 10_000;
export const DEFAULT_REMOTE_WRITE_NUM_CONSUMERS = 5;

export interface PrwConfig {
  endpoint: string;
  headers: Record<string, string>;
  auth?: AuthConfig;
  tls: SenderConfig['tls'];
  timeout: number;
  compression: 'snappy';
  namespace: string;
  external_labels: Record<string, string>;
  resource_to_telemetry_conversion: { enabled: boolean };
  target_info: { enabled: boolean };
  add_metric_suffixes: boolean;
  translation_strategy?: TranslationStrategy;
  disable_scope_info: boolean;
  send_metadata: boolean;
  max_batch_size_bytes: number;
  /** Unset: remote_write_queue.num_consumers, as contrib. */
  max_batch_request_parallelism?: number;
  remote_write_queue: { enabled: boolean; queue_size: number; num_consumers: number };
  wal?: WalConfig;
  retry_on_failure: SenderConfig['retry_on_failure'];
}

const sender = senderProperties(DEFAULT_TIMEOUT);
const flag = (def: boolean) => ({
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean', default: def } },
  default: {},
});

export const prwConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint'],
  properties: {
    endpoint: { type: 'string', minLength: 1 },
    headers: sender.headers!,
    auth: sender.auth!,
    tls: sender.tls!,
    timeout: sender.timeout!,
    // The protocol requires snappy; the key is accepted for configs written for contrib.
    compression: { type: 'string', enum: ['snappy'], default: 'snappy' },
    namespace: { type: 'string', default: '' },
    external_labels: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    resource_to_telemetry_conversion: flag(false),
    target_info: flag(true),
    add_metric_suffixes: { type: 'boolean', default: true },
    translation_strategy: { type: 'string', enum: [...TRANSLATION_STRATEGIES] },
    disable_scope_info: { type: 'boolean', default: false },
    send_metadata: { type: 'boolean', default: false },
    max_batch_size_bytes: { type: 'integer', minimum: 1, default: DEFAULT_MAX_BATCH_SIZE_BYTES },
    max_batch_request_parallelism: { type: 'integer', minimum: 1 },
    remote_write_queue: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: true },
        queue_size: { type: 'integer', minimum: 0, default: DEFAULT_REMOTE_WRITE_QUEUE_SIZE },
        num_consumers: { type: 'integer', minimum: 0, default: DEFAULT_REMOTE_WRITE_NUM_CONSUMERS },
      },
      default: {},
    },
    retry_on_failure: sender.retry_on_failure!,
    wal: walSchema,
  },
};

/** The strategy in effect: translation_strategy when set, else add_metric_suffixes' choice. */
export function strategyOf(cfg: PrwConfig): TranslationStrategy {
  if (cfg.translation_strategy) return cfg.translation_strategy;
  return cfg.add_metric_suffixes ? 'UnderscoreEscapingWithSuffixes' : 'UnderscoreEscapingWithoutSuffixes';
}

/** What the shared exporter machinery (retries, queue, split on refusal) runs with. */
export function senderConfig(cfg: PrwConfig): SenderConfig {
  const q = cfg.remote_write_queue;
  return {
    headers: cfg.headers,
    compression: 'none', // snappy is the transport's own
    timeout: cfg.timeout,
    tls: cfg.tls,
    auth: cfg.auth,
    max_request_bytes: 0, // requests are cut by max_batch_size_bytes after translation
    retry_on_failure: cfg.retry_on_failure ?? DEFAULT_RETRY,
    sending_queue: {
      ...DEFAULT_QUEUE,
      // With a WAL the queue is on disk, whatever remote_write_queue.enabled says (contrib's WAL works the same way).
      enabled: q.enabled || cfg.wal !== undefined,
      queue_size: q.queue_size,
      num_consumers: 1,
      ...(cfg.wal ? { storage: WAL_STORAGE_ID } : {}),
    },
  };
}

export function validatePrwConfig(cfg: PrwConfig): ConfigIssue[] {
  const issues = validateSender(senderConfig(cfg)).filter((i) => i.path[0] !== 'sending_queue');
  let url: URL | undefined;
  try {
    url = new URL(cfg.endpoint);
  } catch {
    issues.push({
      path: ['endpoint'],
      message: `invalid URL ${quoteEndpoint(cfg.endpoint)}: expected e.g. http://prometheus:9090/api/v1/write`,
    });
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
    issues.push({ path: ['endpoint'], message: 'the scheme must be http or https' });
  const q = cfg.remote_write_queue;
  if (q.enabled && q.queue_size < 1)
    issues.push({ path: ['remote_write_queue', 'queue_size'], message: 'queue_size must be at least 1' });
  for (const name of Object.keys(cfg.external_labels)) {
    // contrib allows reserved `__` names here; anything else must already be a valid label name.
    if (name === '' || (!name.startsWith('__') && labelName(name) !== name))
      issues.push({ path: ['external_labels', name], message: `"${name}" is not a valid Prometheus label name` });
  }
  return issues;
}
