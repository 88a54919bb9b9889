// Field numbers of opentelemetry-proto v1 (common, resource, trace, metrics, logs and the collector services),
// written from the spec. The codec is hand-written against protobufjs's Writer/Reader rather than built by
// reflection: reflection plus the mapping to pdata (bigint, fresh IDs, presence) measured about 20x slower to encode
// and 15x slower to decode. So this table is the schema: one place to check a number against the .proto files.
// Each field's proto type is noted where the codec's choice of read/write function depends on it.

/** Wire types. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Nesting limit for AnyValue arrays and maps, the same as protoc's default recursion limit. */
export const MAX_VALUE_DEPTH = 100;

export const ANY_VALUE = {
  stringValue: 1, // string
  boolValue: 2, // bool
  intValue: 3, // int64 (varint)
  doubleValue: 4, // double
  arrayValue: 5, // ArrayValue { repeated AnyValue values = 1 }
  kvlistValue: 6, // KeyValueList { repeated KeyValue values = 1 }
  bytesValue: 7, // bytes
} as const;
export const VALUES = 1; // ArrayValue.values, KeyValueList.values
export const KEY_VALUE = { key: 1, value: 2 } as const;
export const SCOPE = { name: 1, version: 2, attributes: 3, droppedAttributesCount: 4 } as const;
export const ENTITY_REF = { schemaUrl: 1, type: 2, idKeys: 3, descriptionKeys: 4 } as const;
export const RESOURCE = { attributes: 1, droppedAttributesCount: 2, entityRefs: 3 } as const;

/** ResourceSpans / ResourceMetrics / ResourceLogs, and their Scope* children: the same three numbers everywhere. */
export const RESOURCE_X = { resource: 1, scopeX: 2, schemaUrl: 3 } as const;
export const SCOPE_X = { scope: 1, items: 2, schemaUrl: 3 } as const;
/** Export*ServiceRequest.resource_*; Export*ServiceResponse.partial_success. */
export const REQUEST_RESOURCES = 1;
export const RESPONSE_PARTIAL_SUCCESS = 1;
export const PARTIAL_SUCCESS = { rejected: 1 /* int64 */, errorMessage: 2 } as const;

export const SPAN = {
  traceId: 1,
  spanId: 2,
  traceState: 3,
  parentSpanId: 4,
  name: 5,
  kind: 6, // enum
  startTimeUnixNano: 7, // fixed64
  endTimeUnixNano: 8, // fixed64
  attributes: 9,
  droppedAttributesCount: 10,
  events: 11,
  droppedEventsCount: 12,
  links: 13,
  droppedLinksCount: 14,
  status: 15,
  flags: 16, // fixed32
} as const;
export const SPAN_EVENT = { timeUnixNano: 1 /* fixed64 */, name: 2, attributes: 3, droppedAttributesCount: 4 } as const;
export const SPAN_LINK = {
  traceId: 1,
  spanId: 2,
  traceState: 3,
  attributes: 4,
  droppedAttributesCount: 5,
  flags: 6 /* fixed32 */,
} as const;
export const STATUS = { message: 2, code: 3 /* enum */ } as const;

export const METRIC = {
  name: 1,
  description: 2,
  unit: 3,
  gauge: 5,
  sum: 7,
  histogram: 9,
  exponentialHistogram: 10,
  summary: 11,
  metadata: 12,
} as const;
/** Gauge, Sum, Histogram, ExponentialHistogram, Summary. */
export const METRIC_DATA = { dataPoints: 1, aggregationTemporality: 2 /* enum */, isMonotonic: 3 } as const;
export const NUMBER_POINT = {
  startTimeUnixNano: 2, // fixed64
  timeUnixNano: 3, // fixed64
  asDouble: 4,
  exemplars: 5,
  asInt: 6, // sfixed64
  attributes: 7,
  flags: 8, // uint32
} as const;
export const HISTOGRAM_POINT = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4, // fixed64
  sum: 5, // optional double
  bucketCounts: 6, // repeated fixed64
  explicitBounds: 7, // repeated double
  exemplars: 8,
  attributes: 9,
  flags: 10,
  min: 11, // optional double
  max: 12, // optional double
} as const;
export const EXP_HISTOGRAM_POINT = {
  attributes: 1,
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4, // fixed64
  sum: 5, // optional double
  scale: 6, // sint32
  zeroCount: 7, // fixed64
  positive: 8,
  negative: 9,
  flags: 10,
  exemplars: 11,
  min: 12,
  max: 13,
  zeroThreshold: 14, // double
} as const;
export const BUCKETS = { offset: 1 /* sint32 */, bucketCounts: 2 /* repeated uint64 */ } as const;
export const SUMMARY_POINT = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4, // fixed64
  sum: 5, // double
  quantileValues: 6,
  attributes: 7,
  flags: 8,
} as const;
export const QUANTILE = { quantile: 1, value: 2 } as const;
export const EXEMPLAR = {
  timeUnixNano: 2, // fixed64
  asDouble: 3,
  spanId: 4,
  traceId: 5,
  asInt: 6, // sfixed64
  filteredAttributes: 7,
} as const;

export const LOG_RECORD = {
  timeUnixNano: 1, // fixed64
  severityNumber: 2, // enum
  severityText: 3,
  body: 5, // AnyValue
  attributes: 6,
  droppedAttributesCount: 7,
  flags: 8, // fixed32
  traceId: 9,
  spanId: 10,
  observedTimeUnixNano: 11, // fixed64
  eventName: 12,
} as const;
