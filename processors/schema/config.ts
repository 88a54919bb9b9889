import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { loadCustomSchema } from './custom-schema.ts';

export type CounterTemporality = 'cumulative' | 'delta';

/** Cumulative: what OpenTelemetry SDKs emit by default and what Prometheus-style backends ingest (see README). */
export const DEFAULT_COUNTER_TEMPORALITY: CounterTemporality = 'cumulative';
export const DEFAULT_MAX_SERIES = 10_000;
/** OpenTelemetry's default explicit bucket boundaries (metrics SDK specification). */
export const DEFAULT_HISTOGRAM_BOUNDS: readonly number[] = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];
export const DEFAULT_TOPIC_ATTRIBUTE = 'mqtt.topic';

export type DefaultInstanceId = 'host_name' | 'none';
/** Replicas' cumulative totals must not collide by default (instance-id.ts). */
export const DEFAULT_INSTANCE_ID: DefaultInstanceId = 'host_name';

/** The config after schema validation, defaults applied. */
export interface SchemaConfig {
  /** How counters and up-down counters are emitted: a delta per message, or running totals kept by the hub. */
  counter_temporality: CounterTemporality;
  /** Most cumulative series kept; the least recently updated is evicted beyond it. */
  max_series: number;
  /** Explicit bucket boundaries for histogram types, strictly increasing. */
  histogram_bounds: number[];
  /** Attribute that carries the MQTT topic; '' adds none. */
  topic_attribute: string;
  /** MQTT v5 user properties copied into attributes of the same name. */
  user_properties: string[];
  /** Static resource attributes of everything emitted. */
  resource_attributes: Record<string, string | number | boolean>;
  /** With cumulative counters and no service.instance.id in resource_attributes: where one comes from, or none. */
  default_instance_id: DefaultInstanceId;
  /** A JSON schema every payload must also match (path, relative to the working directory). */
  json_schema_file?: string;
}

export const schemaConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    counter_temporality: { type: 'string', enum: ['cumulative', 'delta'], default: DEFAULT_COUNTER_TEMPORALITY },
    max_series: { type: 'integer', minimum: 1, default: DEFAULT_MAX_SERIES },
    histogram_bounds: { type: 'array', items: { type: 'number' }, default: [...DEFAULT_HISTOGRAM_BOUNDS] },
    topic_attribute: { type: 'string', default: DEFAULT_TOPIC_ATTRIBUTE },
    user_properties: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, default: [] },
    resource_attributes: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      default: {},
    },
    default_instance_id: { type: 'string', enum: ['host_name', 'none'], default: DEFAULT_INSTANCE_ID },
    json_schema_file: { type: 'string', minLength: 1 },
  },
};

export function validateSchemaConfig(cfg: SchemaConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  cfg.histogram_bounds.forEach((b, i) => {
    const prev = cfg.histogram_bounds[i - 1];
    if (!Number.isFinite(b)) issues.push({ path: ['histogram_bounds', i], message: 'must be a finite number' });
    else if (prev !== undefined && !(b > prev))
      issues.push({ path: ['histogram_bounds', i], message: `must be greater than the bound before it (${prev})` });
  });
  // Both would write the same attribute, and which one wins would be a surprise either way.
  if (cfg.topic_attribute !== '' && cfg.user_properties.includes(cfg.topic_attribute)) {
    issues.push({
      path: ['user_properties'],
      message: `"${cfg.topic_attribute}" is already topic_attribute; rename one of them`,
    });
  }
  if (cfg.json_schema_file !== undefined) {
    const r = loadCustomSchema(cfg.json_schema_file);
    if (!r.ok) issues.push({ path: ['json_schema_file'], message: r.message });
  }
  return issues;
}
