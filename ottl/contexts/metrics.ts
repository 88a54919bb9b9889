// The metric and datapoint contexts (pkg/ottl/contexts/ottlmetric, ottldatapoint). Data points of every metric
// type share the datapoint context; a field a type lacks reads as nil (value_int on a histogram point) and cannot
// be set.
import type { Metric } from '../../core/pdata/index.ts';
import { metricDataType } from '../../core/pdata/index.ts';
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { intField, mapField, member, stringField, timeFields } from './common.ts';
import type { IntRange } from './setters.ts';
import { asBool, asDouble, asInt, asSmallInt } from './setters.ts';
import type { DataPointLike, Field, FieldTable, TransformContext } from './types.ts';

const metric = (ctx: TransformContext) => member(ctx, 'metric');
const point = (ctx: TransformContext) => member(ctx, 'datapoint');

/** METRIC_DATA_TYPE_* of the Collector's pmetric.MetricType. */
export const METRIC_TYPE_NUMBER: Readonly<Record<ReturnType<typeof metricDataType>, number>> = {
  empty: 0,
  gauge: 1,
  sum: 2,
  histogram: 3,
  exponentialHistogram: 4,
  summary: 5,
};

type PointsKey = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
const POINT_KEYS: readonly PointsKey[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

/** A metric's data points, whatever its type, with the member holding them; undefined for an empty metric. */
export function pointsOf(metric: Metric): { key: PointsKey; points: DataPointLike[] } | undefined {
  for (const key of POINT_KEYS) {
    const d = metric[key];
    if (d) return { key, points: d.dataPoints };
  }
  return undefined;
}

function temporal(m: Metric): { aggregationTemporality: number } | undefined {
  return m.sum ?? m.histogram ?? m.exponentialHistogram;
}

export const metricFields: FieldTable = {
  name: stringField('metric.name', metric, 'name'),
  description: stringField('metric.description', metric, 'description'),
  unit: stringField('metric.unit', metric, 'unit'),
  type: { get: (ctx) => BigInt(METRIC_TYPE_NUMBER[metricDataType(metric(ctx))]) },
  metadata: mapField('metric.metadata', (ctx) => metric(ctx).metadata),
  aggregation_temporality: {
    get: (ctx) => BigInt(temporal(metric(ctx))?.aggregationTemporality ?? 0),
    set: (ctx, v) => {
      const t = temporal(metric(ctx));
      // As the Collector: only sums and histograms have a temporality; on the others the statement does nothing.
      if (t) t.aggregationTemporality = asSmallInt('aggregation_temporality', v, 'int32');
    },
  },
  is_monotonic: {
    get: (ctx) => metric(ctx).sum?.isMonotonic ?? false,
    set: (ctx, v) => {
      const s = metric(ctx).sum;
      if (s) s.isMonotonic = asBool('is_monotonic', v);
    },
  },
};

type NumKey = 'count' | 'sum' | 'scale' | 'zeroCount' | 'min' | 'max';

/** A numeric member of some point types only: nil where the point has none. */
function optionalNumber(path: string, key: NumKey, kind: 'int' | 'double', range: IntRange = 'count'): Field {
  return {
    get: (ctx): Value => {
      const v = point(ctx)[key];
      if (v === undefined) return null;
      return kind === 'int' ? BigInt(v) : v;
    },
    set: (ctx, v) => {
      const p = point(ctx);
      if (!(key in p)) throw new OttlRuntimeError(`${path}: this data point has no ${path}`);
      p[key] = kind === 'int' ? asSmallInt(path, v, range) : asDouble(path, v);
    },
  };
}

function isNumberPoint(p: DataPointLike): boolean {
  return p.asInt !== undefined || p.asDouble !== undefined;
}

export const dataPointFields: FieldTable = {
  attributes: mapField('datapoint.attributes', (ctx) => point(ctx).attributes),
  ...timeFields('start_time', point, 'startTimeUnixNano'),
  ...timeFields('time', point, 'timeUnixNano'),
  flags: intField('datapoint.flags', point, 'flags'),
  value_double: {
    get: (ctx) => {
      const p = point(ctx);
      return isNumberPoint(p) ? (p.asDouble ?? 0) : null;
    },
    set: (ctx, v) => {
      const p = point(ctx);
      if (!isNumberPoint(p)) throw new OttlRuntimeError('value_double: only gauge and sum points have one');
      p.asDouble = asDouble('value_double', v);
      delete p.asInt;
    },
  },
  value_int: {
    get: (ctx) => {
      const p = point(ctx);
      return isNumberPoint(p) ? (p.asInt ?? 0n) : null;
    },
    set: (ctx, v) => {
      const p = point(ctx);
      if (!isNumberPoint(p)) throw new OttlRuntimeError('value_int: only gauge and sum points have one');
      p.asInt = asInt('value_int', v);
      delete p.asDouble;
    },
  },
  count: optionalNumber('count', 'count', 'int'),
  sum: optionalNumber('sum', 'sum', 'double'),
  scale: optionalNumber('scale', 'scale', 'int', 'int32'),
  zero_count: optionalNumber('zero_count', 'zeroCount', 'int'),
  min: optionalNumber('min', 'min', 'double'),
  max: optionalNumber('max', 'max', 'double'),
  bucket_counts: { indexable: true, get: (ctx) => point(ctx).bucketCounts?.map((n) => BigInt(n)) ?? null },
  explicit_bounds: { indexable: true, get: (ctx) => point(ctx).explicitBounds?.slice() ?? null },
};
