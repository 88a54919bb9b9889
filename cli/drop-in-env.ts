// Reads the Rust MQTT-to-OpenTelemetry trace exporter's environment variables with its defaults and its checks
// (its src/config.rs and logging.rs, and OTEL_RESOURCE_ATTRIBUTES, which its OpenTelemetry SDK read), collecting
// every problem instead of stopping at the first, each under the variable's name. Empty or blank values count as
// unset everywhere (a Helm chart renders an unset value as ""), except MQTT_SHARED_SUBSCRIPTION, where blank means
// "no shared subscription" as in the original.
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { LogLevel } from '../core/logger.ts';
import { parseHostPort } from '../core/net.ts';
import { MAX_TIMER_MS } from '../config/duration.ts';
import type { LocatedIssue } from '../config/issues.ts';
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT } from '../config/telemetry-config.ts';
import { parseGrpcEndpoint } from '../exporters/otlp_grpc/config.ts';
import { DEFAULT_PATH as HEALTH_STATUS_PATH } from '../extensions/health_check/config.ts';
import { fieldNameIssue } from '../processors/correlation/config.ts';
import type { ScaleOutSettings } from './drop-in-membership.ts';
import { readScaleOut } from './drop-in-membership.ts';
import {
  METRICS_ADDRESS_DEPRECATED,
  METRICS_ADDRESS_VAR,
  METRICS_HOST_VAR,
  METRICS_PORT_VAR,
  metricsAddressOf,
} from './metrics-env.ts';
import {
  MAX_KEEP_ALIVE_SECS,
  MAX_RECEIVE_MAXIMUM,
  MAX_SESSION_EXPIRY_SECS,
  topicFilterIssue,
} from '../receivers/mqtt/config.ts';

/**
 * The variables that switch a config-less `otelhub` into drop-in mode: the original's own. OTEL_* are the
 * OpenTelemetry SDKs' variables, RUST_LOG is every Rust program's, and APP_LOG_LEVEL / HTTP_HEALTH_* are generic
 * names, often set in a pod for other reasons: alone they must not turn a hub into a trace exporter. They are read
 * once drop-in mode is on.
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
const MAX_PORT = 65_535;

export const CONSOLE_VARS = { endpoint: 'OTELHUB_CONSOLE_ENDPOINT', tokenFile: 'OTELHUB_CONSOLE_TOKEN_FILE' } as const;

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
    /** The resource in print order; `from` says where each value came from (a comment in the YAML). */
    resource: { key: string; value: string; from: string }[];
    samplingRatio: number;
    batchSize: number;
    queueSize: number;
    scheduleDelayMs: number;
    exportTimeoutMs: number;
  };
  logLevel: LogLevel;
  /** The variable the level came from: RUST_LOG or APP_LOG_LEVEL. */
  logLevelFrom: string;
  health: { address: string; livenessPath: string; readinessPath: string };
  /** otelhub's own metrics; `fromAddress` when the deprecated OTELHUB_METRICS_ADDRESS gave them. */
  metrics: { host: string; port: number; fromAddress: boolean };
  /** otelhub's own console (extensions/console), only when OTELHUB_CONSOLE_ENDPOINT is set. */
  console: { endpoint: string; tokenFile: string | undefined } | undefined;
  /** otelhub's own: the receiver's membership block and service.shutdown_timeout, each only when set. */
  scaleOut: ScaleOutSettings;
}

export interface DropInRead {
  settings: DropInSettings;
  issues: LocatedIssue[];
  /** Things worth a warning at startup that are not errors. */
  warnings: string[];
}

export interface DropInContext {
  /** The machine's host name (os.hostname() unless given), for the client ID and the instance ID without HOSTNAME. */
  hostname?: string;
  /** For service.instance.id when there is no host name at all. */
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

// One directive of a tracing-subscriber EnvFilter (its directive.rs): a level alone, or a target and/or a
// `[span{fields}]` with an optional `=level` (a target without one means every level of that target). Levels are
// case-insensitive names or 0 (off) to 5 (trace). Whitespace around a directive is allowed here, not by EnvFilter.
const FILTER_LEVEL = String.raw`(?:trace|debug|info|warn|error|off|[0-5])`;
const DIRECTIVE = new RegExp(
  String.raw`^(?:(?<bare>${FILTER_LEVEL})|(?:[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}:-]+|\[[^\]]*\]){1,2}(?:=${FILTER_LEVEL}?)?)$`,
  'iu',
);
const LEVEL_OF: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  off: 'error',
};
const LEVEL_NAMES = ['off', 'error', 'warn', 'info', 'debug', 'trace'];

/** An EnvFilter directive list: its last bare level (lower-case name), or the first directive that is not one. */
function envFilter(raw: string): { ok: true; bare: string | undefined } | { ok: false; bad: string } {
  let bare: string | undefined;
  // EnvFilter skips empty directives too.
  for (const d of raw
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    const m = DIRECTIVE.exec(d);
    if (!m) return { ok: false, bad: d };
    const level = m.groups?.bare?.toLowerCase();
    if (level !== undefined) bare = LEVEL_NAMES[Number(level)] ?? level;
  }
  return { ok: true, bare };
}

/** otelhub's level for a valid filter: its bare level (trace as debug, off as error), else info with a warning. */
function filterLevel(name: string, raw: string, bare: string | undefined, warnings: string[]): LogLevel {
  if (bare === undefined) {
    warnings.push(
      `${name} ${shown(raw)} has per-target directives only (a bare name is a target), which otelhub does not have: logging at info`,
    );
    return 'info';
  }
  if (bare === 'off') warnings.push(`${name} ${shown(raw)}: otelhub always logs errors`);
  return LEVEL_OF[bare] ?? 'info';
}

/**
 * As the original's logging.rs: RUST_LOG when it is a valid filter (then APP_LOG_LEVEL is never read), else
 * APP_LOG_LEVEL, else info. Only an invalid APP_LOG_LEVEL is an error: the original failed on it alone.
 */
function logLevel(r: EnvReader, warnings: string[]): Pick<DropInSettings, 'logLevel' | 'logLevelFrom'> {
  const rust = r.get('RUST_LOG');
  if (rust !== undefined) {
    const f = envFilter(rust);
    if (f.ok) {
      if (r.get('APP_LOG_LEVEL') !== undefined)
        warnings.push('RUST_LOG is set: APP_LOG_LEVEL is ignored, as the Rust exporter does');
      return { logLevel: filterLevel('RUST_LOG', rust, f.bare, warnings), logLevelFrom: 'RUST_LOG' };
    }
    warnings.push(
      `RUST_LOG ${shown(rust)} is not a valid tracing filter (${shown(f.bad)}): using APP_LOG_LEVEL, as the Rust exporter does`,
    );
  }
  const raw = r.get('APP_LOG_LEVEL');
  if (raw === undefined) return { logLevel: 'info', logLevelFrom: 'APP_LOG_LEVEL' };
  const f = envFilter(raw);
  if (!f.ok) {
    r.fail(
      'APP_LOG_LEVEL',
      `${shown(raw)} must be trace, debug, info, warn, error or off, or a tracing filter: comma-separated directives such as info,mqtt=debug or target[span{field}]=level (${shown(f.bad)} is not one)`,
    );
    return { logLevel: 'info', logLevelFrom: 'APP_LOG_LEVEL' };
  }
  return { logLevel: filterLevel('APP_LOG_LEVEL', raw, f.bare, warnings), logLevelFrom: 'APP_LOG_LEVEL' };
}

/** The processor's own check of the path, so a path without a key fails here, by name. */
function correlationField(r: EnvReader): string {
  const raw = r.get('CORRELATION_ID_FIELD');
  if (raw === undefined) return 'correlationId';
  // Not blank (that is unset), so the only issue left is a path of dots.
  if (fieldNameIssue(raw) !== undefined) {
    r.fail(
      'CORRELATION_ID_FIELD',
      `${shown(raw)} has no key between its dots: give a dot-delimited path such as meta.correlationId`,
    );
    return 'correlationId';
  }
  return raw;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES as the OpenTelemetry SDK environment spec reads it: `key=value` pairs, comma-separated,
 * trimmed, values percent-decoded (`,`, `=` and `%` in a value must be encoded); a later key wins. Empty entries are
 * skipped; a malformed one is an error (the original's Rust SDK dropped it silently).
 */
function resourceAttributes(r: EnvReader): Map<string, string> {
  const out = new Map<string, string>();
  const raw = r.get('OTEL_RESOURCE_ATTRIBUTES');
  if (raw === undefined) return out;
  for (const entry of raw.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const key = entry.slice(0, Math.max(eq, 0)).trim();
    const encoded = entry.slice(eq + 1).trim();
    let value: string | undefined;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      // Not valid percent-encoding, or not UTF-8 once decoded: reported below.
    }
    if (eq < 0 || key === '' || encoded.includes('=') || value === undefined) {
      r.fail(
        'OTEL_RESOURCE_ATTRIBUTES',
        `${shown(entry)} must be key=value, with "," "=" and "%" in the value percent-encoded (%2C %3D %25)`,
      );
      continue;
    }
    out.set(key, value);
  }
  return out;
}

/**
 * service.name, service.namespace and service.instance.id from their variables, else from OTEL_RESOURCE_ATTRIBUTES
 * (as OTel SDKs do), else the original's defaults; then the rest of OTEL_RESOURCE_ATTRIBUTES. The instance ID falls
 * back on HOSTNAME, then the host name (stable across restarts and equal to what print-config shows), then a UUID.
 */
function resource(r: EnvReader, ctx: DropInContext): DropInSettings['telemetry']['resource'] {
  const attrs = resourceAttributes(r);
  const service = (key: string, name: string, fallback: () => { value: string; from: string }) => {
    const own = r.get(name);
    const attr = attrs.get(key);
    attrs.delete(key);
    if (own !== undefined) return { key, value: own, from: name };
    if (attr !== undefined) return { key, value: attr, from: `OTEL_RESOURCE_ATTRIBUTES (${name} is unset)` };
    return { key, ...fallback() };
  };
  const out = [
    service('service.name', 'OTEL_SERVICE_NAME', () => ({
      value: 'mqtt-otel-trace-exporter',
      from: 'OTEL_SERVICE_NAME',
    })),
    service('service.namespace', 'OTEL_SERVICE_NAMESPACE', () => ({
      value: 'edge-ai',
      from: 'OTEL_SERVICE_NAMESPACE',
    })),
    service('service.instance.id', 'OTEL_SERVICE_INSTANCE_ID', () => {
      const env = r.get('HOSTNAME');
      if (env !== undefined) return { value: env, from: 'HOSTNAME (OTEL_SERVICE_INSTANCE_ID is unset)' };
      const host = machineHostname(ctx);
      if (host !== '') return { value: host, from: 'the host name (OTEL_SERVICE_INSTANCE_ID and HOSTNAME are unset)' };
      return {
        value: (ctx.uuid ?? randomUUID)(),
        from: 'a random UUID (no OTEL_SERVICE_INSTANCE_ID, HOSTNAME or host name)',
      };
    }),
  ];
  for (const [key, value] of attrs) out.push({ key, value, from: 'OTEL_RESOURCE_ATTRIBUTES' });
  return out;
}

function machineHostname(ctx: DropInContext): string {
  return (ctx.hostname ?? osHostname()).trim();
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
  const topics = (raw ?? 'telemetry/#')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  // Unreachable for an unset variable (blank is unset), but ", ," is set and holds no filter.
  if (topics.length === 0) r.fail('MQTT_TOPIC_FILTERS', `${shown(raw ?? '')} must hold at least one topic filter`);
  for (const t of topics) {
    const issue = t.startsWith('$share/')
      ? 'give the group in MQTT_SHARED_SUBSCRIPTION and the plain filter here'
      : topicFilterIssue(t);
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
  const port = r.int('MQTT_BROKER_PORT', 1883, 1, MAX_PORT);
  const maxBackoff = Math.floor(MAX_TIMER_MS / 1000);
  const minBackoffSecs = r.int('MQTT_RETRY_MIN_BACKOFF_SECS', 5, 1, maxBackoff);
  const maxBackoffSecs = r.int('MQTT_RETRY_MAX_BACKOFF_SECS', 60, 1, maxBackoff);
  if (minBackoffSecs > maxBackoffSecs) {
    r.fail(
      'MQTT_RETRY_MIN_BACKOFF_SECS',
      `${minBackoffSecs} must be at most MQTT_RETRY_MAX_BACKOFF_SECS (${maxBackoffSecs})`,
    );
  }
  const satTokenPath = r.get('MQTT_SAT_TOKEN_PATH');
  const caPath = r.get('MQTT_CA_CERT_PATH');
  const certPath = r.get('MQTT_X509_CERT_PATH');
  const keyPath = r.get('MQTT_X509_KEY_PATH');
  // The original silently ignores half a key pair; a client certificate that is never sent is a deployment mistake.
  if (certPath !== undefined && keyPath === undefined)
    r.fail('MQTT_X509_KEY_PATH', 'must be set with MQTT_X509_CERT_PATH (the client certificate needs its key)');
  if (keyPath !== undefined && certPath === undefined)
    r.fail('MQTT_X509_CERT_PATH', 'must be set with MQTT_X509_KEY_PATH (the key needs its client certificate)');
  const material =
    satTokenPath !== undefined || caPath !== undefined || (certPath !== undefined && keyPath !== undefined);
  let tls = r.bool('MQTT_USE_TLS', material);
  if (material && !tls) {
    warnings.push(
      'MQTT_USE_TLS is false but TLS material (MQTT_SAT_TOKEN_PATH, MQTT_CA_CERT_PATH or an X.509 key pair) is set: TLS enabled, as the Rust exporter does',
    );
    tls = true;
  }
  return {
    host,
    port,
    clientId: r.string('MQTT_CLIENT_ID', clientIdFor(r.get('HOSTNAME') ?? machineHostname(ctx))),
    topics: topicFilters(r),
    sharedGroup: sharedGroup(r, env),
    sessionExpirySecs: r.int('MQTT_SESSION_EXPIRY_SECS', 86_400, 1, MAX_SESSION_EXPIRY_SECS),
    receiveMax: r.int('MQTT_RECEIVE_MAX', 128, 1, MAX_RECEIVE_MAXIMUM),
    keepAliveSecs: r.int(
      'MQTT_KEEP_ALIVE_SECS',
      30,
      1,
      MAX_KEEP_ALIVE_SECS,
      ' (the heartbeat is published every keep-alive)',
    ),
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
        warnings.push(
          "OTEL_EXPORTER_OTLP_ENDPOINT has no scheme: the otlp_grpc exporter uses TLS for host:port (the Collector's rule); write http:// for plain text",
        );
      }
    } catch (err) {
      r.fail('OTEL_EXPORTER_OTLP_ENDPOINT', (err as Error).message);
    }
  }
  const batchSize = r.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1, Number.MAX_SAFE_INTEGER);
  const queueSize = r.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1, Number.MAX_SAFE_INTEGER);
  if (batchSize > queueSize)
    r.fail('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', `${batchSize} must be at most OTEL_BSP_MAX_QUEUE_SIZE (${queueSize})`);
  return {
    endpoint,
    resource: resource(r, ctx),
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
  // The drop-in YAML leaves health_check's `path`, the Collector-compatible JSON status, at its default.
  const taken = `${shown(HEALTH_STATUS_PATH)} is taken by the JSON health status: use another path`;
  if (livenessPath === HEALTH_STATUS_PATH) r.fail('HTTP_HEALTH_LIVENESS_PATH', taken);
  if (readinessPath === HEALTH_STATUS_PATH) r.fail('HTTP_HEALTH_READINESS_PATH', taken);
  if (livenessPath === readinessPath)
    r.fail('HTTP_HEALTH_READINESS_PATH', `${shown(readinessPath)} must differ from HTTP_HEALTH_LIVENESS_PATH`);
  return { address, livenessPath, readinessPath };
}

/** The console when OTELHUB_CONSOLE_ENDPOINT is set; with OTELHUB_CONSOLE_TOKEN_FILE it asks for that token. */
function consoleSettings(r: EnvReader): DropInSettings['console'] {
  if (r.get(CONSOLE_VARS.endpoint) === undefined) {
    if (r.get(CONSOLE_VARS.tokenFile) !== undefined)
      r.fail(CONSOLE_VARS.tokenFile, `is set but ${CONSOLE_VARS.endpoint} is not: the console is off`);
    return undefined;
  }
  return { endpoint: r.address(CONSOLE_VARS.endpoint, ''), tokenFile: r.get(CONSOLE_VARS.tokenFile) };
}

/** Every setting with its default; `issues` lists every invalid value (the settings then hold defaults for them). */
export function readDropInEnv(env: Env, ctx: DropInContext = {}): DropInRead {
  const r = new EnvReader(env);
  const warnings: string[] = [];
  const mqtt = mqttSettings(r, env, ctx, warnings);
  const settings: DropInSettings = {
    mqtt,
    correlation: {
      fieldName: correlationField(r),
      allowGenerated: r.bool('CORRELATION_ALLOW_GENERATED', true),
    },
    telemetry: telemetrySettings(r, ctx, warnings),
    ...logLevel(r, warnings),
    health: healthSettings(r),
    metrics: metricsSettings(r, env, warnings),
    console: consoleSettings(r),
    scaleOut: readScaleOut(r, mqtt.sharedGroup),
  };
  return { settings, issues: r.issues, warnings };
}

/** OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT, or the deprecated OTELHUB_METRICS_ADDRESS in place of both. */
function metricsSettings(r: EnvReader, env: Env, warnings: string[]): DropInSettings['metrics'] {
  const a = metricsAddressOf(env);
  if (a !== undefined && 'message' in a) r.fail(METRICS_ADDRESS_VAR, a.message);
  else if (a !== undefined) {
    warnings.push(METRICS_ADDRESS_DEPRECATED);
    return { ...a, fromAddress: true };
  }
  return {
    host: r.string(METRICS_HOST_VAR, DEFAULT_METRICS_HOST),
    port: r.int(METRICS_PORT_VAR, DEFAULT_METRICS_PORT, 0, MAX_PORT),
    fromAddress: false,
  };
}

/** Drop-in mode: no --config and at least one of the original's own variables set to something. */
export function isDropIn(env: Env): boolean {
  return DROP_IN_TRIGGERS.some((name) => (env[name]?.trim() ?? '') !== '');
}
