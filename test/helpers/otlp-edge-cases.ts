// Data at the edges of every wire type, for the codec tests: int64 and fixed64 extremes, explicit-presence zeros,
// special doubles, empty values, several resources and scopes, and fields only newer protos have.
import type { AnyValue, KeyValue, Logs, Metrics, StatusCode, Traces } from '../../core/pdata/index.ts';
import { EMPTY_BYTES, fromHex, logRecord, metric, numberPoint, span } from '../../core/pdata/index.ts';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;
const T = UINT64_MAX - 1n;

const bytes256 = new Uint8Array(256).map((_, i) => i);

/** One attribute per kind of value, extremes included. */
export function edgeAttributes(): KeyValue[] {
  const values: AnyValue[] = [
    { intValue: INT64_MIN },
    { intValue: INT64_MAX },
    { intValue: -1n },
    { intValue: 0n },
    { intValue: 2n ** 31n },
    { doubleValue: NaN },
    { doubleValue: Infinity },
    { doubleValue: -Infinity },
    { doubleValue: -0 },
    { doubleValue: 0 },
    { doubleValue: 5e-324 },
    { doubleValue: 1.7976931348623157e308 },
    { stringValue: '' },
    { stringValue: 'üñï 💥 "quoted" \\ :12345678901234567890' },
    { boolValue: false },
    { boolValue: true },
    { bytesValue: EMPTY_BYTES },
    { bytesValue: bytes256 },
    {},
    { arrayValue: { values: [] } },
    { kvlistValue: { values: [] } },
    {
      arrayValue: {
        values: [
          { arrayValue: { values: [{ intValue: 1n }, {}] } },
          { kvlistValue: { values: [{ key: '', value: {} }] } },
        ],
      },
    },
  ];
  return values.map((value, i) => ({ key: i === 0 ? '' : `k${i}`, value }));
}

export function edgeTraces(): Traces {
  const full = span({
    traceId: fromHex('ffffffffffffffffffffffffffffffff'),
    spanId: fromHex('0000000000000001'),
    parentSpanId: fromHex('8000000000000000'),
    traceState: 'a=1,b=2',
    flags: 0xffffffff,
    name: 'edge',
    kind: 5,
    startTimeUnixNano: T,
    endTimeUnixNano: UINT64_MAX,
    attributes: edgeAttributes(),
    droppedAttributesCount: 0xffffffff,
    events: [
      { timeUnixNano: UINT64_MAX, name: '', attributes: [], droppedAttributesCount: 0 },
      { timeUnixNano: 0n, name: 'e', attributes: [{ key: 'x', value: {} }], droppedAttributesCount: 1 },
    ],
    links: [
      {
        traceId: EMPTY_BYTES,
        spanId: EMPTY_BYTES,
        traceState: '',
        attributes: [],
        droppedAttributesCount: 0,
        flags: 0,
      },
    ],
    // Open enums: a code newer than this build still round-trips.
    status: { code: 99 as StatusCode, message: '' },
  });
  const bare = span({ startTimeUnixNano: 0n, endTimeUnixNano: 0n });
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [],
          droppedAttributesCount: 0,
          entityRefs: [
            { schemaUrl: 'https://e', type: 'host', idKeys: ['host.id'], descriptionKeys: ['host.name', 'host.arch'] },
            { schemaUrl: '', type: '', idKeys: [], descriptionKeys: [] },
          ],
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [full, bare],
          },
          { scope: { name: 's2', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: 'x', spans: [] },
        ],
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] },
    ],
  };
}

export function edgeMetrics(): Metrics {
  const ex = (fields: { asInt?: bigint; asDouble?: number }) => ({
    filteredAttributes: [],
    timeUnixNano: UINT64_MAX,
    spanId: EMPTY_BYTES,
    traceId: EMPTY_BYTES,
    ...fields,
  });
  const summaryBase = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: T, flags: 0 };
  const base = { ...summaryBase, exemplars: [] };
  const list = [
    metric({
      name: 'ints',
      gauge: {
        dataPoints: [
          numberPoint(INT64_MIN, T),
          numberPoint(INT64_MAX, UINT64_MAX),
          numberPoint(0n, 1n),
          {
            ...numberPoint(-1n, 0n),
            exemplars: [ex({ asInt: INT64_MIN }), ex({ asInt: INT64_MAX }), ex({ asInt: 0n }), ex({})],
          },
        ],
      },
    }),
    metric({
      name: 'doubles',
      description: 'd',
      unit: '{x}',
      metadata: edgeAttributes().slice(0, 3),
      sum: {
        aggregationTemporality: 1,
        isMonotonic: false,
        dataPoints: [
          numberPoint(0, 0n),
          numberPoint(-0, 0n),
          numberPoint(NaN, 0n),
          numberPoint(-Infinity, 0n),
          { ...base },
        ],
      },
    }),
    metric({
      name: 'histograms',
      histogram: {
        aggregationTemporality: 0,
        dataPoints: [
          {
            ...base,
            count: Number.MAX_SAFE_INTEGER,
            bucketCounts: [Number.MAX_SAFE_INTEGER, 0, 2 ** 32],
            explicitBounds: [-Infinity, -0, 1e-9],
            flags: 1,
          },
          { ...base, count: 0, sum: 0, min: -0, max: 0, bucketCounts: [], explicitBounds: [] },
        ],
      },
    }),
    metric({
      name: 'exponential',
      exponentialHistogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            ...base,
            count: 2 ** 40,
            scale: -10,
            zeroCount: Number.MAX_SAFE_INTEGER,
            positive: { offset: -2147483648, bucketCounts: [Number.MAX_SAFE_INTEGER, 0, 2 ** 35] },
            negative: { offset: 2147483647, bucketCounts: [] },
            zeroThreshold: -0,
            sum: 0,
            exemplars: [ex({ asDouble: -0 })],
          },
          {
            ...base,
            count: 0,
            scale: 0,
            zeroCount: 0,
            positive: { offset: 0, bucketCounts: [] },
            negative: { offset: 0, bucketCounts: [] },
            zeroThreshold: 0,
          },
        ],
      },
    }),
    metric({
      name: 'summaries',
      summary: {
        dataPoints: [
          { ...summaryBase, count: 0, sum: -0, quantileValues: [] },
          {
            ...summaryBase,
            count: 1,
            sum: NaN,
            quantileValues: [
              { quantile: 0, value: 0 },
              { quantile: 1, value: -Infinity },
            ],
          },
        ],
      },
    }),
    metric({ name: 'no-data' }),
    metric({ name: 'empty-gauge', gauge: { dataPoints: [] } }),
  ];
  return {
    resourceMetrics: [
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeMetrics: [] },
      {
        resource: { attributes: edgeAttributes(), droppedAttributesCount: 0 },
        schemaUrl: 'r',
        scopeMetrics: [
          {
            scope: { name: 'n', version: 'v', attributes: [], droppedAttributesCount: 0xffffffff },
            schemaUrl: '',
            metrics: list,
          },
        ],
      },
    ],
  };
}

export function edgeLogs(): Logs {
  const records = [
    logRecord({
      timeUnixNano: UINT64_MAX,
      observedTimeUnixNano: T,
      severityNumber: 24,
      severityText: 'FATAL4',
      body: { bytesValue: bytes256 },
      attributes: edgeAttributes(),
      flags: 0xffffffff,
      traceId: fromHex('000102030405060708090a0b0c0d0e0f'),
      spanId: fromHex('ffffffffffffffff'),
      eventName: 'ëvent 💥',
    }),
    logRecord({ body: {} }),
    logRecord({
      body: {
        kvlistValue: { values: [{ key: 'nested', value: { arrayValue: { values: [{ intValue: INT64_MIN }] } } }] },
      },
    }),
    logRecord(),
  ];
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [],
          droppedAttributesCount: 0,
          entityRefs: [{ schemaUrl: '', type: 'service', idKeys: ['a', 'b'], descriptionKeys: [] }],
        },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: records,
          },
        ],
      },
    ],
  };
}
