// The otelhub command, run as a child process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../cli/default-config.ts';
import { DROP_IN_TRIGGERS } from '../cli/drop-in-env.ts';
import { freePort } from './helpers/hub.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { ROOT, runCli, startCli } from './helpers/process.ts';
import { listen } from '../core/net.ts';

const td = (f: string) => `test/testdata/${f}`;
/** Every listener of the embedded default config on a free port. */
const DEFAULT_ENV = {
  OTELHUB_OTLP_GRPC_ENDPOINT: 'localhost:0',
  OTELHUB_OTLP_HTTP_ENDPOINT: 'localhost:0',
  OTELHUB_HEALTH_ENDPOINT: 'localhost:0',
  OTELHUB_METRICS_PORT: '0',
  OTELHUB_MQTT_ENDPOINT: 'localhost:0',
};
/** Blank, so a drop-in variable in the environment running the tests cannot switch the mode (blank is unset). */
const NO_DROP_IN = Object.fromEntries(DROP_IN_TRIGGERS.map((name) => [name, '']));
/** Blank: variables drop-in mode reads that a developer's shell may well set (RUST_LOG would change the log level). */
const NO_GENERIC = { RUST_LOG: '', OTEL_RESOURCE_ATTRIBUTES: '' };

describe('otelhub command', () => {
  it('prints its version and help', async () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), pkg.version);
    const h = await runCli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /otelhub validate/);
  });

  it('refuses an unknown command or flag with exit status 2', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal((await runCli(['--no-such-flag'])).code, 2);
  });

  it('lists the registered components', async () => {
    const r = await runCli(['components']);
    assert.equal(r.code, 0);
    for (const t of ['hostmetrics', 'batch', 'debug', 'health_check']) assert.match(r.stdout, new RegExp(`\\b${t}\\b`));
    const j = JSON.parse((await runCli(['components', '--json'])).stdout) as { kind: string; type: string }[];
    assert.ok(j.some((c) => c.kind === 'processor' && c.type === 'batch'));
  });

  it('lists the components as a table whose columns line up, however long a cell', async () => {
    const r = await runCli(['components']);
    assert.equal(r.code, 0, r.stderr);
    const [header = '', ...rows] = r.stdout.trimEnd().split('\n');
    const names = ['KIND', 'TYPE', 'STABILITY', 'SIGNALS', 'DESCRIPTION'];
    assert.match(header, new RegExp(`^${names.join(' {2,}')}$`));
    const offsets = names.map((n) => header.indexOf(n));
    const json = JSON.parse((await runCli(['components', '--json'])).stdout) as unknown[];
    assert.equal(rows.length, json.length, 'one row per component');
    for (const row of rows) {
      // Each column starts where its header does, right after a gap: no cell runs into the next column.
      for (const o of offsets.slice(1)) assert.match(row.slice(o - 2, o + 1), /^ {2}\S$/, `column at ${o} in: ${row}`);
    }
    assert.match(r.stdout, /^processor +batch +beta +traces\(traces->traces\) metrics\(metrics->metrics\) /m);
    assert.match(r.stdout, /^extension +health_check +beta +- +HTTP health endpoint/m);
  });

  it('validates a good config, and merges several files, printing one line and no log line', async () => {
    const r = await runCli(['validate', '--config', td('base.yaml'), '--config', td('overlay.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'configuration is valid (1 pipeline)\n');
    assert.doesNotMatch(r.stderr, /^\{/m, 'no JSON log line ("shutdown complete" after building)');
  });

  it('validate counts pipelines in plural from two on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-cli-'));
    try {
      const file = join(dir, 'two.yaml');
      writeFileSync(
        file,
        [
          'receivers: { hostmetrics: { scrapers: { load: } } }',
          'exporters: { debug: }',
          'service:',
          '  pipelines:',
          '    metrics: { receivers: [hostmetrics], exporters: [debug] }',
          '    metrics/copy: { receivers: [hostmetrics], exporters: [debug] }',
        ].join('\n'),
      );
      const r = await runCli(['validate', '--config', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'configuration is valid (2 pipelines)\n');
      assert.doesNotMatch(r.stderr, /^\{/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every error of a bad config with file, line and path, and never prints a secret', async () => {
    const r = await runCli(['validate', '--config', td('invalid.yaml')], { OTELHUB_TEST_SECRET: 'hunter2' });
    assert.equal(r.code, 1);
    const out = r.stderr;
    const expect = [
      /invalid\.yaml:3:\d+: receivers::hostmetrics::colection_interval: unknown key "colection_interval" \(did you mean "collection_interval"\?\)/,
      /invalid\.yaml:4:\d+: receivers::otlpp: unknown receiver type "otlpp"/,
      /invalid\.yaml:7:\d+: processors::batch::send_batch_size: must be/,
      /invalid\.yaml:8:\d+: processors::batch::timeout: invalid duration "soon"/,
      /invalid\.yaml:11:\d+: exporters::debug::verbosity: must be one of: basic, normal, detailed/,
      /service::pipelines::metrics::receivers::1: references receiver "mqtt" which is not configured/,
      /service::pipelines::logs::receivers::0: receiver "hostmetrics" cannot feed a logs pipeline/,
      /service::pipelines::logs::exporters: a pipeline needs at least one exporter/,
    ];
    for (const re of expect) assert.match(out, re);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
  });

  it('keeps running while nothing of its own holds the process (an MQTT broker it cannot reach yet), says what it waits for, and is ready once the broker is up', async () => {
    // No listener at all (metrics level none, no health check): only the receiver's reconnect timer, which is
    // unref'd. The hub must still run until it is signalled, not end with "unsettled top-level await".
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-cli-alive-'));
    let broker: Mosquitto | undefined;
    try {
      const port = await freePort();
      writeFileSync(
        join(dir, 'hub.yaml'),
        `receivers: { mqtt: { endpoint: "mqtt://127.0.0.1:${port}", topics: [t], reconnect: { min: 20ms, max: 50ms } } }
processors: { schema: }
exporters: { debug: }
service:
  telemetry: { metrics: { level: none }, logs: { level: debug } }
  pipelines: { metrics: { receivers: [mqtt], processors: [schema], exporters: [debug] } }
`,
      );
      const hub = startCli(['--config', join(dir, 'hub.yaml')]);
      await hub.waitForLog(
        (l) => l.msg === `started; waiting for: receivers::mqtt (connecting to mqtt://127.0.0.1:${port})`,
      );
      await hub.waitForLog((l) => typeof l.failed_attempts === 'number' && l.failed_attempts >= 3);
      assert.equal(hub.child.exitCode, null, `the hub exited:\n${hub.output()}`);
      assert.doesNotMatch(hub.output(), /everything is ready/);
      // Retry waits are jittered: logged in whole milliseconds all the same.
      const waits = [...hub.output().matchAll(/"retry_in_ms":([\d.e+-]+)/g)].map((m) => Number(m[1]));
      assert.ok(waits.length >= 3 && waits.every(Number.isInteger), `whole milliseconds: ${waits.join(', ')}`);
      broker = await startMosquitto({ port });
      await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
      hub.child.kill('SIGTERM');
      const r = await hub.exited;
      assert.equal(r.code, 0, hub.output());
    } finally {
      await broker?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs, serves metrics and health, flushes its batch and exits 0 on SIGTERM', async () => {
    const hub = startCli(['--config', td('run.yaml')]);
    try {
      const m = await hub.waitForLog((l) => l.msg === 'serving internal metrics');
      const h = await hub.waitForLog((l) => l.msg === 'health check listening');
      await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
      const health = await fetch(`http://${String(h.endpoint)}/`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'Server available');
      // Let a few scrapes pile up in the batch, which only shutdown can flush.
      await sleep(400);
      const metrics = await (await fetch(String(m.endpoint))).text();
      assert.match(metrics, /otelcol_process_memory_rss_bytes \d+/);
      assert.match(
        metrics,
        /otelcol_processor_incoming_items_total\{processor="batch",pipeline="metrics",otel_signal="metrics"\} [1-9]/,
      );
      assert.doesNotMatch(hub.output(), /"msg":"Metrics"/, 'nothing exported before shutdown');
      hub.child.kill('SIGTERM');
      const r = await hub.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /"msg":"Metrics"/, 'the batch was flushed to the debug exporter at shutdown');
      assert.match(r.stderr, /shutdown complete/);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('also shuts down gracefully on SIGINT', async () => {
    const hub = startCli(['--config', td('run.yaml')]);
    await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
    hub.child.kill('SIGINT');
    const r = await hub.exited;
    assert.equal(r.code, 0);
    assert.match(r.stderr, /shutdown complete/);
  });

  it('exits 1 with the reason when a component cannot start', async () => {
    const blocker = createServer();
    const { port } = await listen(blocker, { host: '127.0.0.1', port: 0 });
    try {
      const r = await runCli(['--config', td('run.yaml'), '--config', td('health-at.yaml')], {
        OTELHUB_TEST_HEALTH: `127.0.0.1:${port}`,
      });
      assert.equal(r.code, 1);
      // The address is shown as it is (an address is no secret, see EnvScrubber), with the variable to change it.
      assert.ok(
        r.stderr.includes(
          `health-at.yaml:3:5: extensions::health_check::endpoint: address 127.0.0.1:${port} is already in use (set OTELHUB_TEST_HEALTH to change it)`,
        ),
        r.stderr,
      );
    } finally {
      blocker.close();
    }
  });

  it('reports every listener whose port is taken, each under its config key and variable, and exits 1', async () => {
    // The embedded default config, every listener's port held by a real socket.
    const blockers = await Promise.all(
      Object.keys(DEFAULT_ENV).map(async (name) => {
        const server = createServer();
        const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
        return { name, server, port };
      }),
    );
    try {
      // The metrics reader takes a host and a port, the other listeners one host:port.
      const env = Object.fromEntries(
        blockers.map((b) => [b.name, b.name === 'OTELHUB_METRICS_PORT' ? String(b.port) : `127.0.0.1:${b.port}`]),
      );
      const r = await runCli([], { ...NO_DROP_IN, ...env, OTELHUB_METRICS_HOST: '127.0.0.1' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /otelhub: cannot start \(5 problems\):/);
      const keys: Record<string, string> = {
        OTELHUB_OTLP_GRPC_ENDPOINT: 'receivers::otlp::protocols::grpc::endpoint',
        OTELHUB_OTLP_HTTP_ENDPOINT: 'receivers::otlp::protocols::http::endpoint',
        OTELHUB_MQTT_ENDPOINT: 'receivers::mqtt::embedded_broker::endpoint',
        OTELHUB_HEALTH_ENDPOINT: 'extensions::health_check::endpoint',
      };
      for (const [name, key] of Object.entries(keys)) {
        const line = `${key}: address ${env[name]} is already in use (set ${name} to change it)`;
        assert.ok(r.stderr.includes(`<embedded default config>:`) && r.stderr.includes(line), `${line}\n${r.stderr}`);
      }
      const reader = `service::telemetry::metrics::readers::0::pull::exporter::prometheus: address 127.0.0.1:${env.OTELHUB_METRICS_PORT} is already in use (set OTELHUB_METRICS_HOST or OTELHUB_METRICS_PORT to change it)`;
      assert.ok(r.stderr.includes(reader), `${reader}\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /everything is ready/);
    } finally {
      for (const b of blockers) b.server.close();
    }
  });

  it('runs the embedded default config: OTLP in, printed by the debug exporter', async () => {
    const hub = startCli([], { ...NO_DROP_IN, ...DEFAULT_ENV });
    try {
      const http = await hub.waitForLog((l) => String(l.msg).startsWith('OTLP HTTP receiver listening'));
      await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
      const body = {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ severityNumber: 9, body: { stringValue: 'hello from curl' } }] }] },
        ],
      };
      const r = await fetch(`http://${String(http.endpoint)}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 200);
      await hub.waitForLog((l) => String(l.msg).includes('hello from curl'));
      hub.child.kill('SIGTERM');
      assert.equal((await hub.exited).code, 0);
      // Its metrics are a pull reader (OTELHUB_METRICS_HOST and _PORT): nothing deprecated in it.
      assert.doesNotMatch(hub.output(), /deprecated/);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('takes the deprecated OTELHUB_METRICS_ADDRESS in place of OTELHUB_METRICS_HOST and _PORT, with one warning', async () => {
    const port = await freePort();
    const hub = startCli([], {
      ...NO_DROP_IN,
      ...DEFAULT_ENV,
      // As the image sets them: the address the user gave wins over both.
      OTELHUB_METRICS_HOST: '0.0.0.0',
      OTELHUB_METRICS_PORT: '8888',
      OTELHUB_METRICS_ADDRESS: `127.0.0.1:${port}`,
    });
    try {
      await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^target_info\{/m);
      hub.child.kill('SIGTERM');
      assert.equal((await hub.exited).code, 0);
      const warnings = hub
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":"warn"'));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(
        warnings[0] ?? '',
        /"msg":"OTELHUB_METRICS_ADDRESS is deprecated: set OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT \(it is used in place of both\)"/,
      );
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('refuses an OTELHUB_METRICS_ADDRESS that is not host:port, naming it', async () => {
    const r = await runCli(['validate'], { ...NO_DROP_IN, ...DEFAULT_ENV, OTELHUB_METRICS_ADDRESS: '8888' });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'invalid configuration (1 error):\n  OTELHUB_METRICS_ADDRESS: "8888" must be host:port, e.g. 0.0.0.0:8888\n',
    );
  });

  it('runs the embedded default config: a device publishes to the embedded MQTT broker, printed by the debug exporter', async () => {
    const hub = startCli([], { ...NO_DROP_IN, ...DEFAULT_ENV });
    let device: MqttClient | undefined;
    try {
      const broker = await hub.waitForLog((l) => l.msg === 'embedded MQTT broker listening');
      await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
      const port = Number(/:(\d+)$/.exec(String(broker.endpoint))?.[1]);
      assert.ok(port > 0, `a real port: ${String(broker.endpoint)}`);
      device = await mqtt.connectAsync(`mqtt://localhost:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
      // The AIO example, as `npx mqtt pub ... -q 1 -t factory/line1 -m '...'` sends it (README).
      await device.publishAsync(
        'factory/line1',
        '{"metrics":[{"name":"temperature","type":"f64_gauge","value":72.5}]}',
        { qos: 1 },
      );
      await device.endAsync();
      device = undefined;
      hub.child.kill('SIGTERM');
      const r = await hub.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /temperature/, 'the metric reached the debug exporter');
    } finally {
      await device?.endAsync(true);
      hub.child.kill('SIGKILL');
    }
  });

  it('prints the default config, which validates', async () => {
    const r = await runCli(['print-default-config']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /otlp:/);
  });

  it('print-config prints the embedded default without drop-in variables, and merged files with --config', async () => {
    const d = await runCli(['print-config'], NO_DROP_IN);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, DEFAULT_CONFIG);
    const m = await runCli(['print-config', '--config', td('base.yaml'), '--config', td('overlay.yaml')]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(
      m.stdout,
      /^# The configuration otelhub runs from test\/testdata\/base\.yaml, test\/testdata\/overlay\.yaml/,
    );
    assert.match(m.stdout, /send_batch_size: 10/);
    assert.match(m.stdout, /timeout: 1s/);
    const bad = await runCli(['print-config', '--config', td('invalid.yaml')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid configuration/);
  });

  it('print-config in drop-in mode prints YAML that runs the same pipeline with --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-cli-'));
    try {
      const env = {
        ...NO_GENERIC,
        MQTT_BROKER_HOST: 'aio-broker',
        MQTT_TOPIC_FILTERS: 'plant/#',
        HOSTNAME: 'exporter-0',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
      };
      const r = await runCli(['print-config'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^# otelhub drop-in mode/);
      assert.match(r.stdout, /endpoint: mqtt:\/\/aio-broker:1883 +# MQTT_BROKER_HOST/);
      assert.match(r.stdout, /client_id: mqtt-otel-exporter-0 /);
      assert.match(r.stdout, /topic: plant\/heartbeat /);
      const file = join(dir, 'hub.yaml');
      writeFileSync(file, r.stdout);
      const v = await runCli(['validate', '--config', file], NO_DROP_IN);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout, 'configuration is valid (1 pipeline)\n');
      // The file alone gives the same text back: nothing in it depends on the environment any more.
      const again = await runCli(['print-config', '--config', file], NO_DROP_IN);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /client_id: mqtt-otel-exporter-0\n/);
      // The drop-in validate logs its warnings (about the endpoint when it is unset), not its info notice.
      const w = await runCli(['validate'], {
        ...NO_GENERIC,
        MQTT_BROKER_HOST: 'aio-broker',
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
      });
      assert.equal(w.code, 0, w.stderr);
      assert.equal(w.stdout, 'configuration is valid (1 pipeline)\n');
      assert.doesNotMatch(w.stderr, /"level":"info"/);
      assert.match(
        w.stderr,
        /"level":"warn","msg":"OTEL_EXPORTER_OTLP_ENDPOINT is not set: exporting to http:\/\/localhost:4317/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad drop-in variables with exit status 1, listing every one under its name', async () => {
    const r = await runCli([], {
      ...NO_GENERIC,
      MQTT_BROKER_PORT: 'eighteen',
      MQTT_RECEIVE_MAX: '0',
      OTEL_TRACES_SAMPLER_ARG: '2',
      APP_LOG_LEVEL: 'mqtt=loud',
      CORRELATION_ID_FIELD: '.',
      OTEL_RESOURCE_ATTRIBUTES: 'team',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid configuration \(6 errors\)/);
    assert.match(r.stderr, /MQTT_BROKER_PORT: "eighteen" must be an integer from 1 to 65535/);
    assert.match(r.stderr, /MQTT_RECEIVE_MAX: "0" must be an integer from 1 to 65535/);
    assert.match(r.stderr, /OTEL_TRACES_SAMPLER_ARG: "2" must be a number from 0 to 1/);
    assert.match(r.stderr, /APP_LOG_LEVEL: "mqtt=loud" must be/);
    assert.match(r.stderr, /\n {2}CORRELATION_ID_FIELD: "\." has no key between its dots/);
    assert.match(r.stderr, /OTEL_RESOURCE_ATTRIBUTES: "team" must be key=value/);
    assert.doesNotMatch(r.stderr, /drop-in config/, 'every problem under a variable, none in the generated YAML');
  });

  it('drop-in mode starts with a tracing target directive in APP_LOG_LEVEL, and RUST_LOG overrides it', async () => {
    const base = {
      ...NO_GENERIC,
      MQTT_BROKER_HOST: 'aio-broker',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
    };
    const target = await runCli(['validate'], { ...base, APP_LOG_LEVEL: 'mqtt_otel_trace_exporter' });
    assert.equal(target.code, 0, target.stderr);
    assert.match(
      target.stderr,
      /"level":"warn","msg":"APP_LOG_LEVEL \\"mqtt_otel_trace_exporter\\" has per-target directives only/,
    );
    const rust = await runCli(['print-config'], { ...base, APP_LOG_LEVEL: 'debug', RUST_LOG: 'error' });
    assert.equal(rust.code, 0, rust.stderr);
    assert.match(rust.stdout, /level: error +# RUST_LOG/);
  });

  it('print-config in drop-in mode shows the service.instance.id the hub runs with: the host name without HOSTNAME', async () => {
    const env = {
      ...NO_GENERIC,
      MQTT_BROKER_HOST: 'aio-broker',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
      HOSTNAME: '',
      OTEL_SERVICE_INSTANCE_ID: '',
    };
    const id = async () => /service\.instance\.id: (\S+)/.exec((await runCli(['print-config'], env)).stdout)?.[1];
    const first = await id();
    assert.equal(first, hostname().trim() || first);
    assert.equal(await id(), first, 'the same at every invocation');
  });

  it('print-config honours --log-level: what it prints is what runs', async () => {
    const dropIn = await runCli(['print-config', '--log-level', 'debug'], {
      ...NO_GENERIC,
      MQTT_BROKER_HOST: 'aio-broker',
      APP_LOG_LEVEL: 'warn',
    });
    assert.equal(dropIn.code, 0, dropIn.stderr);
    assert.match(dropIn.stdout, /^ {6}level: debug +# --log-level$/m);
    const files = await runCli([
      'print-config',
      '--log-level',
      'error',
      '--config',
      td('base.yaml'),
      '--config',
      td('overlay.yaml'),
    ]);
    assert.equal(files.code, 0, files.stderr);
    assert.equal(
      (parse(files.stdout) as { service: { telemetry: { logs: { level: string } } } }).service.telemetry.logs.level,
      'error',
    );
    const def = await runCli(['print-config', '--log-level', 'warn'], NO_DROP_IN);
    assert.equal(def.code, 0, def.stderr);
    assert.equal(
      (parse(def.stdout) as { service: { telemetry: { logs: { level: string } } } }).service.telemetry.logs.level,
      'warn',
    );
  });
});
