import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import type { HubConfig } from '../config/hub-config.ts';
import { ConfigError } from '../config/issues.ts';
import { DEFAULT_CONFIG, DEFAULT_CONFIG_NAME } from './default-config.ts';
import { DROP_IN_TRIGGERS, isDropIn } from './drop-in-env.ts';
import type { DropInContext } from './drop-in-env.ts';
import { dropInConfig, dropInHeartbeatTopic, dropInHubOptions } from './drop-in.ts';
import { loadHubConfig } from './hub.ts';
import { printConfig } from './print-config.ts';

type Env = Record<string, string>;
const PLUGIN = fileURLToPath(new URL('../examples/custom-processor/factory.ts', import.meta.url));
const CTX: DropInContext = { hostname: 'pod-0', uuid: () => '00000000-0000-4000-8000-000000000000' };

/** The config the hub runs in drop-in mode for `env`, loaded and checked like any config. */
async function resolved(env: Env, ctx: DropInContext = CTX): Promise<HubConfig> {
  const r = await loadHubConfig({ ...dropInHubOptions(env, ctx), env: {} });
  assert.deepEqual(r.issues, [], 'the drop-in YAML loads');
  assert.ok(r.config);
  return r.config;
}

function issuesOf(env: Env): { path: string; message: string }[] {
  try {
    dropInConfig(env, CTX);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  return [];
}

const mqtt = (c: HubConfig) => c.receivers.mqtt as Record<string, unknown>;
const at = (c: HubConfig, section: 'processors' | 'exporters' | 'extensions', id: string) =>
  (c[section] as Record<string, Record<string, unknown>>)[id];

describe('drop-in mode', () => {
  it('switches on with any of the original MQTT_* or CORRELATION_* variables, not with generic ones', () => {
    assert.equal(DROP_IN_TRIGGERS.length, 17);
    for (const name of DROP_IN_TRIGGERS) assert.equal(isDropIn({ [name]: 'x' }), true, name);
    assert.equal(isDropIn({}), false);
    assert.equal(isDropIn({ MQTT_BROKER_HOST: '', CORRELATION_ID_FIELD: '  ' }), false, 'blank is unset');
    assert.equal(
      isDropIn({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
        OTEL_SERVICE_NAME: 's',
        APP_LOG_LEVEL: 'debug',
        HTTP_HEALTH_ADDR: '0.0.0.0:1',
      }),
      false,
    );
    assert.equal(isDropIn({ MQTT_SOMETHING_ELSE: 'x' }), false, 'only the original variables');
    assert.equal(
      isDropIn({ OTEL_RESOURCE_ATTRIBUTES: 'a=b', RUST_LOG: 'debug' }),
      false,
      'SDK and tracing variables are generic too',
    );
  });

  it('has the original defaults', async () => {
    const c = await resolved({ MQTT_BROKER_HOST: 'localhost' });
    assert.deepEqual(mqtt(c), {
      endpoint: 'mqtt://localhost:1883',
      topics: ['telemetry/#'],
      shared_group: 'edge-ai',
      client_id: 'mqtt-otel-pod-0',
      clean_start: false,
      session_expiry: 86_400_000,
      receive_maximum: 128,
      keep_alive: 30_000,
      reconnect: { min: 5000, max: 60_000 },
      heartbeat: { enabled: true, topic: 'telemetry/heartbeat', interval: 30_000, payload: 'alive' },
      // The receiver's own defaults for what the original has no variable for.
      qos: 1,
      connect_timeout: 30_000,
      retry: { initial_interval: 1000, max_interval: 30_000 },
      max_inflight_bytes: 16 * 1024 * 1024,
      max_packet_size: 256 * 1024,
      // On, since the original's replicas share a group with persistent sessions: see the receiver's "Scaling out".
      membership: { topic: 'otelhub/members', adopt_after: 60_000, leave_on_shutdown: 'auto', drain_idle: 2000 },
    });
    assert.deepEqual(at(c, 'processors', 'correlation'), {
      field_name: 'correlationId',
      allow_generated: true,
      scope_name: 'mqtt-otel-trace-exporter',
      sampling_ratio: 1,
      resource_attributes: {
        'service.name': 'mqtt-otel-trace-exporter',
        'service.namespace': 'edge-ai',
        'service.instance.id': 'pod-0',
      },
      trace_context: true,
      semconv: { legacy: true, current: false },
    });
    assert.deepEqual(at(c, 'processors', 'batch'), { send_batch_size: 512, send_batch_max_size: 512, timeout: 5000 });
    const otlp = at(c, 'exporters', 'otlp_grpc');
    assert.equal(otlp?.endpoint, 'http://localhost:4317');
    assert.equal(otlp?.timeout, 30_000);
    assert.deepEqual(otlp?.sending_queue, {
      enabled: true,
      num_consumers: 10,
      queue_size: 4,
      sizer: 'requests',
      block_on_overflow: false,
    });
    assert.deepEqual(at(c, 'extensions', 'health_check'), {
      endpoint: '0.0.0.0:8080',
      path: '/',
      liveness_path: '/healthz',
      readiness_path: '/readyz',
    });
    assert.deepEqual(c.service.extensions, ['health_check']);
    assert.deepEqual(c.service.telemetry.logs.level, 'info');
    assert.deepEqual(
      c.service.telemetry.metrics.readers.map((r) => [r.host, r.port]),
      [['localhost', 8888]],
    );
    assert.deepEqual(c.service.pipelines, {
      traces: { receivers: ['mqtt'], processors: ['correlation', 'batch'], exporters: ['otlp_grpc'] },
    });
  });

  it('maps every variable', async () => {
    const env: Env = {
      MQTT_BROKER_HOST: 'aio-broker.azure-iot-operations',
      MQTT_BROKER_PORT: '18883',
      MQTT_CLIENT_ID: 'exporter-$1',
      MQTT_TOPIC_FILTERS: ' plant/+/telemetry , , alarms/# ',
      MQTT_SHARED_SUBSCRIPTION: ' tracers ',
      MQTT_SESSION_EXPIRY_SECS: '600',
      MQTT_RECEIVE_MAX: '16',
      MQTT_KEEP_ALIVE_SECS: '10',
      MQTT_RETRY_MIN_BACKOFF_SECS: '2',
      MQTT_RETRY_MAX_BACKOFF_SECS: '20',
      MQTT_USE_TLS: 'TRUE',
      MQTT_SAT_TOKEN_PATH: '/var/run/secrets/tokens/broker-sat',
      MQTT_CA_CERT_PATH: '/var/run/certs/ca.crt',
      CORRELATION_ID_FIELD: 'meta.traceId',
      CORRELATION_ALLOW_GENERATED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
      OTEL_SERVICE_NAME: 'tracer',
      OTEL_SERVICE_NAMESPACE: 'plant',
      OTEL_SERVICE_INSTANCE_ID: 'replica-1',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment=prod',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100',
      OTEL_BSP_MAX_QUEUE_SIZE: '1050',
      OTEL_BSP_SCHEDULE_DELAY: '250',
      OTEL_BSP_EXPORT_TIMEOUT: '7000',
      APP_LOG_LEVEL: 'trace',
      HTTP_HEALTH_ADDR: '127.0.0.1:9090',
      HTTP_HEALTH_LIVENESS_PATH: 'live',
      HTTP_HEALTH_READINESS_PATH: ' /ready ',
      OTELHUB_METRICS_HOST: '0.0.0.0',
      OTELHUB_METRICS_PORT: '9464',
    };
    const c = await resolved(env);
    const m = mqtt(c);
    assert.equal(m.endpoint, 'mqtts://aio-broker.azure-iot-operations:18883');
    assert.equal(m.client_id, 'exporter-$1', 'a $ survives the loader');
    assert.deepEqual(m.topics, ['plant/+/telemetry', 'alarms/#']);
    assert.equal(m.shared_group, 'tracers');
    assert.equal(m.session_expiry, 600_000);
    assert.equal(m.receive_maximum, 16);
    assert.equal(m.keep_alive, 10_000);
    assert.deepEqual(m.reconnect, { min: 2000, max: 20_000 });
    assert.deepEqual(m.auth, { sat_token_file: '/var/run/secrets/tokens/broker-sat' });
    assert.deepEqual((m.tls as Record<string, unknown>).ca_file, '/var/run/certs/ca.crt');
    assert.deepEqual(m.heartbeat, { enabled: true, topic: 'plant/heartbeat', interval: 10_000, payload: 'alive' });
    const corr = at(c, 'processors', 'correlation');
    assert.equal(corr?.field_name, 'meta.traceId');
    assert.equal(corr?.allow_generated, false);
    assert.equal(corr?.sampling_ratio, 0.25);
    assert.deepEqual(corr?.resource_attributes, {
      'service.name': 'tracer',
      'service.namespace': 'plant',
      'service.instance.id': 'replica-1',
      'deployment.environment': 'prod',
    });
    assert.deepEqual(at(c, 'processors', 'batch'), { send_batch_size: 100, send_batch_max_size: 100, timeout: 250 });
    const otlp = at(c, 'exporters', 'otlp_grpc');
    assert.equal(otlp?.endpoint, 'http://otel-collector:4317');
    assert.equal(otlp?.timeout, 7000);
    assert.equal(
      (otlp?.sending_queue as Record<string, unknown>).queue_size,
      11,
      '1050 spans in batches of 100, rounded up',
    );
    assert.deepEqual(at(c, 'extensions', 'health_check'), {
      endpoint: '127.0.0.1:9090',
      path: '/',
      liveness_path: '/live',
      readiness_path: '/ready',
    });
    assert.equal(c.service.telemetry.logs.level, 'debug');
    assert.deepEqual(
      c.service.telemetry.metrics.readers.map((r) => [r.host, r.port]),
      [['0.0.0.0', 9464]],
    );
    // Each value is commented with its variable, so a saved file still says where it came from.
    const text = dropInConfig(env, CTX).text;
    for (const name of Object.keys(env)) assert.match(text, new RegExp(`# .*${name}`), name);
  });

  it('a blank MQTT_SHARED_SUBSCRIPTION subscribes without a shared group; other blank values take the default', async () => {
    const c = await resolved({
      MQTT_SHARED_SUBSCRIPTION: '  ',
      MQTT_BROKER_PORT: '',
      MQTT_CLIENT_ID: ' ',
      OTEL_SERVICE_NAME: '',
    });
    assert.equal(mqtt(c).shared_group, undefined);
    assert.equal(mqtt(c).endpoint, 'mqtt://localhost:1883');
    assert.equal(mqtt(c).client_id, 'mqtt-otel-pod-0');
    assert.equal(
      (at(c, 'processors', 'correlation')?.resource_attributes as Record<string, unknown>)['service.name'],
      'mqtt-otel-trace-exporter',
    );
  });

  describe('TLS', () => {
    it('is on when a SAT token, a CA or a client key pair is set, and off otherwise', async () => {
      const sat = mqtt(await resolved({ MQTT_SAT_TOKEN_PATH: '/t' }));
      assert.equal(sat.endpoint, 'mqtts://localhost:1883');
      assert.deepEqual(sat.auth, { sat_token_file: '/t' });
      assert.equal(sat.tls, undefined, 'system CAs');
      const x509 = mqtt(await resolved({ MQTT_X509_CERT_PATH: '/c.crt', MQTT_X509_KEY_PATH: '/c.key' }));
      assert.equal(x509.endpoint, 'mqtts://localhost:1883');
      assert.equal((x509.tls as Record<string, unknown>).cert_file, '/c.crt');
      assert.equal((x509.tls as Record<string, unknown>).key_file, '/c.key');
      assert.equal(mqtt(await resolved({ MQTT_CA_CERT_PATH: '/ca' })).endpoint, 'mqtts://localhost:1883');
      assert.equal(mqtt(await resolved({ MQTT_BROKER_HOST: 'b' })).endpoint, 'mqtt://b:1883');
      assert.equal(mqtt(await resolved({ MQTT_USE_TLS: 'true' })).endpoint, 'mqtts://localhost:1883');
    });

    it('is forced on, with a warning, when MQTT_USE_TLS is false but TLS material is set', async () => {
      const d = dropInConfig({ MQTT_USE_TLS: 'false', MQTT_CA_CERT_PATH: '/ca' }, CTX);
      assert.match(d.warnings.join('\n'), /MQTT_USE_TLS is false but TLS material .* TLS enabled/);
      assert.match(d.text, /# warning: MQTT_USE_TLS is false/);
      assert.equal(
        mqtt(await resolved({ MQTT_USE_TLS: 'false', MQTT_CA_CERT_PATH: '/ca' })).endpoint,
        'mqtts://localhost:1883',
      );
    });

    it('refuses half a client key pair', () => {
      assert.deepEqual(
        issuesOf({ MQTT_X509_CERT_PATH: '/c' }).map((i) => i.path),
        ['MQTT_X509_KEY_PATH'],
      );
      assert.deepEqual(
        issuesOf({ MQTT_X509_KEY_PATH: '/k' }).map((i) => i.path),
        ['MQTT_X509_CERT_PATH'],
      );
    });
  });

  it('collects every invalid value, each under its variable with the value and the rule', () => {
    const issues = issuesOf({
      MQTT_BROKER_HOST: 'broker:1883',
      MQTT_BROKER_PORT: '70000',
      MQTT_TOPIC_FILTERS: 'a/#/b',
      MQTT_SHARED_SUBSCRIPTION: 'a/b',
      MQTT_SESSION_EXPIRY_SECS: '0',
      MQTT_RECEIVE_MAX: '-1',
      MQTT_KEEP_ALIVE_SECS: '0',
      MQTT_RETRY_MIN_BACKOFF_SECS: '30',
      MQTT_RETRY_MAX_BACKOFF_SECS: '10',
      MQTT_USE_TLS: 'yes',
      CORRELATION_ID_FIELD: '..',
      CORRELATION_ALLOW_GENERATED: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
      OTEL_RESOURCE_ATTRIBUTES: 'team',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_BSP_EXPORT_TIMEOUT: '0',
      APP_LOG_LEVEL: 'mqtt=verbose',
      HTTP_HEALTH_ADDR: 'localhost',
      HTTP_HEALTH_LIVENESS_PATH: '/probe',
      HTTP_HEALTH_READINESS_PATH: 'probe',
      OTELHUB_METRICS_ADDRESS: ':99999',
      OTELHUB_METRICS_PORT: '65536',
    });
    const byVar = new Map(issues.map((i) => [i.path, i.message]));
    const expected: [string, RegExp][] = [
      ['MQTT_BROKER_HOST', /"broker:1883" must be a host name or IP address/],
      ['MQTT_BROKER_PORT', /"70000" must be an integer from 1 to 65535/],
      ['MQTT_TOPIC_FILTERS', /"a\/#\/b" is not a valid topic filter/],
      ['MQTT_SHARED_SUBSCRIPTION', /"a\/b" must not contain/],
      ['MQTT_SESSION_EXPIRY_SECS', /"0" must be an integer from 1 to 4294967295/],
      ['MQTT_RECEIVE_MAX', /"-1" must be an integer from 1 to 65535/],
      ['MQTT_KEEP_ALIVE_SECS', /"0" must be an integer from 1 to 65535/],
      ['MQTT_RETRY_MIN_BACKOFF_SECS', /30 must be at most MQTT_RETRY_MAX_BACKOFF_SECS \(10\)/],
      ['MQTT_USE_TLS', /"yes" must be true or false/],
      ['CORRELATION_ID_FIELD', /"\.\." has no key between its dots/],
      ['CORRELATION_ALLOW_GENERATED', /"1" must be true or false/],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', /http:\/\/ \(plain text\) or https:\/\//],
      ['OTEL_RESOURCE_ATTRIBUTES', /"team" must be key=value/],
      ['OTEL_TRACES_SAMPLER_ARG', /"1.5" must be a number from 0 to 1/],
      ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', /4096 must be at most OTEL_BSP_MAX_QUEUE_SIZE \(2048\)/],
      ['OTEL_BSP_SCHEDULE_DELAY', /"soon" must be an integer/],
      ['OTEL_BSP_EXPORT_TIMEOUT', /"0" must be an integer/],
      ['APP_LOG_LEVEL', /"mqtt=verbose" must be trace, debug, info, warn, error or off/],
      ['HTTP_HEALTH_ADDR', /"localhost" must be host:port/],
      ['HTTP_HEALTH_READINESS_PATH', /"\/probe" must differ from HTTP_HEALTH_LIVENESS_PATH/],
      ['OTELHUB_METRICS_ADDRESS', /^":99999" must be host:port, e\.g\. 0\.0\.0\.0:8888$/],
      ['OTELHUB_METRICS_PORT', /^"65536" must be an integer from 0 to 65535$/],
    ];
    for (const [name, re] of expected) assert.match(byVar.get(name) ?? `(no issue for ${name})`, re, name);
    assert.equal(issues.length, expected.length, JSON.stringify(issues, null, 1));
  });

  it('refuses "/" as a probe path: it is the JSON status', () => {
    assert.deepEqual(
      issuesOf({ MQTT_BROKER_HOST: 'b', HTTP_HEALTH_LIVENESS_PATH: '/' }).map((i) => i.path),
      ['HTTP_HEALTH_LIVENESS_PATH'],
    );
  });

  it('adds the console with OTELHUB_CONSOLE_ENDPOINT, asking for the token of OTELHUB_CONSOLE_TOKEN_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drop-in-console-'));
    try {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'console-token\n');
      const off = await resolved({ MQTT_BROKER_HOST: 'b' });
      assert.deepEqual(off.service.extensions, ['health_check']);
      const c = await resolved({
        MQTT_BROKER_HOST: 'b',
        OTELHUB_CONSOLE_ENDPOINT: '0.0.0.0:55679',
        OTELHUB_CONSOLE_TOKEN_FILE: tokenFile,
      });
      assert.deepEqual(c.service.extensions, ['health_check', 'bearertokenauth/console', 'console']);
      assert.equal(at(c, 'extensions', 'console')?.endpoint, '0.0.0.0:55679');
      assert.deepEqual(at(c, 'extensions', 'console')?.auth, { authenticator: 'bearertokenauth/console' });
      assert.equal(at(c, 'extensions', 'bearertokenauth/console')?.filename, tokenFile);
      assert.deepEqual(
        issuesOf({ MQTT_BROKER_HOST: 'b', OTELHUB_CONSOLE_TOKEN_FILE: tokenFile }).map((i) => i.path),
        ['OTELHUB_CONSOLE_TOKEN_FILE'],
      );
      assert.deepEqual(
        issuesOf({ MQTT_BROKER_HOST: 'b', OTELHUB_CONSOLE_ENDPOINT: 'nope' }).map((i) => i.path),
        ['OTELHUB_CONSOLE_ENDPOINT'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a $share/ filter and a list without any filter', () => {
    assert.match(
      issuesOf({ MQTT_TOPIC_FILTERS: '$share/g/a/#' })[0]?.message ?? '',
      /group in MQTT_SHARED_SUBSCRIPTION/,
    );
    assert.match(issuesOf({ MQTT_TOPIC_FILTERS: ' , ,' })[0]?.message ?? '', /at least one topic filter/);
  });

  it("refuses a CORRELATION_ID_FIELD without a key under its own name, by the processor's rule", () => {
    for (const v of ['.', '..', ' . ', '...']) {
      const issues = issuesOf({ MQTT_BROKER_HOST: 'b', CORRELATION_ID_FIELD: v });
      assert.deepEqual(
        issues.map((i) => i.path),
        ['CORRELATION_ID_FIELD'],
        JSON.stringify(v),
      );
      assert.match(issues[0]?.message ?? '', /has no key between its dots/);
    }
    assert.deepEqual(
      issuesOf({ MQTT_BROKER_HOST: 'b', CORRELATION_ID_FIELD: '.meta..id.' }),
      [],
      'empty segments are ignored, as the processor does',
    );
  });

  it('reads APP_LOG_LEVEL as the original did: case-insensitive, trace as debug, a directive by its bare level', async () => {
    const level = async (v: string) =>
      (await resolved({ MQTT_BROKER_HOST: 'b', APP_LOG_LEVEL: v })).service.telemetry.logs.level;
    assert.equal(await level('trace'), 'debug');
    assert.equal(await level('DEBUG'), 'debug');
    assert.equal(await level('Warn'), 'warn');
    assert.equal(await level('error'), 'error');
    assert.equal(await level('info,mqtt=debug'), 'info');
    assert.equal(await level('mqtt_otel_trace_exporter=debug, warn'), 'warn');
    assert.equal(await level('off'), 'error');
    assert.equal(await level('mqtt=debug'), 'info');
    assert.match(
      dropInConfig({ APP_LOG_LEVEL: 'mqtt=debug', MQTT_BROKER_HOST: 'b' }, CTX).warnings.join(),
      /per-target directives only/,
    );
  });

  it('accepts any tracing EnvFilter directive list in APP_LOG_LEVEL, and refuses what is not one', async () => {
    const read = (v: string) => dropInConfig({ MQTT_BROKER_HOST: 'b', APP_LOG_LEVEL: v }, CTX);
    const level = async (v: string) =>
      (await resolved({ MQTT_BROKER_HOST: 'b', APP_LOG_LEVEL: v })).service.telemetry.logs.level;
    // A bare target is that target at trace level: per-target only, so info with a warning.
    assert.equal(await level('mqtt_otel_trace_exporter'), 'info');
    assert.match(
      read('mqtt_otel_trace_exporter').warnings.join(),
      /APP_LOG_LEVEL "mqtt_otel_trace_exporter" has per-target directives only/,
    );
    // So is any other word: the warning is what tells a typo.
    assert.equal(await level('verbose'), 'info');
    assert.match(
      read('verbose').warnings.join(),
      /APP_LOG_LEVEL "verbose" has per-target directives only \(a bare name is a target\)/,
    );
    for (const v of [
      'azure_iot_operations_mqtt::session',
      'a-b=',
      '[receive]',
      '[receive{topic}]=debug',
      'mqtt[receive{topic=a}]=WARN',
      ',mqtt=2,',
    ]) {
      assert.equal(await level(v), 'info', v);
    }
    assert.equal(await level('mqtt[receive{topic}]=trace,error'), 'error');
    assert.equal(await level('info,warn'), 'warn', 'the last bare level');
    assert.equal(await level('4'), 'debug', 'tracing levels 0-5');
    assert.equal(await level('0'), 'error');
    assert.deepEqual(
      read('info,mqtt=debug').warnings.filter((w) => w.includes('APP_LOG_LEVEL')),
      [],
      'no warning with a bare level',
    );
    for (const v of ['mqtt=loud', 'info;debug', 'mqtt debug', 'mqtt=debug=info', '=info', 'a[b']) {
      const issues = issuesOf({ MQTT_BROKER_HOST: 'b', APP_LOG_LEVEL: v });
      assert.deepEqual(
        issues.map((i) => i.path),
        ['APP_LOG_LEVEL'],
        v,
      );
      assert.match(issues[0]?.message ?? '', /must be trace, debug, info, warn, error or off/);
    }
  });

  it('lets RUST_LOG override APP_LOG_LEVEL as the original did, falling back to APP_LOG_LEVEL when it is not a valid filter', async () => {
    const run = (env: Env) =>
      dropInConfig({ MQTT_BROKER_HOST: 'b', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', ...env }, CTX);
    const level = async (env: Env) => (await resolved({ MQTT_BROKER_HOST: 'b', ...env })).service.telemetry.logs.level;
    assert.equal(await level({ RUST_LOG: 'warn', APP_LOG_LEVEL: 'debug' }), 'warn');
    assert.match(run({ RUST_LOG: 'warn', APP_LOG_LEVEL: 'debug' }).text, /level: warn +# RUST_LOG/);
    assert.match(
      run({ RUST_LOG: 'warn', APP_LOG_LEVEL: 'debug' }).warnings.join(),
      /RUST_LOG is set: APP_LOG_LEVEL is ignored/,
    );
    assert.equal(await level({ RUST_LOG: 'mqtt=debug,trace' }), 'debug');
    assert.match(
      run({ RUST_LOG: 'mqtt_otel_trace_exporter' }).warnings.join(),
      /RUST_LOG "mqtt_otel_trace_exporter" has per-target directives only/,
    );
    // EnvFilter::try_from_default_env() failed, so the original used APP_LOG_LEVEL, never reading it otherwise.
    assert.equal(await level({ RUST_LOG: 'warn', APP_LOG_LEVEL: 'x=loud' }), 'warn');
    assert.equal(await level({ RUST_LOG: 'very loud', APP_LOG_LEVEL: 'error' }), 'error');
    assert.match(
      run({ RUST_LOG: 'very loud', APP_LOG_LEVEL: 'error' }).warnings.join(),
      /RUST_LOG "very loud" is not a valid tracing filter.*APP_LOG_LEVEL/,
    );
    assert.match(run({ RUST_LOG: 'very loud', APP_LOG_LEVEL: 'error' }).text, /level: error +# APP_LOG_LEVEL/);
    assert.deepEqual(
      issuesOf({ MQTT_BROKER_HOST: 'b', RUST_LOG: 'very loud', APP_LOG_LEVEL: 'x=loud' }).map((i) => i.path),
      ['APP_LOG_LEVEL'],
    );
    // Blank is unset, as everywhere.
    assert.equal(await level({ RUST_LOG: ' ', APP_LOG_LEVEL: 'error' }), 'error');
    assert.deepEqual(run({ RUST_LOG: ' ' }).warnings, []);
  });

  it('maps OTEL_RESOURCE_ATTRIBUTES into the resource, the OTEL_SERVICE_* variables taking precedence', async () => {
    const attrs = async (env: Env) =>
      at(await resolved({ MQTT_BROKER_HOST: 'b', ...env }), 'processors', 'correlation')?.resource_attributes;
    assert.deepEqual(
      await attrs({
        OTEL_RESOURCE_ATTRIBUTES:
          ' deployment.environment = prod , k8s.pod.name=exporter%2C0,,team=a%3Db%20c%25, empty= ,count=42,',
      }),
      {
        'service.name': 'mqtt-otel-trace-exporter',
        'service.namespace': 'edge-ai',
        'service.instance.id': 'pod-0',
        'deployment.environment': 'prod',
        'k8s.pod.name': 'exporter,0',
        team: 'a=b c%',
        empty: '',
        count: '42',
      },
    );
    // A variable that is set wins; where it is unset, the attribute wins over the default.
    const both = {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-name,service.namespace=attr-ns,service.instance.id=attr-id,a=1,a=2',
      OTEL_SERVICE_NAME: 'var-name',
      HOSTNAME: 'host',
    };
    assert.deepEqual(await attrs(both), {
      'service.name': 'var-name',
      'service.namespace': 'attr-ns',
      'service.instance.id': 'attr-id',
      a: '2',
    });
    assert.match(
      dropInConfig({ MQTT_BROKER_HOST: 'b', ...both }, CTX).text,
      /service\.namespace: attr-ns +# OTEL_RESOURCE_ATTRIBUTES/,
    );
    // Keys YAML would read otherwise, and $ in keys (never expanded) and in values (expanded, so escaped).
    const odd = await attrs({ OTEL_RESOURCE_ATTRIBUTES: 'null=n,true=t,#k=v,- x=d,a: b=c,k$1=$HOME,${env:X}=y' });
    assert.deepEqual(odd, {
      'service.name': 'mqtt-otel-trace-exporter',
      'service.namespace': 'edge-ai',
      'service.instance.id': 'pod-0',
      null: 'n',
      true: 't',
      '#k': 'v',
      '- x': 'd',
      'a: b': 'c',
      k$1: '$HOME',
      '${env:X}': 'y',
    });
  });

  it('refuses a malformed OTEL_RESOURCE_ATTRIBUTES entry under the variable', () => {
    for (const v of ['team', 'a=1,=x', 'a=b=c', 'a=100%', 'a=%E9', 'a=%zz']) {
      const issues = issuesOf({ MQTT_BROKER_HOST: 'b', OTEL_RESOURCE_ATTRIBUTES: v });
      assert.deepEqual(
        issues.map((i) => i.path),
        ['OTEL_RESOURCE_ATTRIBUTES'],
        v,
      );
      assert.match(issues[0]?.message ?? '', /must be key=value/);
    }
  });

  it('derives the heartbeat topic from the first filter, with the original fallback', () => {
    assert.equal(dropInHeartbeatTopic('telemetry/#'), 'telemetry/heartbeat');
    assert.equal(dropInHeartbeatTopic('sensors'), 'sensors/heartbeat');
    assert.equal(dropInHeartbeatTopic('#'), 'health/heartbeat');
    assert.equal(dropInHeartbeatTopic('+/telemetry'), 'health/heartbeat');
    // The original gave a/+/b/heartbeat, which no broker accepts to publish to.
    assert.equal(dropInHeartbeatTopic('a/+/b'), 'a/heartbeat');
    assert.equal(dropInHeartbeatTopic('factory/line1/+/#'), 'factory/line1/heartbeat');
  });

  it('names the instance after HOSTNAME, else the host name, else a random UUID; the client ID after the host', async () => {
    const withHost = await resolved(
      { MQTT_BROKER_HOST: 'b', HOSTNAME: 'exporter-7d9f-abcde' },
      { hostname: 'machine' },
    );
    const attrs = at(withHost, 'processors', 'correlation')?.resource_attributes as Record<string, unknown>;
    assert.equal(attrs['service.instance.id'], 'exporter-7d9f-abcde');
    assert.equal(mqtt(withHost).client_id, 'mqtt-otel-exporter-7d9f-abcde');
    const id = (t: string) => /service\.instance\.id: (\S+)/.exec(t)?.[1];
    // The same at every invocation, so print-config shows what the running hub uses.
    const a = dropInConfig({ MQTT_BROKER_HOST: 'b' }, { hostname: 'h' }).text;
    assert.equal(id(a), 'h');
    assert.match(a, /service\.instance\.id: h +# the host name/);
    assert.match(a, /client_id: mqtt-otel-h /);
    const real = dropInConfig({ MQTT_BROKER_HOST: 'b' }).text;
    assert.equal(id(real), osHostname().trim() || id(real), 'os.hostname() by default');
    assert.equal(id(dropInConfig({ MQTT_BROKER_HOST: 'b' }).text), id(real));
    // Only without any host name: a random UUID.
    assert.equal(id(dropInConfig({ MQTT_BROKER_HOST: 'b' }, { hostname: ' ', uuid: () => 'u-1' }).text), 'u-1');
    const u1 = id(dropInConfig({ MQTT_BROKER_HOST: 'b' }, { hostname: '' }).text);
    const u2 = id(dropInConfig({ MQTT_BROKER_HOST: 'b' }, { hostname: '' }).text);
    assert.match(u1 ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(u1, u2);
  });

  it('says queue_size bounds the batches waiting, and that a full queue refuses rather than drops', () => {
    const text = dropInConfig({ MQTT_BROKER_HOST: 'b' }, CTX).text;
    // The comment lines above queue_size, as one sentence.
    const comment = text.slice(text.indexOf('sending_queue:'), text.indexOf('queue_size:')).replace(/\n\s*#/g, '');
    assert.doesNotMatch(comment, /same number of spans/);
    assert.match(comment, /bounds the number of batches waiting to be sent, not spans/);
    assert.match(comment, /at most ceil\(OTEL_BSP_MAX_QUEUE_SIZE \/ OTEL_BSP_MAX_EXPORT_BATCH_SIZE\) batches/);
    assert.match(
      comment,
      /at most OTEL_BSP_MAX_QUEUE_SIZE spans \(rounded up to a whole batch\) when batches are full/,
    );
    assert.match(comment, /refused with a retryable error, not dropped: its messages stay unacknowledged/);
  });

  it('warns when OTEL_EXPORTER_OTLP_ENDPOINT is unset or has no scheme', () => {
    assert.match(
      dropInConfig({ MQTT_BROKER_HOST: 'b' }, CTX).warnings.join(),
      /OTEL_EXPORTER_OTLP_ENDPOINT is not set: exporting to http:\/\/localhost:4317/,
    );
    assert.match(
      dropInConfig({ MQTT_BROKER_HOST: 'b', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }, CTX).warnings.join(),
      /no scheme/,
    );
    assert.deepEqual(
      dropInConfig({ MQTT_BROKER_HOST: 'b', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317' }, CTX).warnings,
      [],
    );
  });

  it('takes the deprecated OTELHUB_METRICS_ADDRESS in place of OTELHUB_METRICS_HOST and _PORT, with a warning', async () => {
    const env = { MQTT_BROKER_HOST: 'b', OTELHUB_METRICS_HOST: '0.0.0.0', OTELHUB_METRICS_ADDRESS: '127.0.0.1:9100' };
    const c = await resolved(env);
    assert.deepEqual(
      c.service.telemetry.metrics.readers.map((r) => [r.host, r.port]),
      [['127.0.0.1', 9100]],
    );
    const d = dropInConfig(env, CTX);
    assert.ok(
      d.warnings.includes(
        'OTELHUB_METRICS_ADDRESS is deprecated: set OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT (it is used in place of both)',
      ),
      d.warnings.join('\n'),
    );
    assert.match(d.text, /^ {16}host: 127\.0\.0\.1 +# OTELHUB_METRICS_ADDRESS \(deprecated\)$/m);
    assert.match(d.text, /^ {16}port: 9100 +# OTELHUB_METRICS_ADDRESS \(deprecated\)$/m);
  });
});

describe('print-config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-print-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the drop-in YAML, which runs the same pipeline from a file', async () => {
    const env: Env = {
      MQTT_BROKER_HOST: 'broker',
      MQTT_TOPIC_FILTERS: 'a/$x/#,b',
      MQTT_SAT_TOKEN_PATH: '/t',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
    };
    const opts = dropInHubOptions(env, CTX);
    const text = await printConfig(opts);
    assert.equal(text, opts.configText?.text, 'exactly what the hub loads');
    assert.deepEqual(parseDocument(text).errors, []);
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, text);
    const fromEnv = await loadHubConfig({ ...opts, env: {} });
    const fromFile = await loadHubConfig({ configFiles: [file], env: {} });
    assert.deepEqual(fromFile.issues, []);
    assert.ok(fromEnv.config && fromFile.config);
    assert.deepEqual(fromFile.config, fromEnv.config);
    assert.deepEqual(mqtt(fromFile.config).topics, ['a/$x/#', 'b']);
  });

  it('prints config files merged, env expanded, secrets redacted, plugin paths absolute; loading it gives the same config', async () => {
    const sub = join(dir, 'conf');
    const base = join(dir, 'base.yaml');
    writeFileSync(
      base,
      [
        `plugins: [${relative(dir, PLUGIN)}]`,
        'receivers:',
        '  otlp:',
        '    protocols: { http: { endpoint: "${env:HTTP_AT}" } }',
        'processors:',
        '  batch:',
        'exporters:',
        '  debug:',
        '    verbosity: basic',
        '  otlp_http:',
        '    endpoint: http://collector:4318',
        '    headers: { x-api-key: "${env:API_KEY}" }',
        'service:',
        '  pipelines:',
        '    logs: { receivers: [otlp], processors: [batch], exporters: [debug] }',
      ].join('\n'),
    );
    const overlay = join(dir, 'overlay.yaml');
    writeFileSync(
      overlay,
      'exporters:\n  debug:\n    verbosity: detailed\nservice:\n  telemetry: { logs: { level: debug } }\n  pipelines:\n    logs: { exporters: [debug, otlp_http] }\n',
    );
    const env = { HTTP_AT: 'localhost:4318', API_KEY: 'hunter2', PRICE: '$5' };
    const text = await printConfig({ configFiles: [base, overlay], env });
    assert.match(text, /^# The configuration otelhub runs from .*base\.yaml, .*overlay\.yaml/);
    assert.doesNotMatch(text, /hunter2/);
    assert.match(text, /x-api-key: "?\[REDACTED\]"?/);
    assert.match(text, /endpoint: localhost:4318/);
    assert.match(text, /verbosity: detailed/);
    // Elsewhere, so a plugin path still relative to the original file would not be found.
    mkdirSync(sub);
    const printed = join(sub, 'printed.yaml');
    writeFileSync(printed, text);
    assert.ok(text.includes(`- ${PLUGIN}\n`), 'the plugin path made absolute');
    const orig = await loadHubConfig({ configFiles: [base, overlay], env });
    const again = await loadHubConfig({ configFiles: [printed], env: {} });
    assert.deepEqual(again.issues, []);
    assert.ok(orig.config && again.config);
    const { otlp_http: o1, ...rest1 } = orig.config.exporters;
    const { otlp_http: o2, ...rest2 } = again.config.exporters;
    assert.deepEqual(again.config.plugins, [PLUGIN]);
    assert.deepEqual(
      { ...again.config, plugins: [], exporters: rest2 },
      { ...orig.config, plugins: [], exporters: rest1 },
    );
    assert.deepEqual((o2 as { headers: unknown }).headers, { 'x-api-key': '[REDACTED]' });
    assert.equal((o1 as { endpoint: string }).endpoint, (o2 as { endpoint: string }).endpoint);
  });

  it('redacts the password of a URL in any value (an endpoint), keeping the user name', async () => {
    const file = join(dir, 'url-credentials.yaml');
    writeFileSync(
      file,
      [
        'receivers:',
        '  otlp: { protocols: { http: { endpoint: "localhost:0" } } }',
        'exporters:',
        '  otlp_http: { endpoint: "https://hub:s3cret@collector:4318/otlp?x=y" }',
        '  otlp_grpc: { endpoint: "https://collector:4317", headers: { x-proxy: "http://proxy:p%40ss@proxy:3128" } }',
        'service:',
        '  telemetry: { metrics: { level: none } }',
        '  pipelines:',
        '    logs: { receivers: [otlp], processors: [], exporters: [otlp_http, otlp_grpc] }',
      ].join('\n'),
    );
    const text = await printConfig({ configFiles: [file], env: {} });
    assert.doesNotMatch(text, /s3cret|p%40ss/);
    assert.match(text, /https:\/\/hub:\[REDACTED\]@collector:4318\/otlp\?x=y/);
    assert.match(text, /x-proxy: "\[REDACTED\]"/);
  });

  it('prints the level --log-level sets, so the text is what runs', async () => {
    const level = async (text: string) =>
      (await loadHubConfig({ configText: { text, name: 'printed' }, env: {} })).config?.service.telemetry.logs.level;
    // Drop-in: that one line changes, comments and alignment elsewhere untouched.
    const opts = dropInHubOptions(
      { MQTT_BROKER_HOST: 'b', APP_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' },
      CTX,
    );
    const text = await printConfig({ ...opts, logLevel: 'debug' });
    assert.equal(await level(text), 'debug');
    assert.match(text, /^ {6}level: debug +# --log-level$/m);
    const lines = (t: string) => t.split('\n').filter((l) => !/^ +level: /.test(l));
    assert.deepEqual(lines(text), lines(opts.configText?.text ?? ''));
    assert.equal(await printConfig(opts), opts.configText?.text, 'unchanged without --log-level');
    // The embedded default has no level: it is added.
    const d = await printConfig({
      configText: { text: DEFAULT_CONFIG, name: DEFAULT_CONFIG_NAME },
      logLevel: 'error',
      env: {},
    });
    assert.equal(await level(d), 'error');
    assert.match(d, /# otelhub's embedded default/);
    // Config files.
    const f = join(dir, 'levels.yaml');
    writeFileSync(
      f,
      'receivers: { otlp: { protocols: { http: { endpoint: "localhost:0" } } } }\nexporters: { debug: }\nservice: { telemetry: { logs: { level: info } }, pipelines: { logs: { receivers: [otlp], exporters: [debug] } } }\n',
    );
    const printed = await printConfig({ configFiles: [f], logLevel: 'warn', env: {} });
    assert.match(printed, /--log-level/);
    const p = join(dir, 'levels-printed.yaml');
    writeFileSync(p, printed);
    assert.equal((await loadHubConfig({ configFiles: [p], env: {} })).config?.service.telemetry.logs.level, 'warn');
  });

  it('keeps a literal $ and refuses to print a config the hub would refuse', async () => {
    const f = join(dir, 'dollar.yaml');
    writeFileSync(
      f,
      'receivers: { otlp: { protocols: { http: { endpoint: "localhost:0" } } } }\nexporters: { debug: }\nextensions: { health_check: { path: "/$$x" } }\nservice: { extensions: [health_check], pipelines: { logs: { receivers: [otlp], exporters: [debug] } } }\n',
    );
    const text = await printConfig({ configFiles: [f], env: {} });
    const p = join(dir, 'dollar-printed.yaml');
    writeFileSync(p, text);
    const again = await loadHubConfig({ configFiles: [p], env: {} });
    assert.equal((again.config?.extensions.health_check as { path: string }).path, '/$x');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'exporters: { debug: { verbosity: loud } }\nservice: { pipelines: {} }\n');
    await assert.rejects(printConfig({ configFiles: [bad], env: {} }), ConfigError);
  });
});
