import type { InstrumentationScope, KeyValue, Resource } from './common.ts';
import { EMPTY_BYTES, resource as newResource, scope as newScope } from './common.ts';

export enum AggregationTemporality {
  UNSPECIFIED = 0,
  DELTA = 1,
  CUMULATIVE = 2,
}

/** DataPointFlags: bit 0 marks a point with no recorded value. */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  asDouble?: number;
  asInt?: bigint;
  spanId: Uint8Array;
  traceId: Uint8Array;
}

/** A Gauge or Sum point: exactly one of `asDouble` / `asInt` is set. */
export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  asDouble?: number;
  asInt?: bigint;
  exemplars: Exemplar[];
  flags: number;
}

// Counts are fixed64 on the wire; they are numbers here (exact up to 2^53) so that arithmetic stays ordinary.
export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum?: number;
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min?: number;
  max?: number;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive: ExponentialHistogramBuckets;
  negative: ExponentialHistogramBuckets;
  flags: number;
  exemplars: Exemplar[];
  min?: number;
  max?: number;
  zeroThreshold: number;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

export interface Gauge {
  dataPoints: NumberDataPoint[];
}
export interface Sum {
  dataPoints: NumberDataPoint[];
  aggregationTemporality: AggregationTemporality;
  isMonotonic: boolean;
}
export interface Histogram {
  dataPoints: HistogramDataPoint[];
  aggregationTemporality: AggregationTemporality;
}
export interface ExponentialHistogram {
  dataPoints: ExponentialHistogramDataPoint[];
  aggregationTemporality: AggregationTemporality;
}
export interface Summary {
  dataPoints: SummaryDataPoint[];
}

/** A metric carries exactly one of gauge, sum, histogram, exponentialHistogram or summary (the proto's oneof). */
export interface Metric {
  name: string;
  description: string;
  unit: string;
  metadata: KeyValue[];
  gauge?: Gauge;
  sum?: Sum;
  histogram?: Histogram;
  exponentialHistogram?: ExponentialHistogram;
  summary?: Summary;
}

export type MetricDataType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary' | 'empty';

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl: string;
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

/** A batch of metrics: the payload of ExportMetricsServiceRequest. */
export interface Metrics {
  resourceMetrics: ResourceMetrics[];
}

export function metricDataType(m: Metric): MetricDataType {
  if (m.gauge) return 'gauge';
  if (m.sum) return 'sum';
  if (m.histogram) return 'histogram';
  if (m.exponentialHistogram) return 'exponentialHistogram';
  if (m.summary) return 'summary';
  return 'empty';
}

/** The data points of a metric, whatever its type. */
export function dataPointsOf(m: Metric): readonly { attributes: KeyValue[]; timeUnixNano: bigint }[] {
  return (m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary)?.dataPoints ?? [];
}

export function numberPoint(
  value: number | bigint,
  timeUnixNano: bigint,
  attributes: KeyValue[] = [],
): NumberDataPoint {
  const p: NumberDataPoint = { attributes, startTimeUnixNano: 0n, timeUnixNano, exemplars: [], flags: 0 };
  if (typeof value === 'bigint') p.asInt = value;
  else p.asDouble = value;
  return p;
}

export function exemplar(fields: Partial<Exemplar> = {}): Exemplar {
  return { filteredAttributes: [], timeUnixNano: 0n, spanId: EMPTY_BYTES, traceId: EMPTY_BYTES, ...fields };
}

/** A metric with empty name fields, overridden by `fields`. */
export function metric(fields: Partial<Metric> & { name: string }): Metric {
  return { description: '', unit: '', metadata: [], ...fields };
}

/** Wraps metrics in one resource and scope. */
export function metrics(
  list: Metric[],
  resource: Resource = newResource(),
  scope: InstrumentationScope = newScope(),
): Metrics {
  return { resourceMetrics: [{ resource, schemaUrl: '', scopeMetrics: [{ scope, schemaUrl: '', metrics: list }] }] };
}

/** Data points in the batch: the unit the Collector counts metrics in. */
export function dataPointCount(md: Metrics): number {
  let n = 0;
  for (const rm of md.resourceMetrics)
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += dataPointsOf(m).length;
  return n;
}

export function forEachMetric(
  md: Metrics,
  fn: (metric: Metric, scope: ScopeMetrics, resource: ResourceMetrics) => void,
): void {
  for (const rm of md.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) fn(m, sm, rm);
}
