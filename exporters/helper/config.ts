// Config keys the otlp_grpc and otlp_http exporters share, with the Collector's names and defaults.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { QueueConfig, RetryConfig, TlsClientConfig } from '../../config/blocks/index.ts';
import { DEFAULT_MAX_REQUEST_BYTES } from './request-size.ts';
import {
  retryOnFailureSchema,
  sendingQueueSchema,
  tlsClientSchema,
  validateQueue,
  validateRetry,
  validateTlsClient,
} from '../../config/blocks/index.ts';

export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface AuthConfig {
  /** The ID of a client authenticator extension (`bearertokenauth`, `bearertokenauth/x`). */
  authenticator: string;
}

/** What both exporters have besides their endpoint and encoding. Durations are milliseconds. */
export interface SenderConfig {
  headers: Record<string, string>;
  compression: Compression;
  timeout: number;
  tls: TlsClientConfig;
  auth?: AuthConfig;
  /** Encoded bytes (before compression) above which a request of several items is sent in halves; 0: no bound. */
  max_request_bytes: number;
  retry_on_failure: RetryConfig;
  sending_queue: QueueConfig;
}

/** Schema properties for SenderConfig; `timeout` takes its default from the exporter. */
export function senderProperties(defaultTimeout: string): Record<string, ConfigSchema> {
  return {
    // Header values are often credentials (an API key), so none is ever printed. Printable ASCII only: what both
    // HTTP and gRPC metadata accept, so a bad value fails the config instead of every export.
    headers: {
      type: 'object',
      propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
      additionalProperties: { type: 'string', pattern: '^[\\x20-\\x7e]*$', sensitive: true },
      default: {},
    },
    compression: { type: 'string', enum: [...COMPRESSIONS], default: 'gzip' },
    timeout: { type: ['string', 'number'], duration: true, default: defaultTimeout },
    tls: { ...tlsClientSchema, default: {} },
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['authenticator'],
      properties: { authenticator: { type: 'string', minLength: 1 } },
    },
    max_request_bytes: { type: 'integer', minimum: 0, default: DEFAULT_MAX_REQUEST_BYTES },
    retry_on_failure: { ...retryOnFailureSchema, default: {} },
    sending_queue: { ...sendingQueueSchema, default: {} },
  };
}

/**
 * An endpoint as a config error may quote it. A URL can carry credentials (`https://user:password@host`, a token
 * in the query) and often comes from an environment variable, and neither may be printed: such a value is left out.
 */
export function quoteEndpoint(value: string): string {
  return /[@?]/.test(value) ? '(not shown: it may hold credentials)' : `"${value}"`;
}

const under = (key: string, issues: ConfigIssue[]): ConfigIssue[] =>
  issues.map((i) => ({ ...i, path: [key, ...i.path] }));

export function validateSender(cfg: SenderConfig): ConfigIssue[] {
  const issues = [
    ...under('tls', validateTlsClient(cfg.tls)),
    ...under('retry_on_failure', validateRetry(cfg.retry_on_failure)),
    ...under('sending_queue', validateQueue(cfg.sending_queue)),
  ];
  // A zero deadline would fail every export before it left.
  if (cfg.timeout === 0) issues.push({ path: ['timeout'], message: 'timeout must be greater than 0' });
  return issues;
}
