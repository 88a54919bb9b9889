// Metric items of the AIO schema to OTLP metrics, collected across the messages of one consume call into one batch.
// Points of the same name, type and description share one Metric.
import type { ValidateFunction } from 'ajv';
import type {
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  Metric,
  Metrics,
  NumberDataPoint,
  Resource,
} from '../../core/pdata/index.ts';
import { AggregationTemporality, metric } from '../../core/pdata/index.ts';
import type { CounterTemporality } from './config.ts';
import type { CumulativeState } from './cumulative.ts';
import type { MessageContext } from './item-context.ts';
import { itemAttributes, itemTime } from './item-context.ts';
import { bucketCounts, metricType, pointValue } from './metric-types.ts';
import type { MetricType } from './metric-types.ts';
import type { Problem } from './payload-schema.ts';
import { itemProblem } from './payload-schema.ts';

interface MetricItem {
  name: string;
  type: string;
  value: number;
  description?: string;
  timestamp?: unknown;
  attributes?: { key: string; value: string }[];
}

export interface MetricsOptions {
  temporality: CounterTemporality;
  bounds: readonly number[];
  validate: ValidateFunction;
  /** Present when temporality is cumulative. */
  cumulative: CumulativeState | undefined;
}

/** Series identity for cumulative totals; the resource is the same for every item of one processor. */
function seriesKey(item: MetricItem, attrs: readonly KeyValue[]): string {
  const pairs = attrs
    .map((a) => [a.key, 'stringValue' in a.value ? a.value.stringValue : ''])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return JSON.stringify([item.name, item.type, pairs]);
}

export class MetricsBuilder {
  private readonly byIdentity = new Map<string, Metric>();
  private readonly undos: (() => void)[] = [];
  count = 0;

  constructor(private readonly opts: MetricsOptions) {}

  /** Converts item `index` of the message; a Problem when it is refused (nothing is added then). */
  add(item: unknown, index: number, ctx: MessageContext): Problem | undefined {
    const base = `/metrics/${index}`;
    if (!this.opts.validate(item)) return itemProblem(base, this.opts.validate.errors);
    const m = item as MetricItem;
    const type = metricType(m.type);
    if (!type)
      return { reason: 'unknown_metric_type', path: `${base}/type`, message: 'is not a supported metric type' };
    const v = pointValue(type, m.value, ctx.raw.get(`${base}/value`));
    if (!v.ok) return { reason: 'invalid_value', path: `${base}/value`, message: v.message };
    const time = itemTime(m.timestamp, `${base}/timestamp`, ctx);
    if (!time.ok) return time.problem;
    const attributes = itemAttributes(m.attributes, ctx);
    this.place(m, type, v.value, time.value, attributes);
    this.count++;
    return undefined;
  }

  private place(m: MetricItem, type: MetricType, value: number | bigint, time: bigint, attributes: KeyValue[]): void {
    const out = this.metricFor(m, type);
    if (out.histogram) {
      const v = Number(value);
      const p: HistogramDataPoint = {
        attributes,
        startTimeUnixNano: time,
        timeUnixNano: time,
        count: 1,
        bucketCounts: bucketCounts(this.opts.bounds, v),
        explicitBounds: [...this.opts.bounds],
        exemplars: [],
        flags: 0,
        min: v,
        max: v,
      };
      // The OTLP proto: sum should not be filled out when negative values were recorded.
      if (v >= 0) p.sum = v;
      out.histogram.dataPoints.push(p);
      return;
    }
    const p: NumberDataPoint = { attributes, startTimeUnixNano: 0n, timeUnixNano: time, exemplars: [], flags: 0 };
    let emitted = value;
    if (out.sum) {
      if (this.opts.cumulative) {
        const acc = this.opts.cumulative.add(seriesKey(m, attributes), value, time);
        this.undos.push(acc.undo);
        p.startTimeUnixNano = acc.start;
        emitted = acc.total;
      } else {
        // A delta covering the instant of the message: nothing says over which interval the increment happened.
        p.startTimeUnixNano = time;
      }
    }
    if (typeof emitted === 'bigint') p.asInt = emitted;
    else p.asDouble = emitted;
    (out.sum ?? out.gauge)?.dataPoints.push(p);
  }

  private metricFor(m: MetricItem, type: MetricType): Metric {
    const description = m.description ?? '';
    const key = JSON.stringify([m.name, m.type, description]);
    let out = this.byIdentity.get(key);
    if (!out) {
      out = metric({ name: m.name, description });
      if (type.shape === 'gauge') out.gauge = { dataPoints: [] };
      else if (type.shape === 'histogram')
        out.histogram = { dataPoints: [], aggregationTemporality: AggregationTemporality.DELTA };
      else
        out.sum = {
          dataPoints: [],
          isMonotonic: type.monotonic,
          aggregationTemporality:
            this.opts.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
        };
      this.byIdentity.set(key, out);
    }
    return out;
  }

  build(resource: Resource, scope: InstrumentationScope): Metrics {
    return {
      resourceMetrics: [
        { resource, schemaUrl: '', scopeMetrics: [{ scope, schemaUrl: '', metrics: [...this.byIdentity.values()] }] },
      ],
    };
  }

  /** Takes this batch's increments back out of the running totals (downstream refused it). */
  undo(): void {
    for (const u of this.undos) u();
  }
}
