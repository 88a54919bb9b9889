// metrics.proto histogram points: HistogramDataPoint and ExponentialHistogramDataPoint with its Buckets.
import type {
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
} from '../core/pdata/index.ts';
import { readKeyValue, writeKeyValues } from './proto-common.ts';
import { readExemplar, writeExemplar } from './proto-points.ts';
import type { Reader } from './proto-read.ts';
import {
  enter,
  leave,
  readCount,
  readCounts,
  readDouble,
  readDoubles,
  readFixed64,
  readSint32,
  readTag,
  readUint32,
  readVarintCounts,
  skipField,
} from './proto-read.ts';
import { BUCKETS, EXP_HISTOGRAM_POINT, HISTOGRAM_POINT } from './proto-schema.ts';
import type { Writer } from './proto-write.ts';
import {
  open,
  putDouble,
  writeCount,
  writeDouble,
  writeFixed64,
  writePackedCounts,
  writePackedDoubles,
  writePackedVarintCounts,
  writeSint32,
  writeUint32,
} from './proto-write.ts';

export function writeHistogramPoint(w: Writer, field: number, p: HistogramDataPoint): void {
  open(w, field);
  writeFixed64(w, HISTOGRAM_POINT.startTimeUnixNano, p.startTimeUnixNano);
  writeFixed64(w, HISTOGRAM_POINT.timeUnixNano, p.timeUnixNano);
  writeCount(w, HISTOGRAM_POINT.count, p.count);
  if (p.sum !== undefined) putDouble(w, HISTOGRAM_POINT.sum, p.sum);
  writePackedCounts(w, HISTOGRAM_POINT.bucketCounts, p.bucketCounts);
  writePackedDoubles(w, HISTOGRAM_POINT.explicitBounds, p.explicitBounds);
  for (const e of p.exemplars) writeExemplar(w, HISTOGRAM_POINT.exemplars, e);
  writeKeyValues(w, HISTOGRAM_POINT.attributes, p.attributes);
  writeUint32(w, HISTOGRAM_POINT.flags, p.flags);
  if (p.min !== undefined) putDouble(w, HISTOGRAM_POINT.min, p.min);
  if (p.max !== undefined) putDouble(w, HISTOGRAM_POINT.max, p.max);
  w.ldelim();
}

function writeBuckets(w: Writer, field: number, b: ExponentialHistogramBuckets): void {
  open(w, field);
  writeSint32(w, BUCKETS.offset, b.offset);
  writePackedVarintCounts(w, BUCKETS.bucketCounts, b.bucketCounts);
  w.ldelim();
}

export function writeExpHistogramPoint(w: Writer, field: number, p: ExponentialHistogramDataPoint): void {
  open(w, field);
  writeKeyValues(w, EXP_HISTOGRAM_POINT.attributes, p.attributes);
  writeFixed64(w, EXP_HISTOGRAM_POINT.startTimeUnixNano, p.startTimeUnixNano);
  writeFixed64(w, EXP_HISTOGRAM_POINT.timeUnixNano, p.timeUnixNano);
  writeCount(w, EXP_HISTOGRAM_POINT.count, p.count);
  if (p.sum !== undefined) putDouble(w, EXP_HISTOGRAM_POINT.sum, p.sum);
  writeSint32(w, EXP_HISTOGRAM_POINT.scale, p.scale);
  writeCount(w, EXP_HISTOGRAM_POINT.zeroCount, p.zeroCount);
  writeBuckets(w, EXP_HISTOGRAM_POINT.positive, p.positive);
  writeBuckets(w, EXP_HISTOGRAM_POINT.negative, p.negative);
  writeUint32(w, EXP_HISTOGRAM_POINT.flags, p.flags);
  for (const e of p.exemplars) writeExemplar(w, EXP_HISTOGRAM_POINT.exemplars, e);
  if (p.min !== undefined) putDouble(w, EXP_HISTOGRAM_POINT.min, p.min);
  if (p.max !== undefined) putDouble(w, EXP_HISTOGRAM_POINT.max, p.max);
  writeDouble(w, EXP_HISTOGRAM_POINT.zeroThreshold, p.zeroThreshold);
  w.ldelim();
}

export function readHistogramPoint(r: Reader, tag: number): HistogramDataPoint {
  const outer = enter(r, tag);
  const p: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case HISTOGRAM_POINT.attributes:
        p.attributes.push(readKeyValue(r, t));
        break;
      case HISTOGRAM_POINT.startTimeUnixNano:
        p.startTimeUnixNano = readFixed64(r, t);
        break;
      case HISTOGRAM_POINT.timeUnixNano:
        p.timeUnixNano = readFixed64(r, t);
        break;
      case HISTOGRAM_POINT.count:
        p.count = readCount(r, t);
        break;
      case HISTOGRAM_POINT.sum:
        p.sum = readDouble(r, t);
        break;
      case HISTOGRAM_POINT.bucketCounts:
        readCounts(r, t, p.bucketCounts);
        break;
      case HISTOGRAM_POINT.explicitBounds:
        readDoubles(r, t, p.explicitBounds);
        break;
      case HISTOGRAM_POINT.exemplars:
        p.exemplars.push(readExemplar(r, t));
        break;
      case HISTOGRAM_POINT.flags:
        p.flags = readUint32(r, t);
        break;
      case HISTOGRAM_POINT.min:
        p.min = readDouble(r, t);
        break;
      case HISTOGRAM_POINT.max:
        p.max = readDouble(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return p;
}

function readBuckets(r: Reader, tag: number): ExponentialHistogramBuckets {
  const outer = enter(r, tag);
  const b: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case BUCKETS.offset:
        b.offset = readSint32(r, t);
        break;
      case BUCKETS.bucketCounts:
        readVarintCounts(r, t, b.bucketCounts);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return b;
}

export function readExpHistogramPoint(r: Reader, tag: number): ExponentialHistogramDataPoint {
  const outer = enter(r, tag);
  const p: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    zeroThreshold: 0,
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case EXP_HISTOGRAM_POINT.attributes:
        p.attributes.push(readKeyValue(r, t));
        break;
      case EXP_HISTOGRAM_POINT.startTimeUnixNano:
        p.startTimeUnixNano = readFixed64(r, t);
        break;
      case EXP_HISTOGRAM_POINT.timeUnixNano:
        p.timeUnixNano = readFixed64(r, t);
        break;
      case EXP_HISTOGRAM_POINT.count:
        p.count = readCount(r, t);
        break;
      case EXP_HISTOGRAM_POINT.sum:
        p.sum = readDouble(r, t);
        break;
      case EXP_HISTOGRAM_POINT.scale:
        p.scale = readSint32(r, t);
        break;
      case EXP_HISTOGRAM_POINT.zeroCount:
        p.zeroCount = readCount(r, t);
        break;
      case EXP_HISTOGRAM_POINT.positive:
        p.positive = readBuckets(r, t);
        break;
      case EXP_HISTOGRAM_POINT.negative:
        p.negative = readBuckets(r, t);
        break;
      case EXP_HISTOGRAM_POINT.flags:
        p.flags = readUint32(r, t);
        break;
      case EXP_HISTOGRAM_POINT.exemplars:
        p.exemplars.push(readExemplar(r, t));
        break;
      case EXP_HISTOGRAM_POINT.min:
        p.min = readDouble(r, t);
        break;
      case EXP_HISTOGRAM_POINT.max:
        p.max = readDouble(r, t);
        break;
      case EXP_HISTOGRAM_POINT.zeroThreshold:
        p.zeroThreshold = readDouble(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return p;
}
