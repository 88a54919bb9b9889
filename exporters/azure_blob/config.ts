// The azure_blob exporter's config: the Collector contrib azureblobexporter's keys and defaults.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { QueueConfig, RetryConfig } from '../../config/blocks/index.ts';
import { retryOnFailureSchema, sendingQueueSchema, validateQueue, validateRetry } from '../../config/blocks/index.ts';
import { quoteEndpoint } from '../helper/config.ts';
import { parseTemplate, templateSignals } from './blob-template.ts';
import { checkTimezone } from './go-time.ts';

export const DEFAULT_CONTAINERS = { logs: 'logs', metrics: 'metrics', traces: 'traces' } as const;
export const DEFAULT_FORMATS = {
  metrics: '2006/01/02/metrics_15_04_05.json',
  logs: '2006/01/02/logs_15_04_05.json',
  traces: '2006/01/02/traces_15_04_05.json',
} as const;
export const DEFAULT_SERIAL_NUM_RANGE = 10_000;
export const DEFAULT_APPEND_SEPARATOR = '\n';
/** The exporterhelper's default timeout, which the Collector's exporter keeps. */
export const DEFAULT_TIMEOUT = '5s';
export const AUTH_TYPES = [
  'connection_string',
  'service_principal',
  'system_managed_identity',
  'user_managed_identity',
  'workload_identity',
] as const;
export type AuthType = (typeof AUTH_TYPES)[number];
export const FORMATS = ['json', 'proto'] as const;
/** `""` is the Collector's spelling of no compression. */
export const COMPRESSIONS = ['none', '', 'gzip', 'zstd'] as const;

export interface AzureBlobConfig {
  url?: string;
  container: Record<PipelineType, string>;
  auth: {
    type: AuthType;
    tenant_id?: string;
    client_id?: string;
    client_secret?: string;
    connection_string?: string;
    federated_token_file?: string;
  };
  blob_name_format: {
    metrics_format: string;
    logs_format: string;
    traces_format: string;
    serial_num_enabled: boolean;
    serial_num_range: number;
    serial_num_before_extension: boolean;
    timezone: string;
    template_enabled: boolean;
    time_parser_enabled: boolean;
    time_parser_ranges?: string[];
    params: Record<string, string>;
  };
  format: (typeof FORMATS)[number];
  compression: (typeof COMPRESSIONS)[number];
  encodings: Partial<Record<PipelineType, string>>;
  append_blob: { enabled: boolean; separator: string };
  /** Milliseconds for one upload (or one append). */
  timeout: number;
  retry_on_failure: RetryConfig;
  sending_queue: QueueConfig;
}

const str = { type: 'string' };
const nonEmpty = { type: 'string', minLength: 1 };
const secret = { type: 'string', minLength: 1, sensitive: true };
const id = { type: 'string', pattern: '^[a-z][a-z0-9_]*(/.+)?$' };
const obj = (properties: Record<string, ConfigSchema>): ConfigSchema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  default: {},
});

export const azureBlobConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: nonEmpty,
    container: obj({
      logs: { ...nonEmpty, default: DEFAULT_CONTAINERS.logs },
      metrics: { ...nonEmpty, default: DEFAULT_CONTAINERS.metrics },
      traces: { ...nonEmpty, default: DEFAULT_CONTAINERS.traces },
    }),
    auth: obj({
      type: { type: 'string', enum: [...AUTH_TYPES], default: 'connection_string' },
      tenant_id: nonEmpty,
      client_id: nonEmpty,
      client_secret: secret,
      connection_string: secret,
      federated_token_file: { type: 'string', minLength: 1, file: 'text' },
    }),
    blob_name_format: obj({
      metrics_format: { ...nonEmpty, default: DEFAULT_FORMATS.metrics },
      logs_format: { ...nonEmpty, default: DEFAULT_FORMATS.logs },
      traces_format: { ...nonEmpty, default: DEFAULT_FORMATS.traces },
      serial_num_enabled: { type: 'boolean', default: true },
      serial_num_range: { type: 'integer', minimum: 1, default: DEFAULT_SERIAL_NUM_RANGE },
      serial_num_before_extension: { type: 'boolean', default: false },
      timezone: { ...str, default: '' },
      template_enabled: { type: 'boolean', default: false },
      time_parser_enabled: { type: 'boolean', default: true },
      time_parser_ranges: { type: 'array', items: { type: 'string', pattern: '^\\d+-\\d+$' } },
      params: { type: 'object', additionalProperties: str, default: {} },
    }),
    format: { type: 'string', enum: [...FORMATS], default: 'json' },
    compression: { type: 'string', enum: [...COMPRESSIONS], default: 'none' },
    encodings: obj({ logs: id, metrics: id, traces: id }),
    append_blob: obj({
      enabled: { type: 'boolean', default: false },
      separator: { ...str, default: DEFAULT_APPEND_SEPARATOR },
    }),
    timeout: { type: ['string', 'number'], duration: true, default: DEFAULT_TIMEOUT },
    retry_on_failure: { ...retryOnFailureSchema, default: {} },
    sending_queue: { ...sendingQueueSchema, default: {} },
  },
};

/** The fields each auth type needs, as the Collector's Validate asks for them. */
const NEEDS: Record<AuthType, (keyof AzureBlobConfig['auth'])[]> = {
  connection_string: ['connection_string'],
  service_principal: ['tenant_id', 'client_id', 'client_secret'],
  system_managed_identity: [],
  user_managed_identity: ['client_id'],
  workload_identity: ['tenant_id', 'client_id', 'federated_token_file'],
};

const under = (key: string, issues: ConfigIssue[]): ConfigIssue[] =>
  issues.map((i) => ({ ...i, path: [key, ...i.path] }));

export function validateAzureBlobConfig(cfg: AzureBlobConfig): ConfigIssue[] {
  const issues = [
    ...under('retry_on_failure', validateRetry(cfg.retry_on_failure)),
    ...under('sending_queue', validateQueue(cfg.sending_queue)),
  ];
  const { type } = cfg.auth;
  const missing = NEEDS[type].filter((k) => cfg.auth[k] === undefined);
  if (missing.length > 0)
    issues.push({ path: ['auth'], message: `${missing.join(', ')} cannot be empty when auth type is ${type}` });
  if (cfg.url === undefined && type !== 'connection_string')
    issues.push({ path: ['url'], message: 'url cannot be empty when auth type is not connection_string' });
  if (cfg.url !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(cfg.url);
    } catch {
      // reported below
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:'))
      issues.push({
        path: ['url'],
        message: `invalid URL ${quoteEndpoint(cfg.url)}: expected e.g. https://<account>.blob.core.windows.net/`,
      });
  }
  const bn = cfg.blob_name_format;
  if (bn.template_enabled)
    for (const signal of ['logs', 'metrics', 'traces'] as const) {
      const key = `${signal}_format` as const;
      try {
        const wrong = templateSignals(parseTemplate(bn[key])).filter((s) => s !== signal);
        if (wrong.length > 0)
          issues.push({
            path: ['blob_name_format', key],
            message: `reads ${wrong[0]} data, but names ${signal} blobs`,
          });
      } catch (err) {
        issues.push({ path: ['blob_name_format', key], message: err instanceof Error ? err.message : String(err) });
      }
    }
  const tz = checkTimezone(bn.timezone);
  if (tz) issues.push({ path: ['blob_name_format', 'timezone'], message: tz });
  (bn.time_parser_ranges ?? []).forEach((r, i) => {
    const [start, end] = r.split('-').map(Number);
    if ((end ?? 0) < (start ?? 0))
      issues.push({ path: ['blob_name_format', 'time_parser_ranges', i], message: `range ${r} ends before it starts` });
  });
  if (cfg.timeout === 0) issues.push({ path: ['timeout'], message: 'timeout must be greater than 0' });
  return issues;
}
