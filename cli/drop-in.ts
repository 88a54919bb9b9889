// Drop-in mode: `otelhub` without --config, started with the Rust MQTT-to-OpenTelemetry trace exporter's
// environment variables, runs that exporter's pipeline (mqtt -> correlation -> batch -> otlp_grpc). The pipeline is built
// as YAML text with literal values, each commented with the variable behind it, and loaded like any config file:
// `otelhub print-config` prints exactly what runs, and a user can save it and graduate to a config file.
import { stringify } from 'yaml';
import { ConfigError } from '../config/issues.ts';
import { heartbeatTopicFor } from '../receivers/mqtt/config.ts';
import type { DropInContext, DropInSettings } from './drop-in-env.ts';
import type { DropInMembership } from './drop-in-membership.ts';
import { MEMBERSHIP_VARS, SHUTDOWN_TIMEOUT_VAR } from './drop-in-membership.ts';
import { CONSOLE_VARS, readDropInEnv } from './drop-in-env.ts';
import type { HubOptions } from './hub.ts';

export { isDropIn } from './drop-in-env.ts';

export const DROP_IN_CONFIG_NAME = '<drop-in config from environment variables>';

/** The original's tracer name, which its spans carry as instrumentation scope. */
const SCOPE_NAME = 'mqtt-otel-trace-exporter';

export interface DropInConfig {
  text: string;
  /** To log at startup (also written into the text as comments). */
  warnings: string[];
}

/**
 * `<base>/heartbeat` as the receiver derives it, but `health/heartbeat` when the first filter has no level before
 * its first wildcard (`#`, `+/x`), which is the original's fallback. Where the original only trimmed a trailing `#`
 * (`a/+/b` gave `a/+/b/heartbeat`, which no broker accepts for a publish), this stops at the first wildcard.
 */
export function dropInHeartbeatTopic(firstFilter: string): string {
  const topic = heartbeatTopicFor(firstFilter);
  return topic === 'heartbeat' ? 'health/heartbeat' : topic;
}

/** One YAML scalar on one line. `$` is doubled: the loader expands `${env:...}` in every string. */
function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  const escaped = v.replaceAll('$', () => '$$');
  const plain = stringify(escaped, { lineWidth: 0 }).trimEnd();
  // A value with a line break would become a block scalar; JSON's quoting is valid YAML on one line.
  return plain.includes('\n') ? JSON.stringify(escaped) : plain;
}

/** A map key on one line. Keys are not expanded by the loader, so `$` stays as it is. */
function key(k: string): string {
  const plain = stringify(k, { lineWidth: 0 }).trimEnd();
  return plain.includes('\n') ? JSON.stringify(k) : plain;
}

type Line = readonly [text: string, comment?: string];

/** Lines with their comments aligned in one column (long lines keep theirs right after). */
function render(lines: readonly Line[]): string {
  const width = Math.max(...lines.filter(([t, c]) => c !== undefined && t.length <= 48).map(([t]) => t.length));
  return lines.map(([t, c]) => (c === undefined ? t : `${t.padEnd(width)}  # ${c}`)).join('\n') + '\n';
}

function membershipLines(m: DropInMembership): Line[] {
  const v = MEMBERSHIP_VARS;
  const lines: Line[] = [];
  if (m.enabled !== undefined) lines.push([`      enabled: ${m.enabled}`, v.enabled]);
  if (m.topic !== undefined) lines.push([`      topic: ${scalar(m.topic)}`, v.topic]);
  if (m.adoptAfter !== undefined) lines.push([`      adopt_after: ${scalar(m.adoptAfter)}`, v.adoptAfter]);
  if (m.leaveOnShutdown !== undefined) lines.push([`      leave_on_shutdown: ${m.leaveOnShutdown}`, v.leaveOnShutdown]);
  if (m.drainIdle !== undefined) lines.push([`      drain_idle: ${scalar(m.drainIdle)}`, v.drainIdle]);
  // Nothing set: the receiver's defaults (on with a shared group and a persistent session, as here).
  return lines.length > 0 ? [['    membership:'], ...lines] : [];
}

function receiverLines(m: DropInSettings['mqtt'], membership: DropInMembership): Line[] {
  const tls = m.tls ? 'mqtts' : 'mqtt';
  const lines: Line[] = [
    ['receivers:'],
    ['  mqtt:'],
    [
      `    endpoint: ${scalar(`${tls}://${m.host}:${m.port}`)}`,
      'MQTT_BROKER_HOST, MQTT_BROKER_PORT; mqtts: MQTT_USE_TLS or TLS material set',
    ],
    ['    topics:', 'MQTT_TOPIC_FILTERS'],
    ...m.topics.map((t): Line => [`      - ${scalar(t)}`]),
  ];
  if (m.sharedGroup !== undefined)
    lines.push([`    shared_group: ${scalar(m.sharedGroup)}`, 'MQTT_SHARED_SUBSCRIPTION']);
  else lines.push(['    # no shared_group: MQTT_SHARED_SUBSCRIPTION is blank']);
  lines.push(
    [
      `    client_id: ${scalar(m.clientId)}`,
      'MQTT_CLIENT_ID (default mqtt-otel-<hostname>: the session survives restarts)',
    ],
    ['    clean_start: false', 'a persistent session, as the original'],
    [`    session_expiry: ${m.sessionExpirySecs}s`, 'MQTT_SESSION_EXPIRY_SECS'],
    [`    receive_maximum: ${m.receiveMax}`, 'MQTT_RECEIVE_MAX'],
    [`    keep_alive: ${m.keepAliveSecs}s`, 'MQTT_KEEP_ALIVE_SECS'],
    ['    reconnect:'],
    [`      min: ${m.minBackoffSecs}s`, 'MQTT_RETRY_MIN_BACKOFF_SECS'],
    [`      max: ${m.maxBackoffSecs}s`, 'MQTT_RETRY_MAX_BACKOFF_SECS'],
    ...membershipLines(membership),
  );
  if (m.satTokenPath !== undefined)
    lines.push(['    auth:'], [`      sat_token_file: ${scalar(m.satTokenPath)}`, 'MQTT_SAT_TOKEN_PATH (K8S-SAT)']);
  const files: Line[] = [];
  if (m.caPath !== undefined) files.push([`      ca_file: ${scalar(m.caPath)}`, 'MQTT_CA_CERT_PATH']);
  if (m.certPath !== undefined) files.push([`      cert_file: ${scalar(m.certPath)}`, 'MQTT_X509_CERT_PATH']);
  if (m.keyPath !== undefined) files.push([`      key_file: ${scalar(m.keyPath)}`, 'MQTT_X509_KEY_PATH']);
  if (files.length > 0) lines.push(['    tls:'], ...files);
  const first = m.topics[0] ?? '#';
  lines.push(
    ['    heartbeat:'],
    ['      enabled: true', 'the original always publishes one'],
    [`      topic: ${scalar(dropInHeartbeatTopic(first))}`, 'from the first of MQTT_TOPIC_FILTERS'],
    [`      interval: ${m.keepAliveSecs}s`, 'MQTT_KEEP_ALIVE_SECS'],
    ['      payload: alive'],
  );
  return lines;
}

function processorLines(s: DropInSettings): Line[] {
  const { correlation: c, telemetry: t } = s;
  return [
    ['processors:'],
    ['  correlation:', 'MQTT messages -> one span each'],
    [`    field_name: ${scalar(c.fieldName)}`, 'CORRELATION_ID_FIELD'],
    [`    allow_generated: ${c.allowGenerated}`, 'CORRELATION_ALLOW_GENERATED'],
    [`    scope_name: ${SCOPE_NAME}`, "the original's tracer name"],
    [`    sampling_ratio: ${t.samplingRatio}`, 'OTEL_TRACES_SAMPLER_ARG'],
    ['    resource_attributes:'],
    ...t.resource.map((a): Line => [`      ${key(a.key)}: ${scalar(a.value)}`, a.from]),
    ['  batch:'],
    [`    send_batch_size: ${t.batchSize}`, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    [`    send_batch_max_size: ${t.batchSize}`, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    [`    timeout: ${t.scheduleDelayMs}ms`, 'OTEL_BSP_SCHEDULE_DELAY'],
  ];
}

function exporterLines(t: DropInSettings['telemetry']): Line[] {
  return [
    ['exporters:'],
    ['  otlp_grpc:'],
    [`    endpoint: ${scalar(t.endpoint)}`, 'OTEL_EXPORTER_OTLP_ENDPOINT (gRPC)'],
    [`    timeout: ${t.exportTimeoutMs}ms`, 'OTEL_BSP_EXPORT_TIMEOUT'],
    ['    sending_queue:'],
    // The SDK's queue held spans and dropped what did not fit. This one holds batches, and batches are often smaller
    // than OTEL_BSP_MAX_EXPORT_BATCH_SIZE (the batch timeout, or the receiver's in-flight window, sends them early):
    // queue/batch rounded up bounds the batches, not the spans. When full it refuses with a retryable error, so the
    // messages wait unacknowledged on the broker instead of being lost.
    ['      # queue_size bounds the number of batches waiting to be sent, not spans: at most'],
    ['      # ceil(OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BSP_MAX_EXPORT_BATCH_SIZE) batches, which hold at most'],
    ['      # OTEL_BSP_MAX_QUEUE_SIZE spans (rounded up to a whole batch) when batches are full, and fewer as they'],
    ['      # often are not. When full, a new batch is refused with a retryable error, not dropped: its messages'],
    ['      # stay unacknowledged on the broker.'],
    [
      `      queue_size: ${Math.ceil(t.queueSize / t.batchSize)}`,
      'OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BSP_MAX_EXPORT_BATCH_SIZE, rounded up',
    ],
  ];
}

/** The console (and the bearer token it asks for), when OTELHUB_CONSOLE_ENDPOINT is set. */
function consoleLines(c: DropInSettings['console']): { lines: Line[]; ids: string[] } {
  if (!c) return { lines: [], ids: [] };
  const lines: Line[] = [];
  const ids: string[] = [];
  if (c.tokenFile !== undefined) {
    lines.push(['  bearertokenauth/console:'], [`    filename: ${scalar(c.tokenFile)}`, CONSOLE_VARS.tokenFile]);
    ids.push('bearertokenauth/console');
  }
  lines.push(['  console:'], [`    endpoint: ${scalar(c.endpoint)}`, CONSOLE_VARS.endpoint]);
  if (c.tokenFile !== undefined) lines.push(['    auth:'], ['      authenticator: bearertokenauth/console']);
  ids.push('console');
  return { lines, ids };
}

function serviceLines(s: DropInSettings): Line[] {
  const h = s.health;
  const metrics = s.metrics;
  const [hostVar, portVar] = metrics.fromAddress
    ? ['OTELHUB_METRICS_ADDRESS (deprecated)', 'OTELHUB_METRICS_ADDRESS (deprecated)']
    : ['OTELHUB_METRICS_HOST', 'OTELHUB_METRICS_PORT'];
  const consoleExt = consoleLines(s.console);
  return [
    ['extensions:'],
    ['  health_check:'],
    [`    endpoint: ${scalar(h.address)}`, 'HTTP_HEALTH_ADDR'],
    [`    liveness_path: ${scalar(h.livenessPath)}`, 'HTTP_HEALTH_LIVENESS_PATH'],
    [`    readiness_path: ${scalar(h.readinessPath)}`, 'HTTP_HEALTH_READINESS_PATH'],
    ...consoleExt.lines,
    [''],
    ['service:'],
    [`  extensions: [${['health_check', ...consoleExt.ids].join(', ')}]`],
    ...(s.scaleOut.shutdownTimeout === undefined
      ? []
      : [[`  shutdown_timeout: ${scalar(s.scaleOut.shutdownTimeout)}`, SHUTDOWN_TIMEOUT_VAR] as const]),
    ['  telemetry:'],
    ['    logs:'],
    [
      `      level: ${s.logLevel}`,
      s.logLevelFrom === 'RUST_LOG' ? 'RUST_LOG (it overrides APP_LOG_LEVEL)' : 'APP_LOG_LEVEL',
    ],
    ['    metrics:'],
    ["      # otelhub's own metrics: Prometheus text on http://<host>:<port>/metrics"],
    ['      readers:'],
    ['        - pull:'],
    ['            exporter:'],
    ['              prometheus:'],
    [`                host: ${scalar(metrics.host)}`, hostVar],
    [`                port: ${metrics.port}`, portVar],
    ['  pipelines:'],
    ['    traces:'],
    ['      receivers: [mqtt]'],
    ['      processors: [correlation, batch]'],
    ['      exporters: [otlp_grpc]'],
  ];
}

/** The YAML for validated settings. */
export function renderDropIn(s: DropInSettings, warnings: readonly string[] = []): string {
  return render([
    ["# otelhub drop-in mode: the Rust MQTT-to-OpenTelemetry trace exporter's pipeline, built from its environment"],
    ['# variables (the comments name them). To keep it as a config file and edit it from there:'],
    ['#   otelhub print-config > hub.yaml && otelhub --config hub.yaml'],
    ...warnings.map((w): Line => [`# warning: ${w.replaceAll('\n', ' ')}`]),
    [''],
    ...receiverLines(s.mqtt, s.scaleOut.membership),
    [''],
    ...processorLines(s),
    [''],
    ...exporterLines(s.telemetry),
    [''],
    ...serviceLines(s),
  ]);
}

/** The drop-in config for `env`; throws ConfigError naming every variable with an invalid value. */
export function dropInConfig(env: Readonly<Record<string, string | undefined>>, ctx: DropInContext = {}): DropInConfig {
  const r = readDropInEnv(env, ctx);
  if (r.issues.length > 0) throw new ConfigError(r.issues);
  return { text: renderDropIn(r.settings, r.warnings), warnings: r.warnings };
}

/** How the hub runs in drop-in mode: the config as text, and what to log before it starts. */
export function dropInHubOptions(
  env: Readonly<Record<string, string | undefined>>,
  ctx: DropInContext = {},
): HubOptions {
  const d = dropInConfig(env, ctx);
  return {
    configText: { text: d.text, name: DROP_IN_CONFIG_NAME },
    notices: [
      {
        level: 'info',
        msg: 'drop-in mode: running the pipeline built from the Rust MQTT-to-OpenTelemetry trace exporter environment variables (otelhub print-config shows it)',
      },
      ...d.warnings.map((msg) => ({ level: 'warn' as const, msg })),
    ],
  };
}
