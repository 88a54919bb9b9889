// OTLP pass-through end to end: the official OpenTelemetry JS exporters send protobuf into a hub running
// `otlp -> batch -> otlp_http`, which sends it on to a real OTLP/HTTP server. Nothing in that pipeline reads the data,
// so it leaves as the bytes the SDK serialized (merged by concatenation when the batch merges); a processor that
// reads the data still gets it decoded, and what it changed is what arrives.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { Traces } from '../core/pdata/index.ts';
import { forEachSpan, getAttribute, spanCount } from '../core/pdata/index.ts';
import { mergeData } from '../core/pdata/split.ts';
import { decodeRequest, encodeRequest } from '../otlp/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import {
  exportWith,
  makeLogs,
  makeMetrics,
  makeSpans,
  officialExporters,
  shutdownAll,
} from './helpers/otlp-receiver-official-exporters.ts';
import type { Official } from './helpers/otlp-receiver-official-exporters.ts';

function hubConfig(server: string, processors: string, batch = '{}'): string {
  const pipeline = `{ receivers: [otlp], processors: [${processors}], exporters: [otlp_http] }`;
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
      http: { endpoint: 127.0.0.1:0 }
processors:
  batch: ${batch}
  test_mutator: { tag: seen }
exporters:
  otlp_http:
    endpoint: ${server}
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces: ${pipeline}
    metrics: ${pipeline}
    logs: ${pipeline}
`;
}

const serialize = {
  traces: (s: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(s)!),
  metrics: (m: ResourceMetrics) => Buffer.from(ProtobufMetricsSerializer.serializeRequest(m)!),
  logs: (l: ReadableLogRecord[]) => Buffer.from(ProtobufLogsSerializer.serializeRequest(l)!),
};

describe('OTLP pass-through (otlp -> batch -> otlp_http)', () => {
  let server: TestHttpServer;
  let hub: TestHub | undefined;
  let official: Official | undefined;

  before(async () => {
    server = await startHttpServer();
  });
  after(() => server.close());
  afterEach(async () => {
    if (official) await shutdownAll(official);
    official = undefined;
    await hub?.shutdown();
    hub = undefined;
    server.calls.length = 0;
    server.reply = () => undefined;
  });

  async function start(processors: string, batch?: string): Promise<string> {
    hub = await startTestHub(hubConfig(server.url, processors, batch));
    return hub.endpoint('OTLP HTTP receiver listening');
  }

  it('sends what the official protobuf exporters sent, byte for byte, for every signal and over gRPC too', async () => {
    const http = await start('batch');
    official = officialExporters('http/protobuf', `http://${http}`);
    const spans = await makeSpans('a');
    const metrics = await makeMetrics('b');
    const logs = await makeLogs('c');
    assert.equal((await exportWith(official.traces, spans)).code, 0);
    assert.equal((await exportWith(official.metrics, metrics)).code, 0);
    assert.equal((await exportWith(official.logs, logs)).code, 0);
    const grpcOfficial = officialExporters('grpc', `http://${hub!.endpoint('OTLP gRPC receiver listening')}`);
    const grpcSpans = await makeSpans('d');
    assert.equal((await exportWith(grpcOfficial.traces, grpcSpans)).code, 0);
    await shutdownAll(grpcOfficial);

    assert.deepStrictEqual(
      server.calls.map((c) => c.path),
      ['/v1/traces', '/v1/metrics', '/v1/logs', '/v1/traces'],
    );
    const sent = [
      serialize.traces(spans),
      serialize.metrics(metrics),
      serialize.logs(logs),
      serialize.traces(grpcSpans),
    ];
    server.calls.forEach((call, i) => {
      assert.ok(call.body.equals(sent[i]!), `${call.path}: the bytes the SDK serialized`);
      assert.deepStrictEqual(call.data, decodeRequest(call.signal, sent[i]!));
    });
    // Not the same bytes as decoding and encoding again would give: the equality above is the pass-through's.
    const reencoded = encodeRequest('traces', decodeRequest('traces', sent[0]!));
    assert.ok(!Buffer.from(reencoded).equals(sent[0]!), 'our encoder writes the spans differently');
  });

  it('merges requests held back by the batch into one request by concatenation', async () => {
    // One span a request: the second and third together reach send_batch_size; the timer never fires in a test.
    const http = await start('batch', '{ send_batch_size: 2, timeout: 60s }');
    official = officialExporters('http/protobuf', `http://${http}`);
    let release: () => void = () => {};
    const held = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    server.reply = (_call, n) => (n === 0 ? held : undefined);
    const [first, a, b] = await Promise.all([makeSpans('first'), makeSpans('a'), makeSpans('b')]);
    // The first export goes at once (nothing else in flight) and its answer is held: the next two gather.
    const exported = [exportWith(official.traces, first)];
    await eventually(() => server.calls.length === 1, 'the first export reached the server');
    exported.push(exportWith(official.traces, a), exportWith(official.traces, b));
    await eventually(() => server.calls.length === 2, 'the two others reached the server together');
    release();
    for (const r of await Promise.all(exported)) assert.equal(r.code, 0);
    assert.equal(server.calls.length, 2, 'the two held-back exports went in one request');
    const body = server.calls[1]!.body;
    const [sa, sb] = [serialize.traces(a), serialize.traces(b)];
    assert.ok(
      body.equals(Buffer.concat([sa, sb])) || body.equals(Buffer.concat([sb, sa])),
      'the two requests laid end to end',
    );
    const spansOf = (t: Traces) => {
      const names: string[] = [];
      forEachSpan(t, (s) => names.push(s.name));
      return names.sort();
    };
    assert.deepStrictEqual(spansOf(server.calls[1]!.data as Traces), ['span-a', 'span-b']);
    assert.deepStrictEqual(
      spansOf(server.calls[1]!.data as Traces),
      spansOf(mergeData('traces', [decodeRequest('traces', sa), decodeRequest('traces', sb)])),
    );
  });

  it('sends a request the destination finds too large (413) in halves cut from its bytes, until each fits', async () => {
    const http = await start('batch');
    official = officialExporters('http/protobuf', `http://${http}`);
    server.reply = (call) => (spanCount(call.data as Traces) > 1 ? { status: 413 } : undefined);
    const spans = (await Promise.all(['x', 'y', 'z'].map((t) => makeSpans(t)))).flat();
    assert.equal((await exportWith(official.traces, spans)).code, 0);
    const accepted = server.calls.filter((c) => spanCount(c.data as Traces) === 1);
    const names = accepted.flatMap((c) =>
      (c.data as Traces).resourceSpans.map((rs) => rs.scopeSpans[0]!.spans[0]!.name),
    );
    assert.deepStrictEqual(names, ['span-x', 'span-y', 'span-z']);
    const sent = decodeRequest('traces', serialize.traces(spans));
    assert.deepStrictEqual(
      accepted.flatMap((c) => (c.data as Traces).resourceSpans),
      sent.resourceSpans,
      'each piece holds its span with its resource and scope as sent',
    );
  });

  it('gives a processor that reads the data decoded data, and sends what it made of it', async () => {
    const http = await start('test_mutator, batch');
    official = officialExporters('http/protobuf', `http://${http}`);
    const spans = await makeSpans('m');
    assert.equal((await exportWith(official.traces, spans)).code, 0);
    assert.equal(server.calls.length, 1);
    const expected = decodeRequest('traces', serialize.traces(spans));
    forEachSpan(expected, (s) => s.attributes.push({ key: 'mutated', value: { stringValue: 'seen' } }));
    const arrived = server.calls[0]!.data as Traces;
    forEachSpan(arrived, (s) => assert.equal(getAttribute(s.attributes, 'mutated'), 'seen'));
    assert.deepStrictEqual(arrived, expected);
  });
});
