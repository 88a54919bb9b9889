// Data with every field set, for tests that must see each one survive a trip through the hub.
import type { Logs, Messages, Metrics, Signal, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  AggregationTemporality,
  SeverityNumber,
  SpanKind,
  StatusCode,
  attributes,
  exemplar,
  fromHex,
  logRecord,
  message,
  metric,
  numberPoint,
  resource,
  span,
} from '../../core/pdata/index.ts';

const T0 = 1_700_000_000_123_456_789n;
const traceId = fromHex('0102030405060708090a0b0c0d0e0f10');
const spanId = fromHex('1112131415161718');

const res = () => ({ ...resource({ 'service.name': 'sample', 'host.id': 42 }), droppedAttributesCount: 1 });
const scp = () => ({
  name: 'sample-scope',
  version: '1.2.3',
  attributes: attributes({ 'scope.attr': true }),
  droppedAttributesCount: 2,
});

export function sampleTraces(): Traces {
  const s = span({
    traceId,
    spanId,
    parentSpanId: fromHex('2122232425262728'),
    traceState: 'k=v',
    flags: 1,
    name: 'GET /things',
    kind: SpanKind.SERVER,
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 1_500_000n,
    attributes: attributes({
      str: 'x',
      int: 7n,
      dbl: 1.5,
      bool: false,
      arr: ['a', 1n],
      map: { nested: 'y' },
      bytes: new Uint8Array([1, 2]),
    }),
    droppedAttributesCount: 3,
    events: [{ timeUnixNano: T0 + 10n, name: 'ev', attributes: attributes({ e: 1n }), droppedAttributesCount: 4 }],
    droppedEventsCount: 5,
    links: [
      {
        traceId,
        spanId: fromHex('3132333435363738'),
        traceState: 'l=1',
        attributes: attributes({ l: 'z' }),
        droppedAttributesCount: 6,
        flags: 257,
      },
    ],
    droppedLinksCount: 7,
    status: { code: StatusCode.ERROR, message: 'boom' },
  });
  return {
    resourceSpans: [
      {
        resource: res(),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [{ scope: scp(), schemaUrl: 'scope-schema', spans: [s] }],
      },
    ],
  };
}

export function sampleMetrics(): Metrics {
  const attrs = attributes({ host: 'h1' });
  const ex = exemplar({ filteredAttributes: attributes({ f: 'x' }), timeUnixNano: T0, asDouble: 0.5, spanId, traceId });
  const list = [
    metric({
      name: 'gauge.int',
      unit: '1',
      description: 'an int gauge',
      gauge: { dataPoints: [{ ...numberPoint(5n, T0, attrs), exemplars: [ex] }] },
    }),
    metric({
      name: 'sum.double',
      unit: 's',
      metadata: attributes({ meta: 'm' }),
      sum: {
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        isMonotonic: true,
        dataPoints: [{ ...numberPoint(2.25, T0, attrs), startTimeUnixNano: T0 - 1000n, flags: 1 }],
      },
    }),
    metric({
      name: 'histogram',
      histogram: {
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPoints: [
          {
            attributes: attrs,
            startTimeUnixNano: T0 - 5n,
            timeUnixNano: T0,
            count: 3,
            sum: 6,
            bucketCounts: [1, 2, 0],
            explicitBounds: [1, 5],
            exemplars: [],
            flags: 0,
            min: 1,
            max: 3,
          },
        ],
      },
    }),
    metric({
      name: 'exp.histogram',
      exponentialHistogram: {
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: [
          {
            attributes: attrs,
            startTimeUnixNano: T0 - 5n,
            timeUnixNano: T0,
            count: 4,
            sum: 10,
            scale: 2,
            zeroCount: 1,
            positive: { offset: 3, bucketCounts: [1, 2] },
            negative: { offset: -1, bucketCounts: [0] },
            flags: 0,
            exemplars: [],
            min: 0,
            max: 5,
            zeroThreshold: 0.001,
          },
        ],
      },
    }),
    metric({
      name: 'summary',
      summary: {
        dataPoints: [
          {
            attributes: attrs,
            startTimeUnixNano: T0 - 5n,
            timeUnixNano: T0,
            count: 10,
            sum: 55,
            quantileValues: [
              { quantile: 0.5, value: 5 },
              { quantile: 0.99, value: 9.9 },
            ],
            flags: 0,
          },
        ],
      },
    }),
  ];
  return {
    resourceMetrics: [
      { resource: res(), schemaUrl: 'rs', scopeMetrics: [{ scope: scp(), schemaUrl: 'ss', metrics: list }] },
    ],
  };
}

export function sampleLogs(): Logs {
  const r = logRecord({
    timeUnixNano: T0,
    observedTimeUnixNano: T0 + 1n,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: { stringValue: 'disk almost full' },
    attributes: attributes({ disk: '/dev/sda' }),
    droppedAttributesCount: 1,
    flags: 1,
    traceId,
    spanId,
    eventName: 'disk.warning',
  });
  return {
    resourceLogs: [
      { resource: res(), schemaUrl: 'rs', scopeLogs: [{ scope: scp(), schemaUrl: 'ss', logRecords: [r] }] },
    ],
  };
}

export function sampleMessages(): Messages {
  return {
    messages: [
      message({
        topic: 'factory/line1/telemetry',
        payload: '{"metrics":[]}',
        qos: 1,
        properties: {
          userProperties: [
            ['site', 'a'],
            ['site', 'b'],
          ],
          contentType: 'application/json',
          correlationData: new Uint8Array([9]),
          messageExpiryInterval: 60,
        },
        receivedUnixNano: T0,
      }),
    ],
  };
}

export function sampleData(signal: Signal): SignalData {
  switch (signal) {
    case 'traces':
      return sampleTraces();
    case 'metrics':
      return sampleMetrics();
    case 'logs':
      return sampleLogs();
    case 'messages':
      return sampleMessages();
  }
}
