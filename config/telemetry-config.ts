// service.telemetry.metrics as the Collector configures its own metrics: `readers`, of which otelhub has the pull
// reader with a Prometheus exporter (what the Collector's default `address` became), `level`, and
// service.telemetry.resource. `address` stays as a deprecated alias for one pull reader.
import { randomUUID } from 'node:crypto';
import type { ConfigIssue, ConfigSchema } from '../core/component.ts';
import { otelhubVersion } from '../core/version.ts';
import { parseHostPort } from '../core/net.ts';
import type { PrometheusReader } from '../core/prometheus-text.ts';
import type { ConfigNotice } from './implicit.ts';
import { validateConfig } from './schema.ts';

export const DEFAULT_METRICS_HOST = 'localhost';
export const DEFAULT_METRICS_PORT = 8888;
export const DEFAULT_METRICS_ADDRESS = `${DEFAULT_METRICS_HOST}:${DEFAULT_METRICS_PORT}`;

const SUPPORTED =
  'otelhub supports pull readers with the prometheus exporter only (readers: [{pull: {exporter: {prometheus: {host, port}}}}])';

/** The Collector's translation strategies; the ones without suffixes leave `_total` off counters. */
const TRANSLATION_STRATEGIES = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

const prometheusSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['port'],
  properties: {
    host: { type: 'string', default: DEFAULT_METRICS_HOST },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    without_scope_info: { type: 'boolean', default: false },
    without_type_suffix: { type: 'boolean', default: false },
    without_units: { type: 'boolean', default: false },
    translation_strategy: { enum: TRANSLATION_STRATEGIES },
    with_resource_constant_labels: {
      type: 'object',
      additionalProperties: false,
      properties: {
        included: { type: 'array', items: { type: 'string' }, default: [] },
        excluded: { type: 'array', items: { type: 'string' }, default: [] },
      },
    },
  },
};

/** The schema of service.telemetry.metrics; readers are checked one by one in telemetryReaders. */
export const metricsSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    level: { enum: ['none', 'basic', 'normal', 'detailed'], default: 'normal' },
    address: { type: 'string' },
    readers: { type: 'array', items: { type: 'object' } },
  },
};

/** service.telemetry.resource: attribute values; null removes one the hub sets (service.instance.id). */
export const resourceSchema: ConfigSchema = {
  type: 'object',
  default: {},
  additionalProperties: { type: ['string', 'null'] },
};

interface PrometheusConfig {
  host: string;
  port: number;
  without_type_suffix: boolean;
  translation_strategy?: string;
  with_resource_constant_labels?: { included: string[]; excluded: string[] };
}

function reader(raw: unknown, at: (string | number)[], issues: ConfigIssue[]): PrometheusReader | undefined {
  const r = (raw ?? {}) as Record<string, unknown>;
  const kinds = Object.keys(r);
  if (kinds.length !== 1 || kinds[0] !== 'pull') {
    const what = kinds.length === 0 ? 'an empty reader' : `reader "${kinds.join('", "')}"`;
    issues.push({ path: at, message: `${what} is not supported: ${SUPPORTED}` });
    return undefined;
  }
  const pull = (r.pull ?? {}) as Record<string, unknown>;
  const exporter = (pull.exporter ?? {}) as Record<string, unknown>;
  const extra = Object.keys(pull).filter((k) => k !== 'exporter');
  const exporters = Object.keys(exporter);
  if (extra.length > 0 || exporters.length !== 1 || exporters[0] !== 'prometheus') {
    const what = extra.length > 0 ? `key "${extra[0]}"` : `exporter "${exporters.join('", "')}"`;
    issues.push({ path: [...at, 'pull'], message: `${what} is not supported: ${SUPPORTED}` });
    return undefined;
  }
  const v = validateConfig(prometheusSchema, exporter.prometheus);
  const path = [...at, 'pull', 'exporter', 'prometheus'];
  for (const i of v.issues) issues.push({ path: [...path, ...i.path], message: i.message });
  if (v.issues.length > 0) return undefined;
  const p = v.value as PrometheusConfig;
  const strategy = p.translation_strategy ?? '';
  return {
    host: p.host,
    port: p.port,
    withoutTypeSuffix: p.without_type_suffix || strategy.endsWith('WithoutSuffixes') || strategy === 'NoTranslation',
    constantLabels: p.with_resource_constant_labels,
  };
}

export interface MetricsTelemetry {
  level: 'none' | 'basic' | 'normal' | 'detailed';
  /** The pull readers to serve: none at level none. */
  readers: PrometheusReader[];
}

const ADDRESS_DEPRECATED =
  'service::telemetry::metrics::address is deprecated (the Collector removed it): use readers: [{pull: {exporter: {prometheus: {host, port}}}}]';

/**
 * The readers of a schema-checked service.telemetry.metrics: its `readers`, or the one `address` names (deprecated,
 * said once), or the Collector's default, a pull reader on localhost:8888.
 */
export function telemetryReaders(
  metrics: { level: MetricsTelemetry['level']; address?: string; readers?: unknown[] },
  issues: ConfigIssue[],
  notices: ConfigNotice[],
): MetricsTelemetry {
  const at = ['service', 'telemetry', 'metrics'];
  const { level } = metrics;
  if (metrics.address !== undefined && metrics.readers !== undefined) {
    issues.push({ path: [...at, 'address'], message: 'set readers or the deprecated address, not both' });
    return { level, readers: [] };
  }
  if (metrics.address !== undefined) {
    notices.push({
      level: 'warn',
      msg: ADDRESS_DEPRECATED,
      fields: { address: metrics.address },
    });
    // '' turned the endpoint off before readers existed; readers: [] does now.
    if (metrics.address === '') return { level, readers: [] };
    try {
      const { host, port } = parseHostPort(metrics.address);
      return { level, readers: level === 'none' ? [] : [{ host, port, withoutTypeSuffix: false }] };
    } catch (err) {
      issues.push({ path: [...at, 'address'], message: (err as Error).message });
      return { level, readers: [] };
    }
  }
  if (metrics.readers === undefined) {
    const dflt = { host: DEFAULT_METRICS_HOST, port: DEFAULT_METRICS_PORT, withoutTypeSuffix: false };
    return { level, readers: level === 'none' ? [] : [dflt] };
  }
  const readers: PrometheusReader[] = [];
  metrics.readers.forEach((raw, i) => {
    const r = reader(raw, [...at, 'readers', i], issues);
    if (r) readers.push(r);
  });
  return { level, readers: level === 'none' ? [] : readers };
}

// One per process, as the Collector makes one when it starts: a config resolved twice is the same config.
const INSTANCE_ID = randomUUID();

/** service.telemetry.resource over the hub's own attributes, as the Collector sets them; null removes one. */
export function hubResource(configured: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string | null> = {
    'service.name': 'otelhub',
    'service.version': otelhubVersion(),
    'service.instance.id': INSTANCE_ID,
    ...configured,
  };
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, string] => e[1] !== null));
}
