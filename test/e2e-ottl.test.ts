// End to end over real sockets: the official OpenTelemetry JS exporters (HTTP/protobuf) send into a hub whose
// pipelines run transform then filter, and an independent OTLP/HTTP server receives what the hub's otlp_http
// exporter sends. Every statement's effect shows there, what the filter drops never arrives, and a request the
// filter empties entirely is still answered with success (the client does not retry it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { Logs, Metrics, Traces } from '../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, forEachSpan, getAttribute } from '../core/pdata/index.ts';
import { createHash } from 'node:crypto';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import type { Official } from './helpers/otlp-receiver-official-exporters.ts';
import {
  exportWith,
  makeLogs,
  makeMetrics,
  makeSpans,
  officialExporters,
  shutdownAll,
} from './helpers/otlp-receiver-official-exporters.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';

const config = (destination: string) => `
receivers:
  otlp:
    protocols:
      http: { endpoint: localhost:0 }
processors:
  transform:
    error_mode: ignore
    trace_statements:
      - set(span.attributes["via"], Concat(["hub", resource.attributes["service.name"]], ":"))
      - delete_key(span.attributes, "http.method")
      - set(spanevent.attributes["seen"], true)
    metric_statements:
      - context: metric
        statements:
          - set(description, "edge") where name == "requests-m"
    log_statements:
      - set(log.attributes["user"], SHA256(log.attributes["user"]))
  filter:
    trace_conditions:
      - span.name == "span-health"
    metrics:
      metric:
        - IsMatch(name, "^latency-")
    log_conditions:
      - IsMatch(log.body, "^hello-drop")
exporters:
  otlp_http:
    endpoint: ${destination}
    retry_on_failure: { enabled: false }
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces: { receivers: [otlp], processors: [transform, filter], exporters: [otlp_http] }
    metrics: { receivers: [otlp], processors: [transform, filter], exporters: [otlp_http] }
    logs: { receivers: [otlp], processors: [transform, filter], exporters: [otlp_http] }
`;

describe('transform and filter end to end over OTLP', () => {
  let server: TestHttpServer;
  let hub: TestHub;
  let client: Official;

  before(async () => {
    server = await startHttpServer();
    hub = await startTestHub(config(server.url));
    client = officialExporters('http/protobuf', `http://${hub.endpoint('OTLP HTTP receiver listening')}`);
  });
  after(async () => {
    await shutdownAll(client);
    await hub.shutdown();
    await server.close();
  });

  const received = <T>(signal: string): T[] =>
    server.calls.filter((c) => c.signal === signal).map((c) => c.data as unknown as T);

  it('spans: statements applied, the filtered span never arrives, an all-filtered request still succeeds', async () => {
    const keep = await exportWith(client.traces, await makeSpans('keep'));
    const health = await exportWith(client.traces, await makeSpans('health'));
    assert.equal(keep.code, ExportResultCode.SUCCESS);
    assert.equal(
      health.code,
      ExportResultCode.SUCCESS,
      'dropped by the filter is delivered as far as the client knows',
    );
    await eventually(() => received<Traces>('traces').length >= 1, 'the kept span arrives');
    const spans: { name: string; via: unknown; method: unknown; seen: unknown }[] = [];
    for (const t of received<Traces>('traces'))
      forEachSpan(t, (s) =>
        spans.push({
          name: s.name,
          via: getAttribute(s.attributes, 'via'),
          method: getAttribute(s.attributes, 'http.method'),
          seen: getAttribute(s.events[0]?.attributes ?? [], 'seen'),
        }),
      );
    assert.deepEqual(spans, [{ name: 'span-keep', via: 'hub:svc-keep', method: undefined, seen: true }]);
  });

  it('metrics: the latency histogram is filtered out, the counter gets its description', async () => {
    assert.equal((await exportWith(client.metrics, await makeMetrics('m'))).code, ExportResultCode.SUCCESS);
    await eventually(() => received<Metrics>('metrics').length >= 1, 'metrics arrive');
    const names: [string, string][] = [];
    for (const md of received<Metrics>('metrics')) forEachMetric(md, (m) => names.push([m.name, m.description]));
    assert.deepEqual(names, [['requests-m', 'edge']]);
  });

  it('logs: the user is hashed, the record matching the filter never arrives', async () => {
    assert.equal((await exportWith(client.logs, await makeLogs('drop'))).code, ExportResultCode.SUCCESS);
    assert.equal((await exportWith(client.logs, await makeLogs('keep'))).code, ExportResultCode.SUCCESS);
    await eventually(() => received<Logs>('logs').length >= 1, 'the kept record arrives');
    const records: [unknown, unknown][] = [];
    for (const ld of received<Logs>('logs'))
      forEachLogRecord(ld, (r) => records.push([r.body, getAttribute(r.attributes, 'user')]));
    const hash = createHash('sha256').update('u1').digest('hex');
    assert.deepEqual(records, [[{ stringValue: 'hello-keep' }, hash]]);
  });
});
