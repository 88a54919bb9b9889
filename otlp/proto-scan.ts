// A walk over an OTLP/protobuf request that decodes nothing: it checks what decodeRequest checks (wire types of
// known fields, lengths inside their message, ID sizes, AnyValue nesting) and counts the items, so that a request
// nothing in the pipeline looks at can pass through as the bytes it arrived in (see core/pdata/encoded.ts).
// It also checks every string is valid UTF-8: bytes that are not could not leave the hub as they came, since the
// hub promises valid strings out (decoding replaces bad sequences with U+FFFD), so such a request is decoded.
// The schema below mirrors the readers in proto-traces.ts, proto-metrics.ts, proto-logs.ts and their helpers.
import { isUtf8 } from 'node:buffer';
import type { PipelineType } from '../core/pdata/index.ts';
import type { Reader } from './proto-read.ts';
import { newReader, readTag, skipField } from './proto-read.ts';
import * as F from './proto-schema.ts';
import { I32, I64, LEN, MAX_VALUE_DEPTH, VARINT } from './proto-schema.ts';

// Scalar kinds, by how the decoder reads them.
const STRING = 0;
const BYTES = 1;
const ID8 = 2;
const ID16 = 3;
/** uint32, enum, sint32, bool: protobufjs's 32-bit varint reader, as the decoder uses. */
const VARINT32 = 4;
/** int64: at most 10 bytes. */
const VARINT64 = 5;
const FIXED64 = 6;
const FIXED32 = 7;
/** repeated fixed64 / double: one per tag, or packed in a multiple of 8 bytes. */
const PACKED64 = 8;
/** repeated uint64: one per tag, or packed. */
const PACKED_VARINT = 9;

interface Message {
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
}

/** Above every field number the schema uses (16, Span.flags). */
const MAX_FIELD = 17;
const UNKNOWN = -1;
const EMBEDDED = 10;

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
  flags: { item?: boolean; anyValue?: boolean; oneofData?: boolean } = {},
): Message {
  const m: Message = {
    kinds: new Int8Array(MAX_FIELD).fill(UNKNOWN),
    subs: Array.from({ length: MAX_FIELD }, () => undefined),
    item: flags.item ?? false,
    anyValue: flags.anyValue ?? false,
    oneofData: flags.oneofData ?? false,
  };
  for (const [n, kind] of Object.entries(def)) setField(m, Number(n), kind);
  return m;
}

// AnyValue is recursive: its array and kvlist members are filled in once both exist.
const ANY_VALUE = message({}, { anyValue: true });
const KEY_VALUE = message({ [F.KEY_VALUE.key]: STRING, [F.KEY_VALUE.value]: ANY_VALUE });
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
const METRIC_DATA_FIELDS = new Set<number>([
  F.METRIC.gauge,
  F.METRIC.sum,
  F.METRIC.histogram,
  F.METRIC.exponentialHistogram,
  F.METRIC.summary,
]);

const REQUESTS: Record<PipelineType, Message> = {
  traces: request(SPAN),
  metrics: request(METRIC),
  logs: request(LOG_RECORD),
};

export interface Scan {
  /** Spans, data points or log records, as itemCount counts them once decoded. */
  items: number;
  /**
   * false when the bytes cannot be sent on as they are: a string is not valid UTF-8, or a metric carries more than
   * one kind of data (which the decoder resolves, last wins). Such a request is decoded and encoded again.
   */
  verbatim: boolean;
}

// The walk keeps its position in its own fields (monomorphic and cheap to reach) and hands them to protobufjs's
// reader only for what it reads the decoder's way: multi-byte tags and lengths, 32-bit varints, unknown fields.
class Walk {
  items = 0;
  verbatim = true;
  /** AnyValues entered and not left. */
  private anyDepth = 0;
  private pos = 0;
  private end: number;
  private readonly buf: Uint8Array;

  constructor(private readonly r: Reader) {
    this.buf = r.buf;
    this.end = r.len;
  }

  /** Runs `read` on the reader at the walk's position, then takes the position back. */
  private viaReader<T>(read: (r: Reader) => T): T {
    const r = this.r;
    r.pos = this.pos;
    r.len = this.end;
    const out = read(r);
    this.pos = r.pos;
    return out;
  }

  message(m: Message): void {
    let dataFields = 0;
    while (this.pos < this.end) {
      const tag = this.tag();
      const n = tag >>> 3;
      const kind = n < MAX_FIELD ? (m.kinds[n] as number) : UNKNOWN;
      if (kind === UNKNOWN) this.viaReader((r) => skipField(r, tag));
      else if (kind !== EMBEDDED) this.scalar(tag, kind);
      else {
        if (m.oneofData && METRIC_DATA_FIELDS.has(n)) dataFields++;
        this.embedded(tag, m.subs[n] as Message);
      }
    }
    if (dataFields > 1) this.verbatim = false;
  }

  private embedded(tag: number, m: Message): void {
    if (m.anyValue && this.anyDepth > MAX_VALUE_DEPTH)
      throw new Error(`AnyValue nested deeper than ${MAX_VALUE_DEPTH}`);
    expect(tag, LEN);
    const len = this.size();
    const end = this.pos + len;
    if (end > this.end) throw new RangeError(`message of ${len} bytes at offset ${this.pos} runs past its container`);
    const outer = this.end;
    this.end = end;
    if (m.item) this.items++;
    if (m.anyValue) this.anyDepth++;
    this.message(m);
    if (m.anyValue) this.anyDepth--;
    this.end = outer;
  }

  // Tags and lengths are almost always one byte: read those here, the rest as the decoder's reader does.
  private tag(): number {
    const b = this.buf[this.pos] as number;
    if (b >= 8 && b < 128) {
      this.pos++;
      return b;
    }
    return this.viaReader(readTag);
  }

  private size(): number {
    const b = this.buf[this.pos] as number;
    if (b < 128 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    return this.viaReader((r) => r.size());
  }

  private advance(n: number): void {
    if (this.pos + n > this.end)
      throw new RangeError(`value of ${n} bytes at offset ${this.pos} runs past its message`);
    this.pos += n;
  }

  private skipVarint(): void {
    const buf = this.buf;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError(`varint runs past the end at offset ${this.pos}`);
      if ((buf[this.pos++] as number) < 128) return;
    }
    throw new Error(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  private scalar(tag: number, kind: number): void {
    const wt = tag & 7;
    switch (kind) {
      case STRING:
      case BYTES:
      case ID8:
      case ID16: {
        expect(tag, LEN);
        const len = this.size();
        const start = this.pos;
        if (start + len > this.end) throw new RangeError(`field ${tag >>> 3} of ${len} bytes runs past its message`);
        this.pos = start + len;
        if (kind === STRING) {
          if (this.verbatim && !validUtf8(this.buf, start, this.pos)) this.verbatim = false;
        } else if (kind !== BYTES && len !== 0 && len !== (kind === ID8 ? 8 : 16)) {
          throw new Error(`field ${tag >>> 3}: an ID of ${len} bytes, expected ${kind === ID8 ? 8 : 16}`);
        }
        return;
      }
      case VARINT32:
        expect(tag, VARINT);
        if ((this.buf[this.pos] as number) < 128 && this.pos < this.end) this.pos++;
        else this.viaReader((r) => r.uint32());
        return;
      case VARINT64:
        expect(tag, VARINT);
        this.skipVarint();
        return;
      case FIXED64:
        expect(tag, I64);
        this.advance(8);
        return;
      case FIXED32:
        expect(tag, I32);
        this.advance(4);
        return;
      case PACKED64:
        if (wt === I64) this.advance(8);
        else this.packed(tag, I64, 8);
        return;
      case PACKED_VARINT:
        if (wt === VARINT) this.skipVarint();
        else this.packed(tag, VARINT, 0);
        return;
    }
  }

  /** A packed repeated field: `size`-byte values, or varints when size is 0. */
  private packed(tag: number, single: number, size: number): void {
    if ((tag & 7) !== LEN) throw new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${single} or ${LEN}`);
    const len = this.size();
    const end = this.pos + len;
    if (end > this.end)
      throw new RangeError(`packed field of ${len} bytes at offset ${this.pos} runs past its message`);
    if (size > 0) {
      if (len % size !== 0) throw new Error(`packed field of ${len} bytes is not a multiple of ${size}`);
      this.pos = end;
      return;
    }
    const outer = this.end;
    this.end = end;
    while (this.pos < end) this.skipVarint();
    this.end = outer;
  }
}

function expect(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
}

/** ASCII is checked here (most strings are short and ASCII); anything else by node:buffer's validator. */
function validUtf8(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return isUtf8(buf.subarray(i, end));
  }
  return true;
}

/**
 * Checks `bytes` as decodeRequest would and counts its items, without decoding. Throws (as decodeRequest's
 * reader does, before it is wrapped in an OtlpDecodeError) for anything that is not a well-formed request.
 */
export function scanRequest(signal: PipelineType, bytes: Uint8Array): Scan {
  const walk = new Walk(newReader(bytes));
  walk.message(REQUESTS[signal]);
  return { items: walk.items, verbatim: walk.verbatim };
}
