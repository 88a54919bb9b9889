// OpenTelemetry metrics to Prometheus series (remote write 1.0), per the compatibility specification: gauges and
// non-monotonic cumulative sums as gauges, monotonic cumulative sums as counters (`_total`), cumulative histograms
// as `_bucket{le}` (cumulative, `+Inf` last), `_sum` and `_count`, summaries as `{quantile}`, `_sum` and `_count`,
// one `target_info` per resource, cumulative exponential histograms as native histograms. What cannot be carried is
// dropped and counted, as the Collector does: delta temporality, and exponential histograms once the destination
// said it has native histograms off.
// Points flagged "no recorded value" become staleness markers.
import type { Exemplar, InstrumentationScope, Metrics, Resource } from '../../core/pdata/index.ts';
import { AggregationTemporality, FLAG_NO_RECORDED_VALUE } from '../../core/pdata/index.ts';
import type { Label, LabelContext } from './labels.ts';
import { jobAndInstance, labelValue, seriesLabels } from './labels.ts';
import type { MetricNamer, NameKind } from './names.ts';

export interface Sample {
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** A staleness marker (Prometheus' special NaN), for a point with no recorded value. */
  stale?: boolean;
}

export interface PromExemplar {
  labels: Label[];
  value: number;
  timestamp: number;
}

/** A native histogram sample (prompb.Histogram, integer counts), from an exponential histogram point. */
export interface NativeHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  /** One span each side: `offset` is the first bucket's Prometheus index, counts as they are (zeros included). */
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
  timestamp: number;
  stale?: boolean;
}

export interface Series {
  labels: Label[];
  samples: Sample[];
  exemplars: PromExemplar[];
  histograms?: NativeHistogram[];
}

/** Prometheus' MetricMetadata.MetricType. */
export const PROM_TYPE = { counter: 1, gauge: 2, histogram: 3, summary: 5 } as const;

export interface Metadata {
  type: number;
  family: string;
  help: string;
  unit: string;
}

export type DropReason = 'delta_temporality' | 'exponential_histogram' | 'invalid_name' | 'empty';

export interface Translation {
  series: Series[];
  metadata: Metadata[];
  /** Data points left out, by reason. */
  dropped: Map<DropReason, number>;
}

export interface TranslateOptions extends LabelContext {
  namer: MetricNamer;
  /** Exponential histograms as native histograms; false once the destination said it has them disabled. */
  nativeHistograms: boolean;
  targetInfo: boolean;
  sendMetadata: boolean;
  /**
   * The last target_info time sent per label set (the exporter's own state): target_info never goes back in time,
   * since Prometheus refuses an out-of-order sample by refusing its whole request, data included.
   */
  targetInfoSent?: Map<string, number>;
}

const ms = (nanos: bigint): number => Number(nanos / 1_000_000n);
const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

class Builder {
  readonly bySeries = new Map<string, Series>();
  readonly metadata = new Map<string, Metadata>();
  readonly dropped = new Map<DropReason, number>();

  drop(reason: DropReason, n: number): void {
    if (n > 0) this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + n);
  }

  add(labels: Label[], sample: Sample, exemplars: PromExemplar[] = []): void {
    const s = this.series(labels);
    s.samples.push(sample);
    s.exemplars.push(...exemplars);
  }

  addHistogram(labels: Label[], h: NativeHistogram): void {
    const s = this.series(labels);
    (s.histograms ??= []).push(h);
  }

  private series(labels: Label[]): Series {
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let s = this.bySeries.get(key);
    if (!s) this.bySeries.set(key, (s = { labels, samples: [], exemplars: [] }));
    return s;
  }
}

function exemplarsOf(list: Exemplar[], accept: (v: number) => boolean = () => true): PromExemplar[] {
  const out: PromExemplar[] = [];
  for (const e of list) {
    const value = e.asDouble ?? (e.asInt !== undefined ? Number(e.asInt) : Number.NaN);
    if (!accept(value)) continue;
    const labels: Label[] = e.filteredAttributes.map((kv) => ({ name: kv.key, value: labelValue(kv.value) }));
    if (e.traceId.length > 0) labels.push({ name: 'trace_id', value: Buffer.from(e.traceId).toString('hex') });
    if (e.spanId.length > 0) labels.push({ name: 'span_id', value: Buffer.from(e.spanId).toString('hex') });
    out.push({ labels, value, timestamp: ms(e.timeUnixNano) });
  }
  return out;
}

/** One request's metrics as Prometheus series, grouped by label set, samples in time order. */
export function translate(data: Metrics, opts: TranslateOptions): Translation {
  const b = new Builder();
  for (const rm of data.resourceMetrics) {
    let latest = 0n;
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const t = translateMetric(b, opts, rm.resource, sm.scope, m);
        if (t > latest) latest = t;
      }
    }
    if (opts.targetInfo && latest > 0n) addTargetInfo(b, opts, rm.resource, latest);
  }
  const series = [...b.bySeries.values()];
  for (const s of series) {
    s.samples.sort((x, y) => x.timestamp - y.timestamp);
    s.histograms?.sort((x, y) => x.timestamp - y.timestamp);
  }
  return { series, metadata: [...b.metadata.values()], dropped: b.dropped };
}

/** target_info: the resource's attributes other than those job and instance come from, value 1. */
function addTargetInfo(b: Builder, opts: TranslateOptions, resource: Resource, latest: bigint): void {
  const attrs = resource.attributes.filter((a) => !IDENTIFYING.has(a.key));
  if (attrs.length === 0) return;
  const ctx: LabelContext = { ...opts, resourceAttributes: false, scopeLabels: false };
  const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  const { job, instance } = jobAndInstance(resource);
  if (job === undefined && instance === undefined) return;
  const labels = seriesLabels(ctx, resource, scope, attrs, 'target_info');
  let timestamp = ms(latest);
  if (opts.targetInfoSent) {
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    timestamp = Math.max(timestamp, opts.targetInfoSent.get(key) ?? 0);
    opts.targetInfoSent.set(key, timestamp);
  }
  b.add(labels, { value: 1, timestamp });
  if (opts.sendMetadata)
    b.metadata.set('target_info', { type: PROM_TYPE.gauge, family: 'target_info', help: 'Target metadata', unit: '' });
}

type MetricT = Metrics['resourceMetrics'][number]['scopeMetrics'][number]['metrics'][number];

/** Adds a metric's points; returns the latest point time seen (for target_info). */
function translateMetric(
  b: Builder,
  o: TranslateOptions,
  res: Resource,
  scope: InstrumentationScope,
  m: MetricT,
): bigint {
  let latest = 0n;
  const seen = (t: bigint): void => void (t > latest && (latest = t));
  const named = (kind: NameKind): string => {
    const n = o.namer.name(m.name, m.unit, kind);
    if (n !== '' && o.sendMetadata) {
      const type = kind === 'other' ? PROM_TYPE.gauge : PROM_TYPE[kind];
      b.metadata.set(n, { type, family: n, help: m.description, unit: m.unit });
    }
    return n;
  };
  const labels = (attrs: MetricT['metadata'], name: string, extra?: Label[]) =>
    seriesLabels(o, res, scope, attrs, name, extra);
  if (m.gauge || m.sum) {
    const points = (m.gauge ?? m.sum)?.dataPoints ?? [];
    if (m.sum && m.sum.aggregationTemporality !== AggregationTemporality.CUMULATIVE) {
      b.drop('delta_temporality', points.length);
      return 0n;
    }
    const kind: NameKind = m.sum?.isMonotonic ? 'counter' : 'gauge';
    const name = named(kind);
    if (name === '') return (void b.drop('invalid_name', points.length), 0n);
    for (const p of points) {
      seen(p.timeUnixNano);
      const value = p.asDouble ?? (p.asInt !== undefined ? Number(p.asInt) : 0);
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      b.add(labels(p.attributes, name), { value, timestamp: ms(p.timeUnixNano), stale }, exemplarsOf(p.exemplars));
    }
    return latest;
  }
  if (m.histogram) {
    const points = m.histogram.dataPoints;
    if (m.histogram.aggregationTemporality !== AggregationTemporality.CUMULATIVE) {
      b.drop('delta_temporality', points.length);
      return 0n;
    }
    const base = named('histogram');
    if (base === '') return (void b.drop('invalid_name', points.length), 0n);
    for (const p of points) {
      seen(p.timeUnixNano);
      const timestamp = ms(p.timeUnixNano);
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      let cumulative = 0;
      const bounds = [...p.explicitBounds, Number.POSITIVE_INFINITY];
      bounds.forEach((bound, i) => {
        cumulative += p.bucketCounts[i] ?? 0;
        const lower = i === 0 ? Number.NEGATIVE_INFINITY : (bounds[i - 1] ?? Number.NEGATIVE_INFINITY);
        const le = bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound);
        const value = bound === Number.POSITIVE_INFINITY ? p.count : cumulative;
        const ex = exemplarsOf(p.exemplars, (v) => v > lower && v <= bound);
        b.add(labels(p.attributes, `${base}_bucket`, [{ name: 'le', value: le }]), { value, timestamp, stale }, ex);
      });
      if (p.sum !== undefined) b.add(labels(p.attributes, `${base}_sum`), { value: p.sum, timestamp, stale });
      b.add(labels(p.attributes, `${base}_count`), { value: p.count, timestamp, stale });
    }
    return latest;
  }
  if (m.summary) {
    const points = m.summary.dataPoints;
    const base = named('summary');
    if (base === '') return (void b.drop('invalid_name', points.length), 0n);
    for (const p of points) {
      seen(p.timeUnixNano);
      const timestamp = ms(p.timeUnixNano);
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      for (const q of p.quantileValues)
        b.add(labels(p.attributes, base, [{ name: 'quantile', value: String(q.quantile) }]), {
          value: q.value,
          timestamp,
          stale,
        });
      b.add(labels(p.attributes, `${base}_sum`), { value: p.sum, timestamp, stale });
      b.add(labels(p.attributes, `${base}_count`), { value: p.count, timestamp, stale });
    }
    return latest;
  }
  if (m.exponentialHistogram) {
    const e = m.exponentialHistogram;
    if (!o.nativeHistograms) return (void b.drop('exponential_histogram', e.dataPoints.length), 0n);
    if (e.aggregationTemporality !== AggregationTemporality.CUMULATIVE)
      return (void b.drop('delta_temporality', e.dataPoints.length), 0n);
    const name = named('histogram');
    if (name === '') return (void b.drop('invalid_name', e.dataPoints.length), 0n);
    for (const p of e.dataPoints) {
      // A scale below Prometheus' coarsest schema would need each bucket split in two: not possible.
      if (p.scale < MIN_SCHEMA) {
        b.drop('exponential_histogram', 1);
        continue;
      }
      seen(p.timeUnixNano);
      b.addHistogram(labels(p.attributes, name), nativeHistogram(p, ms(p.timeUnixNano)));
    }
    return latest;
  }
  b.drop('empty', 1);
  return 0n;
}

/** Prometheus' native histograms have schemas -4 to 8; a finer OpenTelemetry scale is merged down to 8. */
const MAX_SCHEMA = 8;
const MIN_SCHEMA = -4;

type ExpPoint = NonNullable<MetricT['exponentialHistogram']>['dataPoints'][number];

/** Merges buckets `factor` = 2^(scale - schema) at a time; OpenTelemetry index i falls in i >> (scale - schema). */
function downscale(b: { offset: number; bucketCounts: number[] }, by: number): { offset: number; counts: number[] } {
  if (by <= 0 || b.bucketCounts.length === 0) return { offset: b.offset, counts: [...b.bucketCounts] };
  const first = b.offset >> by;
  const counts: number[] = [];
  b.bucketCounts.forEach((c, i) => {
    const j = ((b.offset + i) >> by) - first;
    counts[j] = (counts[j] ?? 0) + c;
  });
  return { offset: first, counts: Array.from(counts, (c) => c ?? 0) };
}

/**
 * An exponential histogram point as a native histogram: the same base (schema = scale), bucket i of OpenTelemetry
 * (base^i, base^(i+1)] being Prometheus' bucket i + 1.
 */
export function nativeHistogram(p: ExpPoint, timestamp: number): NativeHistogram {
  const schema = Math.max(MIN_SCHEMA, Math.min(MAX_SCHEMA, p.scale));
  const by = p.scale - schema;
  const pos = downscale(p.positive, by);
  const neg = downscale(p.negative, by);
  return {
    count: p.count,
    sum: p.sum ?? 0,
    schema,
    zeroThreshold: p.zeroThreshold,
    zeroCount: p.zeroCount,
    positive: { offset: pos.offset + 1, counts: pos.counts },
    negative: { offset: neg.offset + 1, counts: neg.counts },
    timestamp,
    stale: (p.flags & FLAG_NO_RECORDED_VALUE) !== 0,
  };
}
