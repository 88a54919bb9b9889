import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { SenderConfig } from '../helper/config.ts';
import { quoteEndpoint, senderProperties, validateSender } from '../helper/config.ts';

export const DEFAULT_ENDPOINT = 'http://localhost:4318';
export const DEFAULT_TIMEOUT = '30s';
export const ENCODINGS = ['proto', 'json'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The config after schema validation: defaults applied, durations in milliseconds. */
export interface OtlpHttpConfig extends SenderConfig {
  /** Base URL; `/v1/traces`, `/v1/metrics`, `/v1/logs` are appended to its path. */
  endpoint: string;
  /** Full URLs, used as they are instead of the base URL's. */
  traces_endpoint?: string;
  metrics_endpoint?: string;
  logs_endpoint?: string;
  encoding: Encoding;
}

const url = { type: 'string', minLength: 1 };

export const otlpHttpConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { ...url, default: DEFAULT_ENDPOINT },
    traces_endpoint: url,
    metrics_endpoint: url,
    logs_endpoint: url,
    encoding: { type: 'string', enum: [...ENCODINGS], default: 'proto' },
    ...senderProperties(DEFAULT_TIMEOUT),
  },
};

const SIGNAL_KEY = { traces: 'traces_endpoint', metrics: 'metrics_endpoint', logs: 'logs_endpoint' } as const;

function parseHttpUrl(value: string): URL | string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `invalid URL ${quoteEndpoint(value)}: expected e.g. http://localhost:4318`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `invalid URL ${quoteEndpoint(value)}: the scheme must be http or https`;
  return u;
}

/** Where a signal is sent: its own endpoint, else the base URL's path with `/v1/<signal>` appended (as the Collector). */
export function signalUrl(cfg: OtlpHttpConfig, signal: PipelineType): URL {
  const own = cfg[SIGNAL_KEY[signal]];
  const parsed = parseHttpUrl(own ?? cfg.endpoint);
  if (typeof parsed === 'string') throw new Error(parsed);
  if (own === undefined) parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return parsed;
}

export function validateOtlpHttpConfig(cfg: OtlpHttpConfig): ConfigIssue[] {
  const issues = validateSender(cfg);
  for (const key of ['endpoint', ...Object.values(SIGNAL_KEY)] as const) {
    const v = cfg[key];
    if (v === undefined) continue;
    const parsed = parseHttpUrl(v);
    if (typeof parsed === 'string') issues.push({ path: [key], message: parsed });
  }
  return issues;
}
