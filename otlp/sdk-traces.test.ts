// Bytes from the official OpenTelemetry JS serializers (@opentelemetry/otlp-transformer), built from real SDK spans,
// decode to what the SDK recorded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanContext } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace } from '@opentelemetry/api';
import {
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Span } from '../core/pdata/index.ts';
import { getAttribute, toHex } from '../core/pdata/index.ts';
import { decodeRequest, decodeRequestJson, decodeResponse, encodeResponse } from './index.ts';

const SCHEMA = 'https://opentelemetry.io/schemas/1.30.0';
const remoteParent: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: createTraceState('vendor=value'),
};
const linked: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.NONE,
};

function recordSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'interop', 'service.instance.id': 7 }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('interop-scope', '1.2.3', { schemaUrl: SCHEMA });
  const server = tracer.startSpan(
    'GET /items',
    {
      kind: SpanKind.SERVER,
      startTime: [1700000000, 123456789],
      attributes: {
        'http.method': 'GET',
        'http.status_code': 503,
        ratio: 0.75,
        cached: false,
        tags: ['a', 'b'],
        codes: [1, 2],
        big: -(2 ** 40),
      },
      links: [{ context: linked, attributes: { 'link.attr': 'l' } }],
    },
    trace.setSpanContext(ROOT_CONTEXT, remoteParent),
  );
  server.addEvent('cache.miss', { 'key.id': 42 }, [1700000000, 223456789]);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  server.end([1700000001, 5]);
  tracer.startSpan('internal work', { startTime: [1700000002, 0] }).end([1700000002, 1000]);
  return exporter.getFinishedSpans();
}

describe('official OTel JS trace serializers → decodeRequest', () => {
  const spans = recordSpans();
  const decoded = decodeRequest('traces', ProtobufTraceSerializer.serializeRequest(spans)!);

  it('gives the resource, scope and schema URL', () => {
    assert.equal(decoded.resourceSpans.length, 1);
    const rs = decoded.resourceSpans[0]!;
    assert.equal(getAttribute(rs.resource.attributes, 'service.name'), 'interop');
    assert.equal(getAttribute(rs.resource.attributes, 'service.instance.id'), 7n);
    const ss = rs.scopeSpans[0]!;
    assert.deepStrictEqual([ss.scope.name, ss.scope.version, ss.schemaUrl], ['interop-scope', '1.2.3', SCHEMA]);
    assert.equal(ss.spans.length, 2);
  });

  const byName = (name: string): Span => decoded.resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === name)!;

  it('gives IDs (as hex), trace state, parent, kind, flags and timestamps', () => {
    const s = byName('GET /items');
    const sdk = spans.find((x) => x.name === 'GET /items')!;
    assert.equal(toHex(s.traceId), remoteParent.traceId);
    assert.equal(toHex(s.spanId), sdk.spanContext().spanId);
    assert.equal(toHex(s.parentSpanId), remoteParent.spanId);
    assert.equal(s.traceState, 'vendor=value');
    assert.equal(s.kind, 2, 'SERVER: the SDK enum plus one');
    // Sampled, with bits 8 and 9 saying the parent is known to be remote.
    assert.equal(s.flags, 0x301);
    assert.equal(s.startTimeUnixNano, 1700000000123456789n);
    assert.equal(s.endTimeUnixNano, 1700000001000000005n);
    const root = byName('internal work');
    assert.equal(root.parentSpanId.length, 0);
    assert.equal(root.kind, 1);
    assert.equal(root.flags, 0x101);
    assert.equal(root.endTimeUnixNano - root.startTimeUnixNano, 1000n);
  });

  it('gives attributes of every kind', () => {
    const a = byName('GET /items').attributes;
    assert.equal(getAttribute(a, 'http.method'), 'GET');
    assert.equal(getAttribute(a, 'http.status_code'), 503n);
    assert.equal(getAttribute(a, 'ratio'), 0.75);
    assert.equal(getAttribute(a, 'cached'), false);
    assert.deepStrictEqual(getAttribute(a, 'tags'), ['a', 'b']);
    assert.deepStrictEqual(getAttribute(a, 'codes'), [1n, 2n]);
    assert.equal(getAttribute(a, 'big'), -(2n ** 40n));
  });

  it('gives events, links and status', () => {
    const s = byName('GET /items');
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0]!.name, 'cache.miss');
    assert.equal(s.events[0]!.timeUnixNano, 1700000000223456789n);
    assert.equal(getAttribute(s.events[0]!.attributes, 'key.id'), 42n);
    assert.equal(s.links.length, 1);
    const l = s.links[0]!;
    assert.deepStrictEqual([toHex(l.traceId), toHex(l.spanId), l.traceState], [linked.traceId, linked.spanId, '']);
    assert.equal(getAttribute(l.attributes, 'link.attr'), 'l');
    assert.equal(l.flags, 0x100);
    assert.deepStrictEqual(s.status, { code: 2, message: 'upstream failed' });
    assert.deepStrictEqual([s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount], [0, 0, 0]);
  });

  it('decodes the official JSON of the same spans to the same data', () => {
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
    assert.deepStrictEqual(decodeRequestJson('traces', text), decoded);
  });
});

describe('encodeResponse → official OTel JS response deserializers', () => {
  it('reads our partial success for each signal', () => {
    assert.deepStrictEqual(
      ProtobufTraceSerializer.deserializeResponse(encodeResponse('traces', { rejected: 3, errorMessage: 'three' })),
      {
        partialSuccess: { rejectedSpans: 3, errorMessage: 'three' },
      },
    );
    assert.deepStrictEqual(
      ProtobufMetricsSerializer.deserializeResponse(encodeResponse('metrics', { rejected: 2 ** 40, errorMessage: '' })),
      {
        partialSuccess: { rejectedDataPoints: 2 ** 40 },
      },
    );
    assert.deepStrictEqual(
      ProtobufLogsSerializer.deserializeResponse(encodeResponse('logs', { rejected: 0, errorMessage: 'slow down' })),
      {
        partialSuccess: { errorMessage: 'slow down' },
      },
    );
    assert.deepStrictEqual(ProtobufTraceSerializer.deserializeResponse(encodeResponse('traces')), {});
    assert.equal(decodeResponse('traces', encodeResponse('traces')), undefined);
  });
});
