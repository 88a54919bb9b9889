// OpenTelemetry metrics to Prometheus series (remote write 1.0), per the compatibility specification: gauges and
// non-monotonic cumulative sums as gauges, monotonic cumulative sums as counters (`_total`), cumulative histograms
// as `_bucket{le}` (cumulative, `+Inf` last), `_sum` and `_count`, summaries as `{quantile}`, `_sum` and `_count`,
// one `target_info` per resource. What remote write 1.0 cannot carry is dropped and counted, as the Collector does:
// delta temporality and exponential histograms (native histograms need remote write with the feature on).
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

export interface Series {
  labels: Label[];
  samples: Sample[];
  exemplars: PromExemplar[];
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
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let s = this.bySeries.get(key);
    if (!s) this.bySeries.set(key, (s = { labels, samples: [], exemplars: [] }));
    s.samples.push(sample);
    s.exemplars.push(...exemplars);
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
  for (const s of series) s.samples.sort((x, y) => x.timestamp - y.timestamp);
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
  if (m.exponentialHistogram) b.drop('exponential_histogram', m.exponentialHistogram.dataPoints.length);
  else b.drop('empty', 1);
  return 0n;
}
