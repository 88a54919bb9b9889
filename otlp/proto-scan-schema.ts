// The schema scanRequest (proto-scan.ts) walks: per message, how the decoder reads each known field, mirroring the
// readers in proto-traces.ts, proto-metrics.ts, proto-logs.ts and their helpers (field numbers from proto-schema.ts).
import type { PipelineType } from '../core/pdata/index.ts';
import * as F from './proto-schema.ts';

// Scalar kinds, by how the decoder reads them.
export const STRING = 0;
export const BYTES = 1;
export const ID8 = 2;
export const ID16 = 3;
/** uint32, enum, sint32, bool: protobufjs's 32-bit varint reader, as the decoder uses. */
export const VARINT32 = 4;
/** int64: at most 10 bytes. */
export const VARINT64 = 5;
export const FIXED64 = 6;
export const FIXED32 = 7;
/** repeated fixed64 / double: one per tag, or packed in a multiple of 8 bytes. */
export const PACKED64 = 8;
/** repeated uint64: one per tag, or packed. */
export const PACKED_VARINT = 9;

export interface Message {
  /** Per field number below MAX_FIELD: a scalar kind, EMBEDDED (see `subs`) or UNKNOWN. */
  readonly kinds: Int8Array;
  /** Per field number: the embedded message, where kinds says EMBEDDED. */
  readonly subs: (Message | undefined)[];
  /** Each occurrence is one item (a span, a log record, a data point). */
  readonly item: boolean;
  /** AnyValue: nesting is bounded as the decoder bounds it. */
  readonly anyValue: boolean;
  /** Metric: its data (gauge, sum, ...) is a oneof the decoder reads as "last wins"; more than one needs decoding. */
  readonly oneofData: boolean;
  /** KeyValue: the walk checks the usual plain shape of one in a single step (proto-scan.ts, plainKeyValue). */
  readonly keyValue: boolean;
}

/** Above every field number the schema uses (16, Span.flags). */
export const MAX_FIELD = 17;
export const UNKNOWN = -1;
export const EMBEDDED = 10;

function setField(m: Message, n: number, kind: number | Message): void {
  if (typeof kind === 'number') m.kinds[n] = kind;
  else {
    m.kinds[n] = EMBEDDED;
    m.subs[n] = kind;
  }
}

// Every message has the same shape and dense tables, so the walk's property reads stay monomorphic.
function message(
  def: Record<number, number | Message>,
  flags: { item?: boolean; anyValue?: boolean; oneofData?: boolean; keyValue?: boolean } = {},
): Message {
  const m: Message = {
    kinds: new Int8Array(MAX_FIELD).fill(UNKNOWN),
    subs: Array.from({ length: MAX_FIELD }, () => undefined),
    item: flags.item ?? false,
    anyValue: flags.anyValue ?? false,
    oneofData: flags.oneofData ?? false,
    keyValue: flags.keyValue ?? false,
  };
  for (const [n, kind] of Object.entries(def)) setField(m, Number(n), kind);
  return m;
}

// AnyValue is recursive: its array and kvlist members are filled in once both exist.
const ANY_VALUE = message({}, { anyValue: true });
const KEY_VALUE = message({ [F.KEY_VALUE.key]: STRING, [F.KEY_VALUE.value]: ANY_VALUE }, { keyValue: true });
setField(ANY_VALUE, F.ANY_VALUE.stringValue, STRING);
setField(ANY_VALUE, F.ANY_VALUE.boolValue, VARINT32);
setField(ANY_VALUE, F.ANY_VALUE.intValue, VARINT64);
setField(ANY_VALUE, F.ANY_VALUE.doubleValue, FIXED64);
setField(ANY_VALUE, F.ANY_VALUE.arrayValue, message({ [F.VALUES]: ANY_VALUE }));
setField(ANY_VALUE, F.ANY_VALUE.kvlistValue, message({ [F.VALUES]: KEY_VALUE }));
setField(ANY_VALUE, F.ANY_VALUE.bytesValue, BYTES);

const RESOURCE = message({
  [F.RESOURCE.attributes]: KEY_VALUE,
  [F.RESOURCE.droppedAttributesCount]: VARINT32,
  [F.RESOURCE.entityRefs]: message({
    [F.ENTITY_REF.schemaUrl]: STRING,
    [F.ENTITY_REF.type]: STRING,
    [F.ENTITY_REF.idKeys]: STRING,
    [F.ENTITY_REF.descriptionKeys]: STRING,
  }),
});
const SCOPE = message({
  [F.SCOPE.name]: STRING,
  [F.SCOPE.version]: STRING,
  [F.SCOPE.attributes]: KEY_VALUE,
  [F.SCOPE.droppedAttributesCount]: VARINT32,
});

/** Export*ServiceRequest down to `item`: resource_x > scope_x > items. */
function request(item: Message): Message {
  const scopeX = message({ [F.SCOPE_X.scope]: SCOPE, [F.SCOPE_X.items]: item, [F.SCOPE_X.schemaUrl]: STRING });
  const resourceX = message({
    [F.RESOURCE_X.resource]: RESOURCE,
    [F.RESOURCE_X.scopeX]: scopeX,
    [F.RESOURCE_X.schemaUrl]: STRING,
  });
  return message({ [F.REQUEST_RESOURCES]: resourceX });
}

const SPAN = message(
  {
    [F.SPAN.traceId]: ID16,
    [F.SPAN.spanId]: ID8,
    [F.SPAN.traceState]: STRING,
    [F.SPAN.parentSpanId]: ID8,
    [F.SPAN.name]: STRING,
    [F.SPAN.kind]: VARINT32,
    [F.SPAN.startTimeUnixNano]: FIXED64,
    [F.SPAN.endTimeUnixNano]: FIXED64,
    [F.SPAN.attributes]: KEY_VALUE,
    [F.SPAN.droppedAttributesCount]: VARINT32,
    [F.SPAN.events]: message({
      [F.SPAN_EVENT.timeUnixNano]: FIXED64,
      [F.SPAN_EVENT.name]: STRING,
      [F.SPAN_EVENT.attributes]: KEY_VALUE,
      [F.SPAN_EVENT.droppedAttributesCount]: VARINT32,
    }),
    [F.SPAN.droppedEventsCount]: VARINT32,
    [F.SPAN.links]: message({
      [F.SPAN_LINK.traceId]: ID16,
      [F.SPAN_LINK.spanId]: ID8,
      [F.SPAN_LINK.traceState]: STRING,
      [F.SPAN_LINK.attributes]: KEY_VALUE,
      [F.SPAN_LINK.droppedAttributesCount]: VARINT32,
      [F.SPAN_LINK.flags]: FIXED32,
    }),
    [F.SPAN.droppedLinksCount]: VARINT32,
    [F.SPAN.status]: message({ [F.STATUS.message]: STRING, [F.STATUS.code]: VARINT32 }),
    [F.SPAN.flags]: FIXED32,
  },
  { item: true },
);

const LOG_RECORD = message(
  {
    [F.LOG_RECORD.timeUnixNano]: FIXED64,
    [F.LOG_RECORD.severityNumber]: VARINT32,
    [F.LOG_RECORD.severityText]: STRING,
    [F.LOG_RECORD.body]: ANY_VALUE,
    [F.LOG_RECORD.attributes]: KEY_VALUE,
    [F.LOG_RECORD.droppedAttributesCount]: VARINT32,
    [F.LOG_RECORD.flags]: FIXED32,
    [F.LOG_RECORD.traceId]: ID16,
    [F.LOG_RECORD.spanId]: ID8,
    [F.LOG_RECORD.observedTimeUnixNano]: FIXED64,
    [F.LOG_RECORD.eventName]: STRING,
  },
  { item: true },
);

const EXEMPLAR = message({
  [F.EXEMPLAR.timeUnixNano]: FIXED64,
  [F.EXEMPLAR.asDouble]: FIXED64,
  [F.EXEMPLAR.spanId]: ID8,
  [F.EXEMPLAR.traceId]: ID16,
  [F.EXEMPLAR.asInt]: FIXED64,
  [F.EXEMPLAR.filteredAttributes]: KEY_VALUE,
});
const NUMBER_POINT = message(
  {
    [F.NUMBER_POINT.startTimeUnixNano]: FIXED64,
    [F.NUMBER_POINT.timeUnixNano]: FIXED64,
    [F.NUMBER_POINT.asDouble]: FIXED64,
    [F.NUMBER_POINT.exemplars]: EXEMPLAR,
    [F.NUMBER_POINT.asInt]: FIXED64,
    [F.NUMBER_POINT.attributes]: KEY_VALUE,
    [F.NUMBER_POINT.flags]: VARINT32,
  },
  { item: true },
);
const H = F.HISTOGRAM_POINT;
const HISTOGRAM_POINT = message(
  {
    [H.startTimeUnixNano]: FIXED64,
    [H.timeUnixNano]: FIXED64,
    [H.count]: FIXED64,
    [H.sum]: FIXED64,
    [H.bucketCounts]: PACKED64,
    [H.explicitBounds]: PACKED64,
    [H.exemplars]: EXEMPLAR,
    [H.attributes]: KEY_VALUE,
    [H.flags]: VARINT32,
    [H.min]: FIXED64,
    [H.max]: FIXED64,
  },
  { item: true },
);
const E = F.EXP_HISTOGRAM_POINT;
const BUCKETS = message({ [F.BUCKETS.offset]: VARINT32, [F.BUCKETS.bucketCounts]: PACKED_VARINT });
const EXP_HISTOGRAM_POINT = message(
  {
    [E.attributes]: KEY_VALUE,
    [E.startTimeUnixNano]: FIXED64,
    [E.timeUnixNano]: FIXED64,
    [E.count]: FIXED64,
    [E.sum]: FIXED64,
    [E.scale]: VARINT32,
    [E.zeroCount]: FIXED64,
    [E.positive]: BUCKETS,
    [E.negative]: BUCKETS,
    [E.flags]: VARINT32,
    [E.exemplars]: EXEMPLAR,
    [E.min]: FIXED64,
    [E.max]: FIXED64,
    [E.zeroThreshold]: FIXED64,
  },
  { item: true },
);
const S = F.SUMMARY_POINT;
const SUMMARY_POINT = message(
  {
    [S.startTimeUnixNano]: FIXED64,
    [S.timeUnixNano]: FIXED64,
    [S.count]: FIXED64,
    [S.sum]: FIXED64,
    [S.quantileValues]: message({ [F.QUANTILE.quantile]: FIXED64, [F.QUANTILE.value]: FIXED64 }),
    [S.attributes]: KEY_VALUE,
    [S.flags]: VARINT32,
  },
  { item: true },
);

/** Gauge and Summary have data_points only; Histogram adds temporality; Sum adds monotonicity too. */
function metricData(point: Message, fields: 1 | 2 | 3): Message {
  const def: Record<number, number | Message> = { [F.METRIC_DATA.dataPoints]: point };
  if (fields >= 2) def[F.METRIC_DATA.aggregationTemporality] = VARINT32;
  if (fields === 3) def[F.METRIC_DATA.isMonotonic] = VARINT32;
  return message(def);
}

const METRIC = message(
  {
    [F.METRIC.name]: STRING,
    [F.METRIC.description]: STRING,
    [F.METRIC.unit]: STRING,
    [F.METRIC.gauge]: metricData(NUMBER_POINT, 1),
    [F.METRIC.sum]: metricData(NUMBER_POINT, 3),
    [F.METRIC.histogram]: metricData(HISTOGRAM_POINT, 2),
    [F.METRIC.exponentialHistogram]: metricData(EXP_HISTOGRAM_POINT, 2),
    [F.METRIC.summary]: metricData(SUMMARY_POINT, 1),
    [F.METRIC.metadata]: KEY_VALUE,
  },
  { oneofData: true },
);
export const METRIC_DATA_FIELDS = new Set<number>([
  F.METRIC.gauge,
  F.METRIC.sum,
  F.METRIC.histogram,
  F.METRIC.exponentialHistogram,
  F.METRIC.summary,
]);

export const REQUESTS: Record<PipelineType, Message> = {
  traces: request(SPAN),
  metrics: request(METRIC),
  logs: request(LOG_RECORD),
};
