import type { ConfigIssue, ConfigSchema } from 'otelhub';

export const DEFAULT_REPLACEMENT = '[REDACTED]';

export interface RedactConfig {
  /** Attribute keys to redact, wherever they appear (resource, scope, span, event, data point, log record). */
  keys: string[];
  /** What the value becomes; ignored when `delete` is true. */
  replacement: string;
  /** Remove the attribute instead of replacing its value. */
  delete: boolean;
}

export const redactConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: { type: 'array', items: { type: 'string', minLength: 1 } },
    replacement: { type: 'string', default: DEFAULT_REPLACEMENT },
    delete: { type: 'boolean', default: false },
  },
};

// What a schema cannot say: an empty list would make the processor do nothing, which is surely a mistake.
export function validateRedactConfig(cfg: RedactConfig): ConfigIssue[] {
  return cfg.keys.length === 0 ? [{ path: ['keys'], message: 'list at least one attribute key to redact' }] : [];
}
