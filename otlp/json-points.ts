// OTLP/JSON of metrics data points: Number, Histogram, ExponentialHistogram and Summary points, and Exemplars.
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../core/pdata/index.ts';
import { attributesJson, readAttributes } from './json-common.ts';
import type { Obj } from './json-read.ts';
import {
  JsonShapeError,
  count,
  countValue,
  double,
  doubleValue,
  element,
  hexId,
  int32,
  int64Value,
  list,
  message,
  optionalDouble,
  uint32,
  uint64,
} from './json-read.ts';
import type { Json } from './json-write.ts';
import { c, d, dv, id, l, n, od, u64 } from './json-write.ts';

function exemplarJson(e: Exemplar): Json {
  return {
    filteredAttributes: attributesJson(e.filteredAttributes),
    timeUnixNano: u64(e.timeUnixNano),
    asDouble: e.asInt === undefined ? od(e.asDouble) : undefined,
    asInt: e.asInt?.toString(),
    spanId: id(e.spanId),
    traceId: id(e.traceId),
  };
}

export function numberPointJson(p: NumberDataPoint): Json {
  return {
    attributes: attributesJson(p.attributes),
    startTimeUnixNano: u64(p.startTimeUnixNano),
    timeUnixNano: u64(p.timeUnixNano),
    asDouble: p.asInt === undefined ? od(p.asDouble) : undefined,
    asInt: p.asInt?.toString(),
    exemplars: l(p.exemplars, exemplarJson),
    flags: n(p.flags),
  };
}

export function histogramPointJson(p: HistogramDataPoint): Json {
  return {
    attributes: attributesJson(p.attributes),
    startTimeUnixNano: u64(p.startTimeUnixNano),
    timeUnixNano: u64(p.timeUnixNano),
    count: c(p.count),
    sum: od(p.sum),
    bucketCounts: l(p.bucketCounts, String),
    explicitBounds: l(p.explicitBounds, dv),
    exemplars: l(p.exemplars, exemplarJson),
    flags: n(p.flags),
    min: od(p.min),
    max: od(p.max),
  };
}

function bucketsJson(bk: ExponentialHistogramBuckets): Json {
  return { offset: n(bk.offset), bucketCounts: l(bk.bucketCounts, String) };
}

export function expPointJson(p: ExponentialHistogramDataPoint): Json {
  return {
    attributes: attributesJson(p.attributes),
    startTimeUnixNano: u64(p.startTimeUnixNano),
    timeUnixNano: u64(p.timeUnixNano),
    count: c(p.count),
    sum: od(p.sum),
    scale: n(p.scale),
    zeroCount: c(p.zeroCount),
    positive: bucketsJson(p.positive),
    negative: bucketsJson(p.negative),
    flags: n(p.flags),
    exemplars: l(p.exemplars, exemplarJson),
    min: od(p.min),
    max: od(p.max),
    zeroThreshold: d(p.zeroThreshold),
  };
}

export function summaryPointJson(p: SummaryDataPoint): Json {
  return {
    attributes: attributesJson(p.attributes),
    startTimeUnixNano: u64(p.startTimeUnixNano),
    timeUnixNano: u64(p.timeUnixNano),
    count: c(p.count),
    sum: d(p.sum),
    quantileValues: l(p.quantileValues, (q) => ({ quantile: d(q.quantile), value: d(q.value) })),
    flags: n(p.flags),
  };
}

function readNumberValue(o: Obj, target: { asDouble?: number; asInt?: bigint }): void {
  const hasDouble = o.asDouble !== undefined && o.asDouble !== null;
  const hasInt = o.asInt !== undefined && o.asInt !== null;
  if (hasDouble && hasInt) throw new JsonShapeError('', 'both asDouble and asInt are set');
  if (hasDouble) target.asDouble = doubleValue('asDouble', o.asDouble);
  if (hasInt) target.asInt = int64Value('asInt', o.asInt);
}

const readExemplar = element((o): Exemplar => {
  const e: Exemplar = {
    filteredAttributes: readAttributes(o, 'filteredAttributes'),
    timeUnixNano: uint64(o, 'timeUnixNano'),
    spanId: hexId(o, 'spanId', 8),
    traceId: hexId(o, 'traceId', 16),
  };
  readNumberValue(o, e);
  return e;
});

export const readNumberPoint = element((o): NumberDataPoint => {
  const p: NumberDataPoint = {
    attributes: readAttributes(o, 'attributes'),
    startTimeUnixNano: uint64(o, 'startTimeUnixNano'),
    timeUnixNano: uint64(o, 'timeUnixNano'),
    exemplars: list(o, 'exemplars', readExemplar),
    flags: uint32(o, 'flags'),
  };
  readNumberValue(o, p);
  return p;
});

/** sum, min and max are `optional`: set only when present. */
function readOptionals(o: Obj, p: { sum?: number; min?: number; max?: number }): void {
  const sum = optionalDouble(o, 'sum');
  const min = optionalDouble(o, 'min');
  const max = optionalDouble(o, 'max');
  if (sum !== undefined) p.sum = sum;
  if (min !== undefined) p.min = min;
  if (max !== undefined) p.max = max;
}

const doubleElement = (v: unknown): number => doubleValue('', v);

export const readHistogramPoint = element((o): HistogramDataPoint => {
  const p: HistogramDataPoint = {
    attributes: readAttributes(o, 'attributes'),
    startTimeUnixNano: uint64(o, 'startTimeUnixNano'),
    timeUnixNano: uint64(o, 'timeUnixNano'),
    count: count(o, 'count'),
    bucketCounts: list(o, 'bucketCounts', countValue),
    explicitBounds: list(o, 'explicitBounds', doubleElement),
    exemplars: list(o, 'exemplars', readExemplar),
    flags: uint32(o, 'flags'),
  };
  readOptionals(o, p);
  return p;
});

function readBuckets(o: Obj): ExponentialHistogramBuckets {
  return { offset: int32(o, 'offset'), bucketCounts: list(o, 'bucketCounts', countValue) };
}

export const readExpPoint = element((o): ExponentialHistogramDataPoint => {
  const p: ExponentialHistogramDataPoint = {
    attributes: readAttributes(o, 'attributes'),
    startTimeUnixNano: uint64(o, 'startTimeUnixNano'),
    timeUnixNano: uint64(o, 'timeUnixNano'),
    count: count(o, 'count'),
    scale: int32(o, 'scale'),
    zeroCount: count(o, 'zeroCount'),
    positive: message(o, 'positive', readBuckets),
    negative: message(o, 'negative', readBuckets),
    flags: uint32(o, 'flags'),
    exemplars: list(o, 'exemplars', readExemplar),
    zeroThreshold: double(o, 'zeroThreshold'),
  };
  readOptionals(o, p);
  return p;
});

const readQuantile = element((o): ValueAtQuantile => ({ quantile: double(o, 'quantile'), value: double(o, 'value') }));

export const readSummaryPoint = element(
  (o): SummaryDataPoint => ({
    attributes: readAttributes(o, 'attributes'),
    startTimeUnixNano: uint64(o, 'startTimeUnixNano'),
    timeUnixNano: uint64(o, 'timeUnixNano'),
    count: count(o, 'count'),
    sum: double(o, 'sum'),
    quantileValues: list(o, 'quantileValues', readQuantile),
    flags: uint32(o, 'flags'),
  }),
);
