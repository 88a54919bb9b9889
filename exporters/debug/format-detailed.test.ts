import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributes, fromHex, metric, metrics, span, traces } from '../../core/pdata/index.ts';
import { detailedMetrics } from './format-detailed-metrics.ts';
import { detailedLogs, detailedMessages, detailedTraces } from './format-detailed.ts';
import {
  PARENT_ID,
  SPAN_ID,
  T0,
  T1,
  TRACE_ID,
  fullLogs,
  fullMessages,
  fullMetrics,
  fullTraces,
} from '../../test/helpers/debug-exporter-fixtures.ts';

function assertLines(text: string, expected: readonly string[]): void {
  const lines = text.split('\n');
  for (const want of expected) assert.ok(lines.includes(want), `missing line ${JSON.stringify(want)} in:\n${text}`);
}

const RESOURCE_AND_SCOPE = [
  'Resource attributes:',
  '     -> service.name: Str(svc-alpha)',
  'Resource DroppedAttributesCount: 71',
  'Resource entity refs:',
  '     -> Entity ref #0:',
  '          -> Type: service',
  '          -> Schema URL: https://entity.schema',
  '          -> ID keys:',
  '               -> service.name',
  '          -> Description keys:',
  '               -> service.version',
  'InstrumentationScope attributes:',
  '     -> scope.attr: Str(scope-val)',
  'InstrumentationScope DroppedAttributesCount: 72',
];

describe('detailed traces', () => {
  it('prints every field', () => {
    assertLines(detailedTraces(fullTraces()), [
      ...RESOURCE_AND_SCOPE,
      'ResourceSpans #0',
      'Resource SchemaURL: https://rs.schema',
      'ScopeSpans #0',
      'ScopeSpans SchemaURL: https://ss.schema',
      'InstrumentationScope scope-spans 9.8.7',
      'Span #0',
      `    Trace ID       : ${TRACE_ID}`,
      `    Parent ID      : ${PARENT_ID}`,
      `    ID             : ${SPAN_ID}`,
      '    Name           : op-gamma',
      '    Kind           : Server',
      '    TraceState     : ot=th:0',
      '    Flags          : 257',
      '    Start time     : 2020-02-11T20:26:12.000000321Z',
      '    End time       : 2020-02-11T20:26:13.000000789Z',
      '    Status code    : Error',
      '    Status message : status-epsilon',
      '    DroppedAttributesCount: 11',
      'Attributes:',
      '     -> a.str: Str(str-val)',
      '     -> a.bool: Bool(true)',
      '     -> a.int: Int(42)',
      '     -> a.double: Double(1.5)',
      '     -> a.bytes: Bytes(cafe)',
      '     -> a.slice: Slice(["x",1])',
      '     -> a.map: Map({"k":"v","n":2})',
      '     -> a.empty: Empty()',
      'Events:',
      'SpanEvent #0',
      '     -> Name: event-delta',
      '     -> Timestamp: 2020-02-11T20:26:13.000000123Z',
      '     -> DroppedAttributesCount: 12',
      '     -> Attributes:',
      '          -> event.attr: Str(event-val)',
      '    DroppedEventsCount: 13',
      'Links:',
      'SpanLink #0',
      '     -> Trace ID: 3132333435363738393a3b3c3d3e3f40',
      '     -> ID: 4142434445464748',
      '     -> TraceState: link=state',
      '     -> Flags: 15',
      '     -> DroppedAttributesCount: 14',
      '          -> link.attr: Str(link-val)',
      '    DroppedLinksCount: 16',
    ]);
  });

  it('matches the Collector layout for a plain span', () => {
    const td = traces([
      span({
        name: 'op',
        traceId: fromHex(TRACE_ID),
        spanId: fromHex(SPAN_ID),
        startTimeUnixNano: T0,
        endTimeUnixNano: T1,
      }),
    ]);
    td.resourceSpans[0]?.resource.attributes.push(...attributes({ 'resource-attr': 'v' }));
    const expected = [
      'ResourceSpans #0',
      'Resource SchemaURL: ',
      'Resource attributes:',
      '     -> resource-attr: Str(v)',
      'ScopeSpans #0',
      'ScopeSpans SchemaURL: ',
      'InstrumentationScope  ',
      'Span #0',
      `    Trace ID       : ${TRACE_ID}`,
      '    Parent ID      : ',
      `    ID             : ${SPAN_ID}`,
      '    Name           : op',
      '    Kind           : Unspecified',
      '    Start time     : 2020-02-11T20:26:12.000000321Z',
      '    End time       : 2020-02-11T20:26:13.000000789Z',
      '    Status code    : Unset',
      '    Status message : ',
      '    DroppedAttributesCount: 0',
      '    DroppedEventsCount: 0',
      '    DroppedLinksCount: 0',
    ];
    assert.equal(detailedTraces(td), expected.join('\n'));
  });
});

describe('detailed metrics', () => {
  it('prints every field of every point type', () => {
    assertLines(detailedMetrics(fullMetrics()), [
      ...RESOURCE_AND_SCOPE,
      'ResourceMetrics #0',
      'Resource SchemaURL: https://rm.schema',
      'ScopeMetrics #0',
      'ScopeMetrics SchemaURL: https://sm.schema',
      'InstrumentationScope scope-metrics 9.8.7',
      'Metric #0',
      'Descriptor:',
      '     -> Name: m.gauge',
      '     -> Description: gauge-desc',
      '     -> Unit: By',
      '     -> DataType: Gauge',
      '     -> Metadata:',
      '          -> meta.key: Str(meta-val)',
      'NumberDataPoints #0',
      'Data point attributes:',
      '     -> g.attr: Str(g-val)',
      'StartTimestamp: 2020-02-11T20:26:12.000000321Z',
      'Timestamp: 2020-02-11T20:26:13.000000789Z',
      'Flags: 1',
      'Value: 123',
      '     -> Value: 77',
      '     -> DataType: Sum',
      '     -> IsMonotonic: true',
      '     -> AggregationTemporality: Cumulative',
      'Value: 4.560000',
      'Exemplars:',
      'Exemplar #0',
      `     -> Trace ID: ${TRACE_ID}`,
      `     -> Span ID: ${SPAN_ID}`,
      '     -> Timestamp: 2020-02-11T20:26:13.000000123Z',
      '     -> Value: 15.250000',
      '     -> FilteredAttributes:',
      '          -> ex.attr: Str(ex-val)',
      '     -> DataType: Histogram',
      '     -> AggregationTemporality: Delta',
      'HistogramDataPoints #0',
      '     -> h.attr: Str(h-val)',
      'Count: 3',
      'Sum: 17.500000',
      'Min: 0.250000',
      'Max: 9.750000',
      'ExplicitBounds #0: 1.000000',
      'ExplicitBounds #1: 5.000000',
      'Buckets #0, Count: 1',
      'Buckets #1, Count: 0',
      'Buckets #2, Count: 2',
      '     -> DataType: ExponentialHistogram',
      'ExponentialHistogramDataPoints #0',
      'Count: 5',
      'Sum: 0.150000',
      'Scale: 1',
      'ZeroThreshold: 0.001000',
      // Scale 1: base √2; negative offset -1 covers indexes -1 and 0, positive offset 1 covers 1 and 2.
      'Bucket [-1.414214, -1.000000), Count: 1',
      'Bucket [-1.000000, -0.707107), Count: 1',
      'Bucket [0, 0], Count: 1',
      'Bucket (1.414214, 2.000000], Count: 1',
      'Bucket (2.000000, 2.828427], Count: 1',
      '     -> DataType: Summary',
      'SummaryDataPoints #0',
      'Count: 9',
      'Sum: 81.500000',
      'QuantileValue #0: Quantile 0.990000, Value 42.500000',
      '     -> Name: m.empty',
      '     -> DataType: Empty',
    ]);
  });

  it('prints a metric with no points as its descriptor only', () => {
    const text = detailedMetrics(metrics([metric({ name: 'bare', unit: '1' })]));
    assert.ok(text.endsWith('     -> Unit: 1\n     -> DataType: Empty'));
  });
});

describe('detailed logs', () => {
  it('prints every field', () => {
    assertLines(detailedLogs(fullLogs()), [
      ...RESOURCE_AND_SCOPE,
      'ResourceLog #0',
      'Resource SchemaURL: https://rl.schema',
      'ScopeLogs #0',
      'ScopeLogs SchemaURL: https://sl.schema',
      'InstrumentationScope scope-logs 9.8.7',
      'LogRecord #0',
      'ObservedTimestamp: 2020-02-11T20:26:12.000000321Z',
      'Timestamp: 2020-02-11T20:26:13.000000789Z',
      'SeverityText: WARNING-TXT',
      'SeverityNumber: Warn2(14)',
      'EventName: event-eta',
      'Body: Map({"msg":"body-zeta"})',
      'Attributes:',
      '     -> log.attr: Str(log-val)',
      'DroppedAttributesCount: 21',
      `    Trace ID       : ${TRACE_ID}`,
      `    Span ID        : ${SPAN_ID}`,
      'Flags: 1',
    ]);
  });
});

describe('detailed messages', () => {
  it('prints every field, text payloads as Str and binary ones as Bytes', () => {
    assertLines(detailedMessages(fullMessages()), [
      'Message #0',
      '    Topic          : sensors/room-1',
      '    QoS            : 1',
      '    Retain         : true',
      '    Dup            : true',
      '    Received time  : 2020-02-11T20:26:13.000000123Z',
      '    Size           : 10',
      '    Payload        : Str({"t":21.5})',
      '    Content type   : application/json',
      '    Payload format : utf-8',
      '    Response topic : replies/room-1',
      '    Correlation data: c0ffee',
      '    Expiry interval: 3600s',
      '    Subscription IDs: 5, 6',
      'User properties:',
      '     -> up-key: up-val',
      '     -> up-key: up-val-2',
      'Message #1',
      '    Topic          : raw/bin',
      '    Size           : 3',
      '    Payload        : Bytes(ff00fe)',
    ]);
  });
});
