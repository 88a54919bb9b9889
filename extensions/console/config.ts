import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { parseHostPort } from '../../core/net.ts';
import type { TlsServerConfig } from '../../config/blocks/index.ts';
import { tlsServerSchema, validateTlsServer } from '../../config/blocks/index.ts';

// zpages' port: the Collector's own in-process pages, which this replaces.
export const DEFAULT_ENDPOINT = 'localhost:55679';
export const DEFAULT_SESSION_TIMEOUT_MS = 12 * 3600_000;
export const DEFAULT_REFRESH_INTERVAL_MS = 2_000;
export const DEFAULT_HISTORY_MS = 5 * 60_000;
/** Sparkline points per series at most, whatever history / refresh_interval asks: bounds memory and the page. */
export const MAX_HISTORY_POINTS = 600;
export const DEFAULT_SAMPLES_PER_REASON = 10;
export const DEFAULT_SAMPLES_MAX_BYTES = 1024 * 1024;
export const DEFAULT_PAYLOAD_BYTES = 512;
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'authorization',
  'api_key',
  'apikey',
];

export interface DropSamplesConfig {
  enabled: boolean;
  payloads: boolean;
  per_reason: number;
  max_bytes: number;
  payload_bytes: number;
  redact_keys: string[];
}

export interface ConsoleConfig {
  endpoint: string;
  tls?: TlsServerConfig;
  /** A server authenticator for the JSON API (bearer); its token also signs a person in on the login page. */
  auth?: { authenticator: string };
  /** How long a login (the session cookie) lasts, in milliseconds. */
  session_timeout: number;
  /** How often the page is sent new figures, and the rates are sampled, in milliseconds. */
  refresh_interval: number;
  /** How far back the sparklines reach, in milliseconds. */
  history: number;
  drop_samples: DropSamplesConfig;
}

const duration = (ms: number) => ({ type: ['string', 'number'], duration: true, default: `${ms / 1000}s` });

export const consoleConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_ENDPOINT },
    tls: tlsServerSchema,
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['authenticator'],
      properties: { authenticator: { type: 'string', minLength: 1 } },
    },
    session_timeout: duration(DEFAULT_SESSION_TIMEOUT_MS),
    refresh_interval: duration(DEFAULT_REFRESH_INTERVAL_MS),
    history: duration(DEFAULT_HISTORY_MS),
    drop_samples: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        payloads: { type: 'boolean', default: true },
        per_reason: { type: 'integer', minimum: 1, maximum: 1000, default: DEFAULT_SAMPLES_PER_REASON },
        max_bytes: { type: 'integer', minimum: 1024, default: DEFAULT_SAMPLES_MAX_BYTES },
        payload_bytes: { type: 'integer', minimum: 0, maximum: 65536, default: DEFAULT_PAYLOAD_BYTES },
        redact_keys: { type: 'array', items: { type: 'string', minLength: 1 }, default: [...DEFAULT_REDACT_KEYS] },
      },
    },
  },
};

export function validateConsoleConfig(cfg: ConsoleConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  try {
    parseHostPort(cfg.endpoint);
  } catch (err) {
    issues.push({ path: ['endpoint'], message: (err as Error).message });
  }
  if (cfg.tls) issues.push(...validateTlsServer(cfg.tls).map((i) => ({ ...i, path: ['tls', ...i.path] })));
  if (cfg.refresh_interval < 250) issues.push({ path: ['refresh_interval'], message: 'must be at least 250ms' });
  if (cfg.history < cfg.refresh_interval)
    issues.push({ path: ['history'], message: 'must be at least refresh_interval' });
  if (cfg.session_timeout < 60_000) issues.push({ path: ['session_timeout'], message: 'must be at least 1m' });
  return issues;
}

/** Points per sparkline: history / refresh_interval, at most MAX_HISTORY_POINTS. */
export function historyPoints(cfg: Pick<ConsoleConfig, 'history' | 'refresh_interval'>): number {
  return Math.min(MAX_HISTORY_POINTS, Math.max(2, Math.ceil(cfg.history / cfg.refresh_interval)));
}
