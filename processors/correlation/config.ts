import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { fieldSegments } from './correlation-id.ts';

export const DEFAULT_FIELD_NAME = 'correlationId';
export const DEFAULT_SCOPE_NAME = 'otelhub/correlation';
export const DEFAULT_RESOURCE_ATTRIBUTES: Readonly<Record<string, string>> = { 'service.name': 'otelhub' };

/** The config after schema validation, defaults applied. */
export interface CorrelationConfig {
  /** Dot-delimited path of the correlation ID in the JSON payload. */
  field_name: string;
  /** Generate a UUID v4 when the payload has no usable ID; otherwise such a message is dropped as invalid. */
  allow_generated: boolean;
  /** Instrumentation scope name of the spans. */
  scope_name: string;
  /** The resource of every span. */
  resource_attributes: Record<string, string | number | boolean>;
  /** Join the W3C trace context carried in the `traceparent` / `tracestate` user properties. */
  trace_context: boolean;
  /** Share of new traces kept (OTEL_TRACES_SAMPLER_ARG); a joined trace follows its sampled flag. */
  sampling_ratio: number;
  /** Which attribute names spans carry: the original exporter's, current semantic conventions', or both. */
  semconv: { legacy: boolean; current: boolean };
}

export const correlationConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    field_name: { type: 'string', default: DEFAULT_FIELD_NAME },
    allow_generated: { type: 'boolean', default: true },
    scope_name: { type: 'string', minLength: 1, default: DEFAULT_SCOPE_NAME },
    resource_attributes: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      default: { ...DEFAULT_RESOURCE_ATTRIBUTES },
    },
    trace_context: { type: 'boolean', default: true },
    sampling_ratio: { type: 'number', minimum: 0, maximum: 1, default: 1 },
    semconv: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        legacy: { type: 'boolean', default: true },
        current: { type: 'boolean', default: false },
      },
    },
  },
};

/**
 * Why `fieldName` cannot be a field_name, or undefined. Exported so that a front end checking values before they
 * become config (drop-in mode) refuses the same ones. The original refused such a name on every message; here the
 * hub refuses to start instead.
 */
export function fieldNameIssue(fieldName: string): string | undefined {
  if (fieldName.trim() === '') return 'must name a payload field';
  if (fieldSegments(fieldName).length === 0) return `"${fieldName}" has no key between its dots`;
  return undefined;
}

export function validateCorrelationConfig(cfg: CorrelationConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fieldIssue = fieldNameIssue(cfg.field_name);
  if (fieldIssue !== undefined) issues.push({ path: ['field_name'], message: fieldIssue });
  if (!cfg.semconv.legacy && !cfg.semconv.current)
    issues.push({
      path: ['semconv'],
      message: 'legacy and current are both false: spans would have no messaging attributes',
    });
  return issues;
}
