// metrics.proto: ExportMetricsServiceRequest's resource_metrics down to Metric and its data (the points are in
// proto-points.ts and proto-histograms.ts).
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  KeyValue,
  Metric,
  Metrics,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../core/pdata/index.ts';
import { readKeyValue, readResource, readScope, writeKeyValues, writeResource, writeScope } from './proto-common.ts';
import { readNumberPoint, readSummaryPoint, writeNumberPoint, writeSummaryPoint } from './proto-points.ts';
import {
  readExpHistogramPoint,
  readHistogramPoint,
  writeExpHistogramPoint,
  writeHistogramPoint,
} from './proto-histograms.ts';
import { METRIC, METRIC_DATA, REQUEST_RESOURCES, RESOURCE_X, SCOPE_X } from './proto-schema.ts';
import type { Reader } from './proto-read.ts';
import { enter, leave, readBool, readEnum, readString, readTag, skipField } from './proto-read.ts';
import type { Writer } from './proto-write.ts';
import { open, writeBool, writeEnum, writeString } from './proto-write.ts';

export function writeMetrics(w: Writer, md: Metrics): void {
  for (const rm of md.resourceMetrics) {
    open(w, REQUEST_RESOURCES);
    writeResource(w, RESOURCE_X.resource, rm.resource);
    for (const sm of rm.scopeMetrics) {
      open(w, RESOURCE_X.scopeX);
      writeScope(w, SCOPE_X.scope, sm.scope);
      for (const m of sm.metrics) writeMetric(w, m);
      writeString(w, SCOPE_X.schemaUrl, sm.schemaUrl);
      w.ldelim();
    }
    writeString(w, RESOURCE_X.schemaUrl, rm.schemaUrl);
    w.ldelim();
  }
}

function writeMetric(w: Writer, m: Metric): void {
  open(w, SCOPE_X.items);
  writeString(w, METRIC.name, m.name);
  writeString(w, METRIC.description, m.description);
  writeString(w, METRIC.unit, m.unit);
  const points = METRIC_DATA.dataPoints;
  if (m.gauge) {
    open(w, METRIC.gauge);
    for (const p of m.gauge.dataPoints) writeNumberPoint(w, points, p);
  } else if (m.sum) {
    open(w, METRIC.sum);
    for (const p of m.sum.dataPoints) writeNumberPoint(w, points, p);
    writeEnum(w, METRIC_DATA.aggregationTemporality, m.sum.aggregationTemporality);
    writeBool(w, METRIC_DATA.isMonotonic, m.sum.isMonotonic);
  } else if (m.histogram) {
    open(w, METRIC.histogram);
    for (const p of m.histogram.dataPoints) writeHistogramPoint(w, points, p);
    writeEnum(w, METRIC_DATA.aggregationTemporality, m.histogram.aggregationTemporality);
  } else if (m.exponentialHistogram) {
    open(w, METRIC.exponentialHistogram);
    for (const p of m.exponentialHistogram.dataPoints) writeExpHistogramPoint(w, points, p);
    writeEnum(w, METRIC_DATA.aggregationTemporality, m.exponentialHistogram.aggregationTemporality);
  } else if (m.summary) {
    open(w, METRIC.summary);
    for (const p of m.summary.dataPoints) writeSummaryPoint(w, points, p);
  }
  if (m.gauge || m.sum || m.histogram || m.exponentialHistogram || m.summary) w.ldelim();
  writeKeyValues(w, METRIC.metadata, m.metadata);
  w.ldelim();
}

export function readMetrics(r: Reader): Metrics {
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < r.len) {
    const t = readTag(r);
    if (t >>> 3 === REQUEST_RESOURCES) resourceMetrics.push(readResourceMetrics(r, t));
    else skipField(r, t);
  }
  return { resourceMetrics };
}

function readResourceMetrics(r: Reader, tag: number): ResourceMetrics {
  const outer = enter(r, tag);
  const rm: ResourceMetrics = {
    resource: { attributes: [], droppedAttributesCount: 0 },
    scopeMetrics: [],
    schemaUrl: '',
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case RESOURCE_X.resource:
        rm.resource = readResource(r, t);
        break;
      case RESOURCE_X.scopeX:
        rm.scopeMetrics.push(readScopeMetrics(r, t));
        break;
      case RESOURCE_X.schemaUrl:
        rm.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return rm;
}

function readScopeMetrics(r: Reader, tag: number): ScopeMetrics {
  const outer = enter(r, tag);
  const sm: ScopeMetrics = {
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    metrics: [],
    schemaUrl: '',
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SCOPE_X.scope:
        sm.scope = readScope(r, t);
        break;
      case SCOPE_X.items:
        sm.metrics.push(readMetric(r, t));
        break;
      case SCOPE_X.schemaUrl:
        sm.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return sm;
}

/** The metric's data as read: Gauge, Sum, Histogram, ExponentialHistogram and Summary share one layout. */
interface MetricData<P> {
  field: number;
  dataPoints: P[];
  aggregationTemporality: number;
  isMonotonic: boolean;
}

function readMetric(r: Reader, tag: number): Metric {
  const outer = enter(r, tag);
  let name = '';
  let description = '';
  let unit = '';
  const metadata: KeyValue[] = [];
  // A oneof: the last data member on the wire wins.
  let data: MetricData<unknown> | undefined;
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case METRIC.name:
        name = readString(r, t);
        break;
      case METRIC.description:
        description = readString(r, t);
        break;
      case METRIC.unit:
        unit = readString(r, t);
        break;
      case METRIC.gauge:
        data = readMetricData(r, t, readNumberPoint, 1);
        break;
      case METRIC.sum:
        data = readMetricData(r, t, readNumberPoint, 3);
        break;
      case METRIC.histogram:
        data = readMetricData(r, t, readHistogramPoint, 2);
        break;
      case METRIC.exponentialHistogram:
        data = readMetricData(r, t, readExpHistogramPoint, 2);
        break;
      case METRIC.summary:
        data = readMetricData(r, t, readSummaryPoint, 1);
        break;
      case METRIC.metadata:
        metadata.push(readKeyValue(r, t));
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  const m: Metric = { name, description, unit, metadata };
  if (data) setMetricData(m, data);
  return m;
}

function setMetricData(m: Metric, d: MetricData<unknown>): void {
  switch (d.field) {
    case METRIC.gauge:
      m.gauge = { dataPoints: d.dataPoints as NumberDataPoint[] };
      break;
    case METRIC.sum:
      m.sum = {
        dataPoints: d.dataPoints as NumberDataPoint[],
        aggregationTemporality: d.aggregationTemporality,
        isMonotonic: d.isMonotonic,
      };
      break;
    case METRIC.histogram:
      m.histogram = {
        dataPoints: d.dataPoints as HistogramDataPoint[],
        aggregationTemporality: d.aggregationTemporality,
      };
      break;
    case METRIC.exponentialHistogram:
      m.exponentialHistogram = {
        dataPoints: d.dataPoints as ExponentialHistogramDataPoint[],
        aggregationTemporality: d.aggregationTemporality,
      };
      break;
    case METRIC.summary:
      m.summary = { dataPoints: d.dataPoints as SummaryDataPoint[] };
      break;
  }
}

/**
 * `fields` is how many of the shared fields the type has (data_points; aggregation_temporality; is_monotonic), so
 * that a number the type does not define is skipped as unknown rather than read.
 */
function readMetricData<P>(
  r: Reader,
  tag: number,
  readPoint: (r: Reader, tag: number) => P,
  fields: 1 | 2 | 3,
): MetricData<P> {
  const outer = enter(r, tag);
  const d: MetricData<P> = { field: tag >>> 3, dataPoints: [], aggregationTemporality: 0, isMonotonic: false };
  while (r.pos < r.len) {
    const t = readTag(r);
    const f = t >>> 3;
    if (f === METRIC_DATA.dataPoints) d.dataPoints.push(readPoint(r, t));
    else if (f === METRIC_DATA.aggregationTemporality && fields >= 2) d.aggregationTemporality = readEnum(r, t);
    else if (f === METRIC_DATA.isMonotonic && fields === 3) d.isMonotonic = readBool(r, t);
    else skipField(r, t);
  }
  leave(r, outer);
  return d;
}
