import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { errorMessage } from '../../core/errors.ts';
import type { SenderConfig } from '../helper/config.ts';
import { senderProperties, validateSender } from '../helper/config.ts';
import { parseGrpcEndpoint } from './endpoint.ts';

export const DEFAULT_ENDPOINT = 'localhost:4317';
export const DEFAULT_TIMEOUT = '5s';

// The rule `endpoint` is checked with, and the transport security it chooses, for a front end checking values
// before they become config (drop-in mode).
export { parseGrpcEndpoint };

/** The config after schema validation: defaults applied, durations in milliseconds. */
export interface OtlpConfig extends SenderConfig {
  /** `host:port`, `http://host:port` (plain text) or `https://host:port` (TLS). */
  endpoint: string;
}

export const otlpConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_ENDPOINT },
    ...senderProperties(DEFAULT_TIMEOUT),
  },
};

// gRPC metadata keys are lower-case tokens; `-bin` keys carry binary values, which a YAML string cannot.
const METADATA_KEY = /^[a-z0-9_.-]+$/;

export function validateOtlpConfig(cfg: OtlpConfig): ConfigIssue[] {
  const issues = validateSender(cfg);
  for (const key of Object.keys(cfg.headers)) {
    const k = key.toLowerCase();
    if (!METADATA_KEY.test(k) || k.endsWith('-bin') || k.startsWith('grpc-')) {
      issues.push({
        path: ['headers', key],
        message:
          'not usable as gRPC metadata: use letters, digits, "-", "_" or "."; no "grpc-" prefix or "-bin" suffix',
      });
    }
  }
  let security;
  try {
    security = parseGrpcEndpoint(cfg.endpoint).security;
  } catch (err) {
    return [...issues, { path: ['endpoint'], message: errorMessage(err) }];
  }
  if (security === 'plaintext') {
    for (const key of ['ca_file', 'cert_file', 'key_file', 'server_name_override'] as const) {
      if (cfg.tls[key] !== undefined)
        issues.push({
          path: ['tls', key],
          message: `the http:// endpoint means plain text, so ${key} would be ignored: use https:// or remove it`,
        });
    }
  } else if (security === 'tls' && cfg.tls.insecure) {
    issues.push({
      path: ['tls', 'insecure'],
      message: 'the https:// endpoint means TLS but insecure: true means plain text: remove one of the two',
    });
  }
  return issues;
}
