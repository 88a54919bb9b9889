// verbosity: detailed, for metrics: the Collector's otlptext layout, every point type and exemplars.
import type {
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  Metrics,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../core/pdata/index.ts';
import { metricDataType } from '../../core/pdata/index.ts';
import { fixed, hex, temporalityName, timestamp } from './format-values.ts';
import { TextBuffer } from './text-buffer.ts';

const DATA_TYPES = {
  gauge: 'Gauge',
  sum: 'Sum',
  histogram: 'Histogram',
  exponentialHistogram: 'ExponentialHistogram',
  summary: 'Summary',
  empty: 'Empty',
} as const;

export function metricTypeName(m: Metric): string {
  return DATA_TYPES[metricDataType(m)];
}

export function detailedMetrics(md: Metrics): string {
  const b = new TextBuffer();
  md.resourceMetrics.forEach((rm, i) => {
    b.entry(`ResourceMetrics #${i}`);
    b.resource(rm.schemaUrl, rm.resource);
    rm.scopeMetrics.forEach((sm, j) => {
      b.entry(`ScopeMetrics #${j}`);
      b.scope('ScopeMetrics', sm.schemaUrl, sm.scope);
      sm.metrics.forEach((m, k) => {
        b.entry(`Metric #${k}`);
        metric(b, m);
      });
    });
  });
  return b.text();
}

function metric(b: TextBuffer, m: Metric): void {
  b.entry('Descriptor:');
  b.sub('Name', m.name);
  b.sub('Description', m.description);
  b.sub('Unit', m.unit);
  b.sub('DataType', metricTypeName(m));
  b.attributes('Metadata', m.metadata, 1);
  if (m.gauge) m.gauge.dataPoints.forEach((p, i) => numberPoint(b, p, i));
  else if (m.sum) {
    b.sub('IsMonotonic', String(m.sum.isMonotonic));
    b.sub('AggregationTemporality', temporalityName(m.sum.aggregationTemporality));
    m.sum.dataPoints.forEach((p, i) => numberPoint(b, p, i));
  } else if (m.histogram) {
    b.sub('AggregationTemporality', temporalityName(m.histogram.aggregationTemporality));
    m.histogram.dataPoints.forEach((p, i) => histogramPoint(b, p, i));
  } else if (m.exponentialHistogram) {
    b.sub('AggregationTemporality', temporalityName(m.exponentialHistogram.aggregationTemporality));
    m.exponentialHistogram.dataPoints.forEach((p, i) => exponentialPoint(b, p, i));
  } else if (m.summary) m.summary.dataPoints.forEach((p, i) => summaryPoint(b, p, i));
}

type AnyPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

function pointHeader(b: TextBuffer, kind: string, i: number, p: AnyPoint): void {
  b.entry(`${kind} #${i}`);
  b.attributes('Data point attributes', p.attributes);
  b.entry(`StartTimestamp: ${timestamp(p.startTimeUnixNano)}`);
  b.entry(`Timestamp: ${timestamp(p.timeUnixNano)}`);
  b.nonZero('Flags', p.flags);
}

function numberPoint(b: TextBuffer, p: NumberDataPoint, i: number): void {
  pointHeader(b, 'NumberDataPoints', i, p);
  if (p.asInt !== undefined) b.entry(`Value: ${p.asInt}`);
  else if (p.asDouble !== undefined) b.entry(`Value: ${fixed(p.asDouble)}`);
  exemplars(b, p.exemplars);
}

function countSumMinMax(b: TextBuffer, p: HistogramDataPoint | ExponentialHistogramDataPoint): void {
  b.entry(`Count: ${p.count}`);
  if (p.sum !== undefined) b.entry(`Sum: ${fixed(p.sum)}`);
  if (p.min !== undefined) b.entry(`Min: ${fixed(p.min)}`);
  if (p.max !== undefined) b.entry(`Max: ${fixed(p.max)}`);
}

function histogramPoint(b: TextBuffer, p: HistogramDataPoint, i: number): void {
  pointHeader(b, 'HistogramDataPoints', i, p);
  countSumMinMax(b, p);
  p.explicitBounds.forEach((bound, n) => b.entry(`ExplicitBounds #${n}: ${fixed(bound)}`));
  p.bucketCounts.forEach((count, n) => b.entry(`Buckets #${n}, Count: ${count}`));
  exemplars(b, p.exemplars);
}

function exponentialPoint(b: TextBuffer, p: ExponentialHistogramDataPoint, i: number): void {
  pointHeader(b, 'ExponentialHistogramDataPoints', i, p);
  countSumMinMax(b, p);
  // The Collector leaves scale out (the bounds imply it); printing it saves the reader the arithmetic.
  b.entry(`Scale: ${p.scale}`);
  if (p.zeroThreshold !== 0) b.entry(`ZeroThreshold: ${fixed(p.zeroThreshold)}`);
  // Bucket index i covers (base^i, base^(i+1)] with base = 2^(2^-scale); negative buckets mirror it, printed
  // from the most negative so that the whole list reads in ascending order.
  const factor = Math.LN2 * 2 ** -p.scale;
  const neg = p.negative.bucketCounts;
  for (let pos = neg.length - 1; pos >= 0; pos--) {
    const index = p.negative.offset + pos;
    b.entry(
      `Bucket [${fixed(-Math.exp((index + 1) * factor))}, ${fixed(-Math.exp(index * factor))}), Count: ${neg[pos]}`,
    );
  }
  if (p.zeroCount !== 0) b.entry(`Bucket [0, 0], Count: ${p.zeroCount}`);
  p.positive.bucketCounts.forEach((count, pos) => {
    const index = p.positive.offset + pos;
    b.entry(`Bucket (${fixed(Math.exp(index * factor))}, ${fixed(Math.exp((index + 1) * factor))}], Count: ${count}`);
  });
  exemplars(b, p.exemplars);
}

function summaryPoint(b: TextBuffer, p: SummaryDataPoint, i: number): void {
  pointHeader(b, 'SummaryDataPoints', i, p);
  b.entry(`Count: ${p.count}`);
  b.entry(`Sum: ${fixed(p.sum)}`);
  p.quantileValues.forEach((q, n) =>
    b.entry(`QuantileValue #${n}: Quantile ${fixed(q.quantile)}, Value ${fixed(q.value)}`),
  );
}

function exemplars(b: TextBuffer, list: readonly Exemplar[]): void {
  if (list.length === 0) return;
  b.entry('Exemplars:');
  list.forEach((e, i) => {
    b.entry(`Exemplar #${i}`);
    b.sub('Trace ID', hex(e.traceId));
    b.sub('Span ID', hex(e.spanId));
    b.sub('Timestamp', timestamp(e.timeUnixNano));
    if (e.asInt !== undefined) b.sub('Value', e.asInt.toString());
    else if (e.asDouble !== undefined) b.sub('Value', fixed(e.asDouble));
    b.attributes('FilteredAttributes', e.filteredAttributes, 1);
  });
}
