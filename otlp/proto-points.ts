// metrics.proto data points: NumberDataPoint, SummaryDataPoint and Exemplar (histograms are in proto-histograms.ts).
import type { Exemplar, NumberDataPoint, SummaryDataPoint, ValueAtQuantile } from '../core/pdata/index.ts';
import { EMPTY_BYTES } from '../core/pdata/index.ts';
import { readKeyValue, writeKeyValues } from './proto-common.ts';
import { EXEMPLAR, NUMBER_POINT, QUANTILE, SUMMARY_POINT } from './proto-schema.ts';
import type { Reader } from './proto-read.ts';
import {
  enter,
  leave,
  readCount,
  readDouble,
  readFixed64,
  readId,
  readSfixed64,
  readTag,
  readUint32,
  skipField,
} from './proto-read.ts';
import type { Writer } from './proto-write.ts';
import {
  open,
  putDouble,
  putFixed64,
  writeBytes,
  writeCount,
  writeDouble,
  writeFixed64,
  writeUint32,
} from './proto-write.ts';

export function writeExemplar(w: Writer, field: number, e: Exemplar): void {
  open(w, field);
  writeFixed64(w, EXEMPLAR.timeUnixNano, e.timeUnixNano);
  if (e.asInt !== undefined) putFixed64(w, EXEMPLAR.asInt, e.asInt);
  else if (e.asDouble !== undefined) putDouble(w, EXEMPLAR.asDouble, e.asDouble);
  writeBytes(w, EXEMPLAR.spanId, e.spanId);
  writeBytes(w, EXEMPLAR.traceId, e.traceId);
  writeKeyValues(w, EXEMPLAR.filteredAttributes, e.filteredAttributes);
  w.ldelim();
}

export function writeNumberPoint(w: Writer, field: number, p: NumberDataPoint): void {
  open(w, field);
  writeFixed64(w, NUMBER_POINT.startTimeUnixNano, p.startTimeUnixNano);
  writeFixed64(w, NUMBER_POINT.timeUnixNano, p.timeUnixNano);
  if (p.asInt !== undefined) putFixed64(w, NUMBER_POINT.asInt, p.asInt);
  else if (p.asDouble !== undefined) putDouble(w, NUMBER_POINT.asDouble, p.asDouble);
  for (const e of p.exemplars) writeExemplar(w, NUMBER_POINT.exemplars, e);
  writeKeyValues(w, NUMBER_POINT.attributes, p.attributes);
  writeUint32(w, NUMBER_POINT.flags, p.flags);
  w.ldelim();
}

export function writeSummaryPoint(w: Writer, field: number, p: SummaryDataPoint): void {
  open(w, field);
  writeFixed64(w, SUMMARY_POINT.startTimeUnixNano, p.startTimeUnixNano);
  writeFixed64(w, SUMMARY_POINT.timeUnixNano, p.timeUnixNano);
  writeCount(w, SUMMARY_POINT.count, p.count);
  writeDouble(w, SUMMARY_POINT.sum, p.sum);
  for (const q of p.quantileValues) {
    open(w, SUMMARY_POINT.quantileValues);
    writeDouble(w, QUANTILE.quantile, q.quantile);
    writeDouble(w, QUANTILE.value, q.value);
    w.ldelim();
  }
  writeKeyValues(w, SUMMARY_POINT.attributes, p.attributes);
  writeUint32(w, SUMMARY_POINT.flags, p.flags);
  w.ldelim();
}

export function readExemplar(r: Reader, tag: number): Exemplar {
  const outer = enter(r, tag);
  const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, spanId: EMPTY_BYTES, traceId: EMPTY_BYTES };
  // A oneof: the last of as_double / as_int on the wire wins.
  let asDouble: number | undefined;
  let asInt: bigint | undefined;
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case EXEMPLAR.filteredAttributes:
        e.filteredAttributes.push(readKeyValue(r, t));
        break;
      case EXEMPLAR.timeUnixNano:
        e.timeUnixNano = readFixed64(r, t);
        break;
      case EXEMPLAR.asDouble:
        asDouble = readDouble(r, t);
        asInt = undefined;
        break;
      case EXEMPLAR.asInt:
        asInt = readSfixed64(r, t);
        asDouble = undefined;
        break;
      case EXEMPLAR.spanId:
        e.spanId = readId(r, t, 8);
        break;
      case EXEMPLAR.traceId:
        e.traceId = readId(r, t, 16);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  if (asDouble !== undefined) e.asDouble = asDouble;
  if (asInt !== undefined) e.asInt = asInt;
  return e;
}

export function readNumberPoint(r: Reader, tag: number): NumberDataPoint {
  const outer = enter(r, tag);
  const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, exemplars: [], flags: 0 };
  let asDouble: number | undefined;
  let asInt: bigint | undefined;
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case NUMBER_POINT.attributes:
        p.attributes.push(readKeyValue(r, t));
        break;
      case NUMBER_POINT.startTimeUnixNano:
        p.startTimeUnixNano = readFixed64(r, t);
        break;
      case NUMBER_POINT.timeUnixNano:
        p.timeUnixNano = readFixed64(r, t);
        break;
      case NUMBER_POINT.asDouble:
        asDouble = readDouble(r, t);
        asInt = undefined;
        break;
      case NUMBER_POINT.asInt:
        asInt = readSfixed64(r, t);
        asDouble = undefined;
        break;
      case NUMBER_POINT.exemplars:
        p.exemplars.push(readExemplar(r, t));
        break;
      case NUMBER_POINT.flags:
        p.flags = readUint32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  if (asDouble !== undefined) p.asDouble = asDouble;
  if (asInt !== undefined) p.asInt = asInt;
  return p;
}

function readQuantile(r: Reader, tag: number): ValueAtQuantile {
  const outer = enter(r, tag);
  const q: ValueAtQuantile = { quantile: 0, value: 0 };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case QUANTILE.quantile:
        q.quantile = readDouble(r, t);
        break;
      case QUANTILE.value:
        q.value = readDouble(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return q;
}

export function readSummaryPoint(r: Reader, tag: number): SummaryDataPoint {
  const outer = enter(r, tag);
  const p: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SUMMARY_POINT.attributes:
        p.attributes.push(readKeyValue(r, t));
        break;
      case SUMMARY_POINT.startTimeUnixNano:
        p.startTimeUnixNano = readFixed64(r, t);
        break;
      case SUMMARY_POINT.timeUnixNano:
        p.timeUnixNano = readFixed64(r, t);
        break;
      case SUMMARY_POINT.count:
        p.count = readCount(r, t);
        break;
      case SUMMARY_POINT.sum:
        p.sum = readDouble(r, t);
        break;
      case SUMMARY_POINT.quantileValues:
        p.quantileValues.push(readQuantile(r, t));
        break;
      case SUMMARY_POINT.flags:
        p.flags = readUint32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return p;
}
