// Issue 15's "done when": a config written for the OpenTelemetry Collector v0.165 (test/testdata/collector-v0165.yaml,
// current key names only) validates and runs unchanged in the real `otelhub` process, given as a `file:` URI with a
// `yaml:` fragment and `--set` overrides. The official OpenTelemetry JS exporters send OTLP in; every effect of the
// config is checked where it lands: at independent OTLP servers (gRPC and HTTP, on port 0) and on the telemetry
// reader's port, whose Prometheus text the `level` decides and where the resource appears as target_info.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ExportResult } from '@opentelemetry/core';
import { getAttribute } from '../core/pdata/index.ts';
import type { ExportData } from '../exporters/helper/send.ts';
import { eventually, freePort } from './helpers/hub.ts';
import { findLog, findMetric, findSpan } from './helpers/otlp-receiver-checks.ts';
import * as official from './helpers/otlp-receiver-official-exporters.ts';
import { startGrpcServer } from './helpers/otlp-grpc-exporter-server.ts';
import type { TestGrpcServer } from './helpers/otlp-grpc-exporter-server.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { runCli, startCli } from './helpers/process.ts';
import type { Running } from './helpers/process.ts';

const CONFIG = 'test/testdata/collector-v0165.yaml';
const TOKEN = readFileSync('test/testdata/collector-v0165.token', 'utf8');

/** The config as the test gives it: the file as a `file:` URI, a `yaml:` fragment, and `--set` overrides. */
function args(extraSet: string[] = []): string[] {
  return [
    '--config',
    `file:${CONFIG}`,
    '--config',
    'yaml:service::telemetry::resource::host.name: gw-17',
    '--set',
    'exporters::otlp_grpc::headers::x-site=plant-7',
    ...extraSet.flatMap((s) => ['--set', s]),
  ];
}

interface Backends {
  grpc: TestGrpcServer;
  http: TestHttpServer;
  /** The variables the config names but TENANT_ID and METRICS_HOST, left unset so that their defaults apply. */
  env: Record<string, string>;
  metricsPort: number;
}

async function backends(): Promise<Backends> {
  const grpc = await startGrpcServer();
  const http = await startHttpServer();
  const metricsPort = await freePort();
  const env = {
    OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
    OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
    BACKEND_GRPC_ENDPOINT: grpc.address,
    BACKEND_HTTP_ENDPOINT: http.url,
    METRICS_PORT: String(metricsPort),
  };
  // Unset, as the Collector reads `:-` (otelhub would take the default for an empty value too; the Collector not).
  for (const name of ['TENANT_ID', 'METRICS_HOST'])
    assert.equal(process.env[name], undefined, `${name} must be unset in the environment running the tests`);
  return { grpc, http, env, metricsPort };
}

async function endpoints(hub: Running): Promise<{ grpc: string; http: string }> {
  const g = await hub.waitForLog((l) => String(l.msg).startsWith('OTLP gRPC receiver listening'));
  const h = await hub.waitForLog((l) => String(l.msg).startsWith('OTLP HTTP receiver listening'));
  return { grpc: `http://${String(g.endpoint)}`, http: `http://${String(h.endpoint)}` };
}

/** Spans over gRPC, metrics over HTTP/protobuf, logs over HTTP/JSON, each from the official exporter of its kind. */
async function sendAll(ep: { grpc: string; http: string }, tag: string): Promise<void> {
  const grpc = official.officialExporters('grpc', ep.grpc);
  const proto = official.officialExporters('http/protobuf', ep.http);
  const json = official.officialExporters('http/json', ep.http);
  try {
    const results: ExportResult[] = [
      await official.exportWith(grpc.traces, await official.makeSpans(tag)),
      await official.exportWith(proto.metrics, await official.makeMetrics(tag)),
      await official.exportWith(json.logs, await official.makeLogs(tag)),
    ];
    for (const r of results) assert.equal(r.code, 0, String(r.error));
  } finally {
    await Promise.all([official.shutdownAll(grpc), official.shutdownAll(proto), official.shutdownAll(json)]);
  }
}

async function scrape(port: number): Promise<string> {
  // localhost, as the reader's host defaults to (${env:METRICS_HOST:-localhost}), resolved as the hub resolved it.
  const res = await fetch(`http://localhost:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of the one sample `name{labels}` in Prometheus text, labels given as written between the braces. */
function sample(text: string, name: string, labels: string): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (labels.split(',').every((l) => have.includes(l))) return Number(m[3]);
  }
  return undefined;
}

async function stop(hub: Running): Promise<void> {
  hub.child.kill('SIGTERM');
  const r = await hub.exited;
  assert.equal(r.code, 0, r.stderr);
}

describe('a Collector v0.165 config, unchanged', () => {
  let b: Backends;
  before(async () => {
    b = await backends();
  });
  after(async () => {
    await b.grpc.close();
    await b.http.close();
  });

  it('validates: exit 0, one line, no warning (no deprecated name in it)', async () => {
    const r = await runCli(['validate', ...args()], b.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'configuration is valid (3 pipelines)\n');
    assert.equal(r.stderr, '');
  });

  it('runs: OTLP in, every field and header at the independent OTLP servers, counts and target_info at the reader', async () => {
    const hub = startCli(args(), b.env);
    try {
      await sendAll(await endpoints(hub), 'c165');

      // Traces went out through otlp_grpc: the ${env:...:-default} header, the --set header, no token (not asked).
      await eventually(() => b.grpc.calls.some((c) => c.signal === 'traces'), 'spans at the gRPC server');
      const tcall = b.grpc.calls.find((c) => c.signal === 'traces');
      assert.ok(tcall);
      assert.equal(tcall.metadata['x-tenant'], 'edge-01');
      assert.equal(tcall.metadata['x-site'], 'plant-7');
      assert.equal(tcall.metadata.authorization, undefined);
      assert.match(String(tcall.metadata['user-agent']), /^otelhub\/\d+\.\d+\.\d+\S* \(\w+\/\w+\)/);
      const got = {
        traces: b.grpc.calls.filter((c) => c.signal === 'traces').map((c) => c.data),
        metrics: [] as ExportData[],
        logs: [] as ExportData[],
      };
      const span = findSpan({ got }, 'span-c165');
      assert.ok(span, 'the span arrived');
      assert.equal(getAttribute(span.rs.resource?.attributes ?? [], 'service.name'), 'svc-c165');
      assert.equal(getAttribute(span.s.attributes, 'http.method'), 'GET');
      assert.equal(span.ss.scope?.name, 'test-tracer');
      assert.equal(span.s.events[0]?.name, 'checkpoint');
      assert.equal(span.s.status?.message, 'boom');

      // Metrics and logs went out through otlp_http: gzip, the bearer token read with ${file:}.
      await eventually(
        () => ['metrics', 'logs'].every((s) => b.http.calls.some((c) => c.signal === s)),
        'metrics and logs at the HTTP server',
      );
      for (const c of b.http.calls) {
        assert.equal(c.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(c.headers['content-encoding'], 'gzip');
        assert.match(String(c.headers['user-agent']), /^otelhub\/\d+\.\d+\.\d+\S* \(\w+\/\w+\)$/);
      }
      got.metrics = b.http.calls.filter((c) => c.signal === 'metrics').map((c) => c.data);
      got.logs = b.http.calls.filter((c) => c.signal === 'logs').map((c) => c.data);
      const requests = findMetric({ got }, 'requests-c165')?.sum?.dataPoints[0];
      assert.equal(Number(requests?.asInt ?? requests?.asDouble), 5);
      assert.equal(findMetric({ got }, 'latency-c165')?.histogram?.dataPoints[0]?.sum, 12.5);
      const log = findLog({ got }, 'hello-c165');
      assert.ok(log, 'the log record arrived');
      assert.equal(getAttribute(log.attributes, 'user'), 'u1');

      // The reader's port (METRICS_PORT; host from ${env:METRICS_HOST:-localhost}): level basic counts what passed,
      // leaves out the normal-level batch histogram; the resource, with the yaml: fragment's addition, is target_info.
      const text = await scrape(b.metricsPort);
      assert.equal(sample(text, 'otelcol_receiver_accepted_spans_total', 'receiver="otlp"'), 1);
      assert.equal(sample(text, 'otelcol_receiver_accepted_metric_points_total', 'receiver="otlp"'), 2);
      assert.equal(sample(text, 'otelcol_receiver_accepted_log_records_total', 'receiver="otlp"'), 1);
      await eventually(async () => {
        const t = await scrape(b.metricsPort);
        return (
          sample(t, 'otelcol_exporter_sent_spans_total', 'exporter="otlp_grpc"') === 1 &&
          sample(t, 'otelcol_exporter_sent_metric_points_total', 'exporter="otlp_http"') === 2 &&
          sample(t, 'otelcol_exporter_sent_log_records_total', 'exporter="otlp_http"') === 1
        );
      }, 'sent counts at the reader');
      assert.doesNotMatch(text, /otelcol_processor_batch_batch_send_size/, 'a normal-level metric at level basic');
      const target = /^target_info\{(.*)\} 1$/m.exec(text)?.[1] ?? '';
      assert.match(target, /service_name="otelhub"/);
      assert.match(target, /deployment_environment_name="edge"/);
      assert.match(target, /host_name="gw-17"/);

      // Nothing deprecated or unset was used, so nothing was warned about.
      await stop(hub);
      const warnings = hub
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":"warn"'));
      assert.deepEqual(warnings, []);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('--set service::telemetry::metrics::level=detailed adds the batch histogram at the reader', async () => {
    const hub = startCli(args(['service::telemetry::metrics::level=detailed']), b.env);
    try {
      await sendAll(await endpoints(hub), 'detailed');
      await eventually(
        async () => /^# TYPE otelcol_processor_batch_batch_send_size histogram$/m.test(await scrape(b.metricsPort)),
        'the batch histogram at level detailed',
      );
      await stop(hub);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('--set service::telemetry::metrics::level=none serves nothing on the reader port, and the data still flows', async () => {
    const before = b.grpc.calls.length;
    const hub = startCli(args(['service::telemetry::metrics::level=none']), b.env);
    try {
      await sendAll(await endpoints(hub), 'none');
      await eventually(() => b.grpc.calls.length > before, 'spans at the gRPC server');
      await assert.rejects(fetch(`http://localhost:${b.metricsPort}/metrics`), 'nothing listens on the reader port');
      await stop(hub);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });
});
