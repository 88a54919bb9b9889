// Batches for the debug exporter's tests with every field set to a value that appears nowhere else, so that finding
// the value in the output proves that the field was printed.
import type { Logs, Messages, Metrics, Resource, Traces } from '../../core/pdata/index.ts';
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
  span,
} from '../../core/pdata/index.ts';

export const T0 = 1581452772000000321n; // 2020-02-11T20:26:12.000000321Z
export const T1 = 1581452773000000789n; // 2020-02-11T20:26:13.000000789Z
export const T2 = 1581452773000000123n; // 2020-02-11T20:26:13.000000123Z

export const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';
export const SPAN_ID = '1112131415161718';
export const PARENT_ID = '2122232425262728';

/** One attribute of every AnyValue kind. */
export function everyValueKind(): ReturnType<typeof attributes> {
  return [
    ...attributes({ 'a.str': 'str-val', 'a.bool': true, 'a.int': 42n, 'a.bytes': fromHex('cafe') }),
    { key: 'a.double', value: { doubleValue: 1.5 } },
    ...attributes({ 'a.slice': ['x', 1n], 'a.map': { k: 'v', n: 2n } }),
    { key: 'a.empty', value: {} },
  ];
}

function fullResource(): Resource {
  return {
    attributes: attributes({ 'service.name': 'svc-alpha' }),
    droppedAttributesCount: 71,
    entityRefs: [
      {
        schemaUrl: 'https://entity.schema',
        type: 'service',
        idKeys: ['service.name'],
        descriptionKeys: ['service.version'],
      },
    ],
  };
}

function fullScope(name: string) {
  return { name, version: '9.8.7', attributes: attributes({ 'scope.attr': 'scope-val' }), droppedAttributesCount: 72 };
}

export function fullTraces(): Traces {
  const s = span({
    traceId: fromHex(TRACE_ID),
    spanId: fromHex(SPAN_ID),
    parentSpanId: fromHex(PARENT_ID),
    traceState: 'ot=th:0',
    flags: 257,
    name: 'op-gamma',
    kind: SpanKind.SERVER,
    startTimeUnixNano: T0,
    endTimeUnixNano: T1,
    attributes: everyValueKind(),
    droppedAttributesCount: 11,
    events: [
      {
        timeUnixNano: T2,
        name: 'event-delta',
        attributes: attributes({ 'event.attr': 'event-val' }),
        droppedAttributesCount: 12,
      },
    ],
    droppedEventsCount: 13,
    links: [
      {
        traceId: fromHex('3132333435363738393a3b3c3d3e3f40'),
        spanId: fromHex('4142434445464748'),
        traceState: 'link=state',
        attributes: attributes({ 'link.attr': 'link-val' }),
        droppedAttributesCount: 14,
        flags: 15,
      },
    ],
    droppedLinksCount: 16,
    status: { code: StatusCode.ERROR, message: 'status-epsilon' },
  });
  const scope = fullScope('scope-spans');
  const scopeSpans = [{ schemaUrl: 'https://ss.schema', scope, spans: [s] }];
  return { resourceSpans: [{ schemaUrl: 'https://rs.schema', resource: fullResource(), scopeSpans }] };
}

export function fullLogs(): Logs {
  const r = logRecord({
    timeUnixNano: T1,
    observedTimeUnixNano: T0,
    severityNumber: SeverityNumber.WARN + 1,
    severityText: 'WARNING-TXT',
    body: { kvlistValue: { values: attributes({ msg: 'body-zeta' }) } },
    attributes: attributes({ 'log.attr': 'log-val' }),
    droppedAttributesCount: 21,
    flags: 1,
    traceId: fromHex(TRACE_ID),
    spanId: fromHex(SPAN_ID),
    eventName: 'event-eta',
  });
  const scope = fullScope('scope-logs');
  const scopeLogs = [{ schemaUrl: 'https://sl.schema', scope, logRecords: [r] }];
  return { resourceLogs: [{ schemaUrl: 'https://rl.schema', resource: fullResource(), scopeLogs }] };
}

export function fullMetrics(): Metrics {
  const ex = exemplar({
    traceId: fromHex(TRACE_ID),
    spanId: fromHex(SPAN_ID),
    timeUnixNano: T2,
    asDouble: 15.25,
    filteredAttributes: attributes({ 'ex.attr': 'ex-val' }),
  });
  const common = { startTimeUnixNano: T0, timeUnixNano: T1, flags: 0 };
  const list = [
    metric({
      name: 'm.gauge',
      description: 'gauge-desc',
      unit: 'By',
      metadata: attributes({ 'meta.key': 'meta-val' }),
      gauge: {
        dataPoints: [
          {
            ...common,
            attributes: attributes({ 'g.attr': 'g-val' }),
            asInt: 123n,
            exemplars: [exemplar({ asInt: 77n })],
            flags: 1,
          },
        ],
      },
    }),
    metric({
      name: 'm.sum',
      unit: 's',
      sum: {
        isMonotonic: true,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: [{ ...common, attributes: [], asDouble: 4.56, exemplars: [ex] }],
      },
    }),
    metric({
      name: 'm.histogram',
      histogram: {
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPoints: [
          {
            ...common,
            attributes: attributes({ 'h.attr': 'h-val' }),
            count: 3,
            sum: 17.5,
            min: 0.25,
            max: 9.75,
            explicitBounds: [1, 5],
            bucketCounts: [1, 0, 2],
            exemplars: [],
          },
        ],
      },
    }),
    metric({
      name: 'm.exphistogram',
      exponentialHistogram: {
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPoints: [
          {
            ...common,
            attributes: [],
            count: 5,
            sum: 0.15,
            scale: 1,
            zeroCount: 1,
            zeroThreshold: 0.001,
            positive: { offset: 1, bucketCounts: [1, 1] },
            negative: { offset: -1, bucketCounts: [1, 1] },
            exemplars: [],
          },
        ],
      },
    }),
    metric({
      name: 'm.summary',
      summary: {
        dataPoints: [
          { ...common, attributes: [], count: 9, sum: 81.5, quantileValues: [{ quantile: 0.99, value: 42.5 }] },
        ],
      },
    }),
    metric({ name: 'm.empty' }),
  ];
  const scope = fullScope('scope-metrics');
  const scopeMetrics = [{ schemaUrl: 'https://sm.schema', scope, metrics: list }];
  return { resourceMetrics: [{ schemaUrl: 'https://rm.schema', resource: fullResource(), scopeMetrics }] };
}

export function fullMessages(): Messages {
  return {
    messages: [
      message({
        topic: 'sensors/room-1',
        payload: '{"t":21.5}',
        qos: 1,
        retain: true,
        dup: true,
        receivedUnixNano: T2,
        properties: {
          userProperties: [
            ['up-key', 'up-val'],
            ['up-key', 'up-val-2'],
          ],
          contentType: 'application/json',
          correlationData: fromHex('c0ffee'),
          messageExpiryInterval: 3600,
          payloadFormatIndicator: true,
          responseTopic: 'replies/room-1',
          subscriptionIdentifiers: [5, 6],
        },
      }),
      message({ topic: 'raw/bin', payload: fromHex('ff00fe') }),
    ],
  };
}
