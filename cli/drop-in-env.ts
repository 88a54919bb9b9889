// Reads the Rust MQTT-to-OpenTelemetry trace exporter's environment variables with its defaults and its checks
// (its src/config.rs), collecting every problem instead of stopping at the first, each under the variable's name.
// Empty or blank values count as unset everywhere (a Helm chart renders an unset value as ""), except
// MQTT_SHARED_SUBSCRIPTION, where blank means "no shared subscription" as in the original.
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { LogLevel } from '../core/logger.ts';
import { parseHostPort } from '../core/net.ts';
import type { LocatedIssue } from '../config/issues.ts';
import { parseGrpcEndpoint } from '../exporters/otlp/endpoint.ts';
import { topicFilterIssue } from '../receivers/mqtt/topics.ts';

/**
 * The variables that switch a config-less `otelhub` into drop-in mode: the original's own. OTEL_* are the
 * OpenTelemetry SDKs' variables and APP_LOG_LEVEL / HTTP_HEALTH_* are generic names, often set in a pod for other
 * reasons: alone they must not turn a hub into a trace exporter. They are read once drop-in mode is on.
 */
export const DROP_IN_TRIGGERS: readonly string[] = [
  'MQTT_BROKER_HOST',
  'MQTT_BROKER_PORT',
  'MQTT_CLIENT_ID',
  'MQTT_TOPIC_FILTERS',
  'MQTT_SHARED_SUBSCRIPTION',
  'MQTT_SESSION_EXPIRY_SECS',
  'MQTT_RECEIVE_MAX',
  'MQTT_KEEP_ALIVE_SECS',
  'MQTT_RETRY_MIN_BACKOFF_SECS',
  'MQTT_RETRY_MAX_BACKOFF_SECS',
  'MQTT_USE_TLS',
  'MQTT_SAT_TOKEN_PATH',
  'MQTT_CA_CERT_PATH',
  'MQTT_X509_CERT_PATH',
  'MQTT_X509_KEY_PATH',
  'CORRELATION_ID_FIELD',
  'CORRELATION_ALLOW_GENERATED',
];

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4317';
const MAX_UINT16 = 0xffff;
const MAX_UINT32 = 0xffffffff;
// setTimeout fires at once for anything longer.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DropInSettings {
  mqtt: {
    host: string;
    port: number;
    clientId: string;
    topics: string[];
    /** Undefined: a plain subscription. */
    sharedGroup: string | undefined;
    sessionExpirySecs: number;
    receiveMax: number;
    keepAliveSecs: number;
    minBackoffSecs: number;
    maxBackoffSecs: number;
    tls: boolean;
    satTokenPath: string | undefined;
    caPath: string | undefined;
    certPath: string | undefined;
    keyPath: string | undefined;
  };
  correlation: { fieldName: string; allowGenerated: boolean };
  telemetry: {
    endpoint: string;
    serviceName: string;
    serviceNamespace: string;
    instanceId: string;
    samplingRatio: number;
    batchSize: number;
    queueSize: number;
    scheduleDelayMs: number;
    exportTimeoutMs: number;
  };
  logLevel: LogLevel;
  health: { address: string; livenessPath: string; readinessPath: string };
  metricsAddress: string;
}

export interface DropInRead {
  settings: DropInSettings;
  issues: LocatedIssue[];
  /** Things worth a warning at startup that are not errors. */
  warnings: string[];
}

export interface DropInContext {
  /** For the default client ID (`mqtt-otel-<hostname>`): HOSTNAME, else the OS host name. */
  hostname?: string;
  /** For OTEL_SERVICE_INSTANCE_ID without HOSTNAME. */
  uuid?: () => string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A value as an error may quote it: long ones cut short. */
function shown(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

class EnvReader {
  readonly issues: LocatedIssue[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, undefined when unset or blank. */
  get(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  fail(name: string, message: string): void {
    this.issues.push({ path: [name], message });
  }

  string(name: string, def: string): string {
    return this.get(name) ?? def;
  }

  int(name: string, def: number, min: number, max: number, why = ''): number {
    const raw = this.get(name);
    if (raw === undefined) return def;
    const n = /^\+?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max)) {
      this.fail(name, `${shown(raw)} must be an integer from ${min} to ${max}${why}`);
      return def;
    }
    return n;
  }

  bool(name: string, def: boolean): boolean {
    const raw = this.get(name);
    if (raw === undefined) return def;
    const v = raw.toLowerCase();
    if (v === 'true' || v === 'false') return v === 'true';
    this.fail(name, `${shown(raw)} must be true or false`);
    return def;
  }

  ratio(name: string, def: number): number {
    const raw = this.get(name);
    if (raw === undefined) return def;
    const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 0 && n <= 1)) {
      this.fail(name, `${shown(raw)} must be a number from 0 to 1`);
      return def;
    }
    return n;
  }

  address(name: string, def: string): string {
    const raw = this.get(name);
    if (raw === undefined) return def;
    try {
      parseHostPort(raw);
    } catch {
      this.fail(name, `${shown(raw)} must be host:port, e.g. 0.0.0.0:8080`);
      return def;
    }
    return raw;
  }
}

/** `trace` and a tracing-subscriber directive such as `info,mqtt=debug` (its bare level) as otelhub's levels. */
function logLevel(r: EnvReader, warnings: string[]): LogLevel {
  const raw = r.get('APP_LOG_LEVEL');
  if (raw === undefined) return 'info';
  const bare = raw.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== '' && !d.includes('='));
  const level = bare.at(-1);
  if (level === undefined) {
    warnings.push(`APP_LOG_LEVEL "${raw}" has per-target directives only, which otelhub does not have: logging at info`);
    return 'info';
  }
  const mapped: Record<string, LogLevel> = { trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', off: 'error' };
  const out = mapped[level];
  if (out === undefined) {
    r.fail('APP_LOG_LEVEL', `${shown(raw)} must be trace, debug, info, warn, error or off, optionally with per-target directives (info,mqtt=debug)`);
    return 'info';
  }
  if (level === 'off') warnings.push('APP_LOG_LEVEL "off": otelhub always logs errors');
  return out;
}

/** As config.rs: blank gives the default, a missing leading `/` is added. */
function healthPath(r: EnvReader, name: string, def: string): string {
  const raw = r.get(name);
  if (raw === undefined) return def;
  return raw.startsWith('/') ? raw : `/${raw}`;
}

function brokerHost(r: EnvReader): string {
  const host = r.string('MQTT_BROKER_HOST', 'localhost');
  // An IPv6 address has at least two colons; `host:port` has one and is refused below.
  const bareV6 = /^[0-9A-Fa-f:.]+$/.test(host) && host.split(':').length > 2;
  if (!bareV6 && !/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$/.test(host)) {
    r.fail('MQTT_BROKER_HOST', `${shown(host)} must be a host name or IP address (the port goes in MQTT_BROKER_PORT)`);
  }
  return bareV6 ? `[${host}]` : host;
}

function topicFilters(r: EnvReader): string[] {
  const raw = r.get('MQTT_TOPIC_FILTERS');
  const topics = (raw ?? 'telemetry/#').split(',').map((t) => t.trim()).filter((t) => t !== '');
  // Unreachable for an unset variable (blank is unset), but ", ," is set and holds no filter.
  if (topics.length === 0) r.fail('MQTT_TOPIC_FILTERS', `${shown(raw ?? '')} must hold at least one topic filter`);
  for (const t of topics) {
    const issue = t.startsWith('$share/') ? 'give the group in MQTT_SHARED_SUBSCRIPTION and the plain filter here' : topicFilterIssue(t);
    if (issue) r.fail('MQTT_TOPIC_FILTERS', `${shown(t)} is not a valid topic filter: ${issue}`);
  }
  return topics;
}

function sharedGroup(r: EnvReader, env: Env): string | undefined {
  const raw = env.MQTT_SHARED_SUBSCRIPTION;
  // Unset: the original's default; set but blank: no shared subscription.
  const group = raw === undefined ? 'edge-ai' : raw.trim();
  if (group === '') return undefined;
  if (/[/+#]/.test(group)) r.fail('MQTT_SHARED_SUBSCRIPTION', `${shown(group)} must not contain "/", "+" or "#"`);
  return group;
}

function clientIdFor(host: string): string {
  return `mqtt-otel-${host.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

function mqttSettings(r: EnvReader, env: Env, ctx: DropInContext, warnings: string[]): DropInSettings['mqtt'] {
  const host = brokerHost(r);
  const port = r.int('MQTT_BROKER_PORT', 1883, 1, MAX_UINT16);
  const maxBackoff = Math.floor(MAX_TIMER_MS / 1000);
  const minBackoffSecs = r.int('MQTT_RETRY_MIN_BACKOFF_SECS', 5, 1, maxBackoff);
  const maxBackoffSecs = r.int('MQTT_RETRY_MAX_BACKOFF_SECS', 60, 1, maxBackoff);
  if (minBackoffSecs > maxBackoffSecs) {
    r.fail('MQTT_RETRY_MIN_BACKOFF_SECS', `${minBackoffSecs} must be at most MQTT_RETRY_MAX_BACKOFF_SECS (${maxBackoffSecs})`);
  }
  const satTokenPath = r.get('MQTT_SAT_TOKEN_PATH');
  const caPath = r.get('MQTT_CA_CERT_PATH');
  const certPath = r.get('MQTT_X509_CERT_PATH');
  const keyPath = r.get('MQTT_X509_KEY_PATH');
  // The original silently ignores half a key pair; a client certificate that is never sent is a deployment mistake.
  if (certPath !== undefined && keyPath === undefined) r.fail('MQTT_X509_KEY_PATH', 'must be set with MQTT_X509_CERT_PATH (the client certificate needs its key)');
  if (keyPath !== undefined && certPath === undefined) r.fail('MQTT_X509_CERT_PATH', 'must be set with MQTT_X509_KEY_PATH (the key needs its client certificate)');
  const material = satTokenPath !== undefined || caPath !== undefined || (certPath !== undefined && keyPath !== undefined);
  let tls = r.bool('MQTT_USE_TLS', material);
  if (material && !tls) {
    warnings.push('MQTT_USE_TLS is false but TLS material (MQTT_SAT_TOKEN_PATH, MQTT_CA_CERT_PATH or an X.509 key pair) is set: TLS enabled, as the Rust exporter does');
    tls = true;
  }
  return {
    host,
    port,
    clientId: r.string('MQTT_CLIENT_ID', clientIdFor(ctx.hostname ?? r.get('HOSTNAME') ?? osHostname())),
    topics: topicFilters(r),
    sharedGroup: sharedGroup(r, env),
    sessionExpirySecs: r.int('MQTT_SESSION_EXPIRY_SECS', 86_400, 1, MAX_UINT32),
    receiveMax: r.int('MQTT_RECEIVE_MAX', 128, 1, MAX_UINT16),
    keepAliveSecs: r.int('MQTT_KEEP_ALIVE_SECS', 30, 1, MAX_UINT16, ' (the heartbeat is published every keep-alive)'),
    minBackoffSecs,
    maxBackoffSecs,
    tls,
    satTokenPath,
    caPath,
    certPath,
    keyPath,
  };
}

function telemetrySettings(r: EnvReader, ctx: DropInContext, warnings: string[]): DropInSettings['telemetry'] {
  let endpoint = r.get('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint === undefined) {
    endpoint = DEFAULT_OTLP_ENDPOINT;
    warnings.push(
      `OTEL_EXPORTER_OTLP_ENDPOINT is not set: exporting to ${DEFAULT_OTLP_ENDPOINT} (the OTLP default); until a collector answers there, messages stay unacknowledged on the broker`,
    );
  } else {
    try {
      if (parseGrpcEndpoint(endpoint).security === 'from-tls-config') {
        warnings.push('OTEL_EXPORTER_OTLP_ENDPOINT has no scheme: the otlp exporter uses TLS for host:port (the Collector\'s rule); write http:// for plain text');
      }
    } catch (err) {
      r.fail('OTEL_EXPORTER_OTLP_ENDPOINT', (err as Error).message);
    }
  }
  const batchSize = r.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1, Number.MAX_SAFE_INTEGER);
  const queueSize = r.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1, Number.MAX_SAFE_INTEGER);
  if (batchSize > queueSize) r.fail('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', `${batchSize} must be at most OTEL_BSP_MAX_QUEUE_SIZE (${queueSize})`);
  return {
    endpoint,
    serviceName: r.string('OTEL_SERVICE_NAME', 'mqtt-otel-trace-exporter'),
    serviceNamespace: r.string('OTEL_SERVICE_NAMESPACE', 'edge-ai'),
    instanceId: r.get('OTEL_SERVICE_INSTANCE_ID') ?? r.get('HOSTNAME') ?? (ctx.uuid ?? randomUUID)(),
    samplingRatio: r.ratio('OTEL_TRACES_SAMPLER_ARG', 1),
    batchSize,
    queueSize,
    scheduleDelayMs: r.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 1, MAX_TIMER_MS),
    exportTimeoutMs: r.int('OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1, MAX_TIMER_MS),
  };
}

function healthSettings(r: EnvReader): DropInSettings['health'] {
  const address = r.address('HTTP_HEALTH_ADDR', '0.0.0.0:8080');
  const livenessPath = healthPath(r, 'HTTP_HEALTH_LIVENESS_PATH', '/healthz');
  const readinessPath = healthPath(r, 'HTTP_HEALTH_READINESS_PATH', '/readyz');
  // `/` is health_check's `path`, the Collector-compatible JSON status.
  if (livenessPath === '/') r.fail('HTTP_HEALTH_LIVENESS_PATH', '"/" is taken by the JSON health status: use another path');
  if (readinessPath === '/') r.fail('HTTP_HEALTH_READINESS_PATH', '"/" is taken by the JSON health status: use another path');
  if (livenessPath === readinessPath) r.fail('HTTP_HEALTH_READINESS_PATH', `${shown(readinessPath)} must differ from HTTP_HEALTH_LIVENESS_PATH`);
  return { address, livenessPath, readinessPath };
}

/** Every setting with its default; `issues` lists every invalid value (the settings then hold defaults for them). */
export function readDropInEnv(env: Env, ctx: DropInContext = {}): DropInRead {
  const r = new EnvReader(env);
  const warnings: string[] = [];
  const settings: DropInSettings = {
    mqtt: mqttSettings(r, env, ctx, warnings),
    correlation: {
      fieldName: r.string('CORRELATION_ID_FIELD', 'correlationId'),
      allowGenerated: r.bool('CORRELATION_ALLOW_GENERATED', true),
    },
    telemetry: telemetrySettings(r, ctx, warnings),
    logLevel: logLevel(r, warnings),
    health: healthSettings(r),
    metricsAddress: r.address('OTELHUB_METRICS_ADDRESS', 'localhost:8888'),
  };
  return { settings, issues: r.issues, warnings };
}

/** Drop-in mode: no --config and at least one of the original's own variables set to something. */
export function isDropIn(env: Env): boolean {
  return DROP_IN_TRIGGERS.some((name) => (env[name]?.trim() ?? '') !== '');
}
