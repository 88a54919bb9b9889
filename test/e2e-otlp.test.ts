// End to end over real sockets: the official OpenTelemetry JS exporters send into one hub, which forwards with
// the `otlp_grpc` and `otlp_http` exporters to a second hub (and once under their deprecated names `otlp` and
// `otlphttp`, as a config written for a Collector before v0.144.0 has them); every field must arrive intact. Also TLS and mTLS
// with certificates made in the test, bearer tokens, and the second hub down for a while: nothing lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeverityNumber, SpanKind } from '@opentelemetry/api';
import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogs } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogs } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetrics } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraces } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logs, Metrics, Signal, SignalData, Traces } from '../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, forEachSpan, getAttribute, toHex } from '../core/pdata/index.ts';
import { mergeData } from '../core/pdata/split.ts';
import { ConsumerError } from '../core/errors.ts';
import { makeTestCerts } from './helpers/certs.ts';
import type { TestCerts } from './helpers/certs.ts';
import { eventually, freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from './helpers/sample-data.ts';

const QUIET = `  telemetry:\n    metrics: { level: none }\n    logs: { level: info }\n`;

/** The second hub: OTLP in (optionally TLS, mTLS and bearer token), everything into test_sink. */
function hub2Config(opts: { tls?: boolean; token?: boolean; grpcPort?: number; httpPort?: number } = {}): string {
  const tls = opts.tls
    ? `\n        tls: { cert_file: "\${env:SERVER_CERT}", key_file: "\${env:SERVER_KEY}", client_ca_file: "\${env:CA}" }`
    : '';
  const auth = opts.token ? `\n        auth: { authenticator: bearertokenauth }` : '';
  return `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: localhost:${opts.grpcPort ?? 0}${tls}${auth}
      http:
        endpoint: localhost:${opts.httpPort ?? 0}${tls}${auth}
exporters:
  test_sink:
extensions:
  bearertokenauth:
    token: \${env:TOKEN:-unused}
service:
  extensions: [bearertokenauth]
${QUIET}  pipelines:
    traces: { receivers: [otlp], exporters: [test_sink] }
    metrics: { receivers: [otlp], exporters: [test_sink] }
    logs: { receivers: [otlp], exporters: [test_sink] }
`;
}

/** The first hub: OTLP and test_source in, batch, then otlp_grpc and otlp_http out to hub 2, and a tap. */
function hub1Config(
  grpc: string,
  http: string,
  opts: {
    tls?: boolean;
    token?: boolean;
    retry?: string;
    names?: { grpc: string; http: string };
    telemetry?: string;
  } = {},
): string {
  const { grpc: g, http: h } = opts.names ?? { grpc: 'otlp_grpc', http: 'otlp_http' };
  const tls = opts.tls
    ? `\n    tls: { ca_file: "\${env:CA}", cert_file: "\${env:CLIENT_CERT}", key_file: "\${env:CLIENT_KEY}" }`
    : `\n    tls: { insecure: true }`;
  const httpTls = opts.tls
    ? `\n    tls: { ca_file: "\${env:CA}", cert_file: "\${env:CLIENT_CERT}", key_file: "\${env:CLIENT_KEY}" }`
    : '';
  const auth = opts.token ? `\n    auth: { authenticator: bearertokenauth }` : '';
  const retry = `\n    retry_on_failure: ${opts.retry ?? '{ initial_interval: 20ms, max_interval: 100ms, max_elapsed_time: 60s }'}`;
  const scheme = opts.tls ? 'https' : 'http';
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: localhost:0 }
      http: { endpoint: localhost:0 }
  test_source:
processors:
  batch: { timeout: 20ms }
exporters:
  ${g}:
    endpoint: ${grpc}${tls}${auth}${retry}
  ${h}:
    endpoint: ${scheme}://${http}${httpTls}${auth}${retry}
  ${h}/json:
    endpoint: ${scheme}://${http}
    encoding: json${httpTls}${auth}${retry}
  test_sink/tap:
extensions:
  bearertokenauth:
    token: \${env:TOKEN:-unused}
service:
  extensions: [bearertokenauth]
${opts.telemetry ?? QUIET}  pipelines:
    traces: { receivers: [otlp, test_source], processors: [batch], exporters: [${g}, test_sink/tap] }
    metrics: { receivers: [otlp, test_source], processors: [batch], exporters: [${h}, test_sink/tap] }
    logs: { receivers: [otlp, test_source], processors: [batch], exporters: [${h}/json, test_sink/tap] }
`;
}

function received(h: TestHub, sink: string, signal: Signal): SignalData | undefined {
  const list =
    h.t.sinks
      .get(sink)
      ?.received.filter((r) => r.signal === signal)
      .map((r) => r.data) ?? [];
  return list.length ? mergeData(signal as 'traces', list as Traces[]) : undefined;
}

/** Spans, points and records, each with its resource and scope, in a stable order: batching may regroup them. */
function flatten(signal: Signal, data: SignalData | undefined): unknown[] {
  const out: { key: string; v: unknown }[] = [];
  if (!data) return [];
  if (signal === 'traces')
    forEachSpan(data as Traces, (s, ss, rs) =>
      out.push({
        key: toHex(s.spanId),
        v: { s, scope: ss.scope, ssu: ss.schemaUrl, r: rs.resource, rsu: rs.schemaUrl },
      }),
    );
  if (signal === 'metrics')
    forEachMetric(data as Metrics, (m, sm, rm) => out.push({ key: m.name, v: { m, scope: sm.scope, r: rm.resource } }));
  if (signal === 'logs')
    forEachLogRecord(data as Logs, (l, sl, rl) =>
      out.push({
        key:
          String(l.timeUnixNano) + JSON.stringify(l.body, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)),
        v: { l, scope: sl.scope, r: rl.resource },
      }),
    );
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.v);
}

async function sendWithOfficialExporters(
  traces: SpanExporter,
  metrics: PushMetricExporter,
  logs: LogRecordExporter,
  tag: string,
): Promise<void> {
  const resource = resourceFromAttributes({ 'service.name': `e2e-${tag}`, 'deployment.environment': 'test' });
  const tp = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: traces })] });
  const tracer = tp.getTracer('e2e-tracer', '1.2.3');
  const parent = tracer.startSpan(`parent-${tag}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'GET', retries: 3, ratio: 0.5, ok: true, tags: ['a', 'b'] },
  });
  parent.addEvent('checkpoint', { step: 1 });
  parent.setStatus({ code: 2, message: 'boom' });
  parent.end();
  await tp.forceFlush();
  await tp.shutdown();

  const mp = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 3_600_000 })],
  });
  const meter = mp.getMeter('e2e-meter', '1.2.3');
  meter.createCounter(`requests-${tag}`, { description: 'requests', unit: '{request}' }).add(5, { route: '/a' });
  meter.createHistogram(`latency-${tag}`, { unit: 'ms' }).record(12.5, { route: '/a' });
  meter.createUpDownCounter(`queue-${tag}`).add(-2);
  await mp.forceFlush();
  await mp.shutdown();

  const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
  lp.getLogger('e2e-logger', '1.2.3').emit({
    body: `hello-${tag}`,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    attributes: { user: 'u1' },
  });
  await lp.forceFlush();
  await lp.shutdown();
}

describe('OTLP end to end', () => {
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });
  after(() => certs.cleanup());

  it('carries every field from the official exporters (gRPC, HTTP protobuf, HTTP JSON) through two hubs', async () => {
    const h2 = await startTestHub(hub2Config());
    const h1 = await startTestHub(
      hub1Config(h2.endpoint('OTLP gRPC receiver listening'), h2.endpoint('OTLP HTTP receiver listening')),
    );
    try {
      const grpc = `http://${h1.endpoint('OTLP gRPC receiver listening')}`;
      const http = `http://${h1.endpoint('OTLP HTTP receiver listening')}`;
      await sendWithOfficialExporters(
        new GrpcTraces({ url: grpc }),
        new GrpcMetrics({ url: grpc }),
        new GrpcLogs({ url: grpc }),
        'grpc',
      );
      await sendWithOfficialExporters(
        new ProtoTraces({ url: `${http}/v1/traces` }),
        new ProtoMetrics({ url: `${http}/v1/metrics` }),
        new ProtoLogs({ url: `${http}/v1/logs` }),
        'proto',
      );
      await sendWithOfficialExporters(
        new JsonTraces({ url: `${http}/v1/traces` }),
        new JsonMetrics({ url: `${http}/v1/metrics` }),
        new JsonLogs({ url: `${http}/v1/logs` }),
        'json',
      );

      for (const signal of ['traces', 'metrics', 'logs'] as const) {
        await eventually(
          () =>
            flatten(signal, received(h2, 'test_sink', signal)).length ===
              flatten(signal, received(h1, 'test_sink/tap', signal)).length &&
            flatten(signal, received(h1, 'test_sink/tap', signal)).length > 0,
          `${signal} at hub 2`,
        );
        assert.deepEqual(
          flatten(signal, received(h2, 'test_sink', signal)),
          flatten(signal, received(h1, 'test_sink/tap', signal)),
          `${signal} arrive at hub 2 exactly as hub 1 received them`,
        );
      }
      // And what hub 1 received is what the SDKs sent.
      const spans = flatten('traces', received(h2, 'test_sink', 'traces')) as {
        s: { name: string; attributes: never[]; events: { name: string }[]; status: { code: number; message: string } };
        scope: { name: string; version: string };
        r: { attributes: never[] };
      }[];
      assert.deepEqual(spans.map((x) => x.s.name).sort(), ['parent-grpc', 'parent-json', 'parent-proto']);
      for (const x of spans) {
        assert.equal(getAttribute(x.s.attributes, 'retries'), 3n);
        assert.equal(getAttribute(x.s.attributes, 'ratio'), 0.5);
        assert.deepEqual(getAttribute(x.s.attributes, 'tags'), ['a', 'b']);
        assert.equal(x.s.events[0]?.name, 'checkpoint');
        assert.deepEqual(x.s.status, { code: 2, message: 'boom' });
        assert.deepEqual([x.scope.name, x.scope.version], ['e2e-tracer', '1.2.3']);
        assert.equal(getAttribute(x.r.attributes, 'deployment.environment'), 'test');
      }
      const metricNames = (flatten('metrics', received(h2, 'test_sink', 'metrics')) as { m: { name: string } }[]).map(
        (x) => x.m.name,
      );
      for (const tag of ['grpc', 'proto', 'json'])
        for (const n of [`requests-${tag}`, `latency-${tag}`, `queue-${tag}`]) assert.ok(metricNames.includes(n), n);
      const bodies = (
        flatten('logs', received(h2, 'test_sink', 'logs')) as { l: { body: unknown; severityNumber: number } }[]
      ).map((x) => x.l);
      assert.deepEqual(
        bodies.map((b) => b.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        [{ stringValue: 'hello-grpc' }, { stringValue: 'hello-json' }, { stringValue: 'hello-proto' }],
      );
      assert.ok(bodies.every((b) => b.severityNumber === 13));
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });

  it('runs a config with the deprecated names otlp and otlphttp: one warning per exporter, the IDs kept', async () => {
    const h2 = await startTestHub(hub2Config());
    const h1 = await startTestHub(
      hub1Config(h2.endpoint('OTLP gRPC receiver listening'), h2.endpoint('OTLP HTTP receiver listening'), {
        names: { grpc: 'otlp', http: 'otlphttp' },
        telemetry: `  telemetry:\n    metrics: { level: detailed, address: localhost:0 }\n`,
      }),
    );
    try {
      const grpc = `http://${h1.endpoint('OTLP gRPC receiver listening')}`;
      await sendWithOfficialExporters(
        new GrpcTraces({ url: grpc }),
        new GrpcMetrics({ url: grpc }),
        new GrpcLogs({ url: grpc }),
        'old',
      );
      for (const signal of ['traces', 'metrics', 'logs'] as const)
        await eventually(() => flatten(signal, received(h2, 'test_sink', signal)).length > 0, `${signal} at hub 2`);
      const warned = (re: RegExp) => h1.lines.filter((l) => l.level === 'warn' && re.test(String(l.msg)));
      assert.equal(warned(/exporter type "otlp" is deprecated: rename "otlp" to "otlp_grpc"/).length, 1);
      assert.equal(warned(/exporter type "otlphttp" is deprecated: rename "otlphttp" to "otlp_http"/).length, 1);
      assert.equal(warned(/rename "otlphttp\/json" to "otlp_http\/json"/).length, 1);
      // The receiver `otlp` was never renamed: nothing said about it.
      const renamed = warned(/type "[a-z_]+" is deprecated/);
      assert.equal(renamed.length, 3, JSON.stringify(renamed));
      assert.ok(!renamed.some((l) => l.kind === 'receiver'));
      // Metrics keep the IDs the config wrote, so dashboards built on them keep working.
      const t = h1.hub.service.telemetry;
      assert.ok((await t.value('otelcol_exporter_sent_spans_total', { exporter: 'otlp' })) >= 1);
      assert.ok((await t.value('otelcol_exporter_sent_metric_points_total', { exporter: 'otlphttp' })) >= 1);
      assert.ok((await t.value('otelcol_exporter_sent_log_records_total', { exporter: 'otlphttp/json' })) >= 1);
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });

  it('carries data with every field set, over TLS with client certificates and a bearer token', async () => {
    const env = {
      CA: certs.caFile,
      SERVER_CERT: certs.serverCertFile,
      SERVER_KEY: certs.serverKeyFile,
      CLIENT_CERT: certs.clientCertFile,
      CLIENT_KEY: certs.clientKeyFile,
      TOKEN: 'e2e-secret-token',
    };
    const h2 = await startTestHub(hub2Config({ tls: true, token: true }), { env });
    const h1 = await startTestHub(
      hub1Config(h2.endpoint('OTLP gRPC receiver listening'), h2.endpoint('OTLP HTTP receiver listening'), {
        tls: true,
        token: true,
      }),
      { env },
    );
    try {
      const src = h1.t.sources.get('test_source')!.byType;
      await src.traces!.consume(sampleTraces());
      await src.metrics!.consume(sampleMetrics());
      await src.logs!.consume(sampleLogs());
      assert.deepEqual(received(h2, 'test_sink', 'traces'), sampleTraces());
      assert.deepEqual(received(h2, 'test_sink', 'metrics'), sampleMetrics());
      assert.deepEqual(received(h2, 'test_sink', 'logs'), sampleLogs());
      assert.ok(!JSON.stringify([h1.lines, h2.lines]).includes('e2e-secret-token'), 'the token is never logged');
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });

  it('refuses a wrong or missing token: retried, then back to the sender (retryable), logged loudly, never the token', async () => {
    const env2 = {
      CA: certs.caFile,
      SERVER_CERT: certs.serverCertFile,
      SERVER_KEY: certs.serverKeyFile,
      TOKEN: 'right-token',
    };
    const h2 = await startTestHub(hub2Config({ token: true }), { env: env2 });
    const grpc = h2.endpoint('OTLP gRPC receiver listening');
    const http = h2.endpoint('OTLP HTTP receiver listening');
    // Credentials rotate, so a refusal is retried (unlike the Collector); a short max_elapsed_time gives it back soon.
    const retry = '{ initial_interval: 10ms, max_interval: 20ms, max_elapsed_time: 300ms }';
    const wrong = await startTestHub(hub1Config(grpc, http, { token: true, retry }), { env: { TOKEN: 'wrong-token' } });
    const missing = await startTestHub(hub1Config(grpc, http, { retry }));
    try {
      for (const h of [wrong, missing]) {
        const src = h.t.sources.get('test_source')!.byType;
        await assert.rejects(
          src.traces!.consume(sampleTraces()),
          (e: unknown) => e instanceof ConsumerError && e.retryable && /UNAUTHENTICATED/.test(e.message),
        );
        await assert.rejects(
          src.metrics!.consume(sampleMetrics()),
          (e: unknown) => e instanceof ConsumerError && e.retryable && /HTTP 401/.test(e.message),
        );
        assert.ok(
          h.lines.some((l) => l.level === 'error' && /refused the credentials/.test(String(l.msg))),
          'logged at error level',
        );
      }
      assert.equal(received(h2, 'test_sink', 'traces'), undefined);
      const r = await fetch(`http://${http}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
        body: '{}',
      });
      assert.equal(r.status, 401);
      assert.ok(!JSON.stringify([h2.lines, wrong.lines]).match(/right-token|wrong-token/), 'tokens are never logged');
    } finally {
      await wrong.shutdown();
      await missing.shutdown();
      await h2.shutdown();
    }
  });

  it('loses nothing while the second hub is down for a while', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const h1 = await startTestHub(hub1Config(`localhost:${grpcPort}`, `localhost:${httpPort}`));
    let h2: TestHub | undefined;
    try {
      const src = h1.t.sources.get('test_source')!.byType;
      const sent = [
        src.traces!.consume(sampleTraces()),
        src.metrics!.consume(sampleMetrics()),
        src.logs!.consume(sampleLogs()),
      ];
      let settled = false;
      void Promise.all(sent).then(
        () => (settled = true),
        () => (settled = true),
      );
      // The exporters keep retrying; meanwhile nothing may be acknowledged upstream.
      await sleep(300);
      assert.equal(settled, false, 'not acknowledged while the destination is down');
      h2 = await startTestHub(hub2Config({ grpcPort, httpPort }));
      await Promise.all(sent);
      assert.deepEqual(received(h2, 'test_sink', 'traces'), sampleTraces());
      assert.deepEqual(received(h2, 'test_sink', 'metrics'), sampleMetrics());
      assert.deepEqual(received(h2, 'test_sink', 'logs'), sampleLogs());
    } finally {
      await h1.shutdown();
      await h2?.shutdown();
    }
  });
});
