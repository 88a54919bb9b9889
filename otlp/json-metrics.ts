// OTLP/JSON of ExportMetricsServiceRequest (the points are in json-points.ts).
import type { Metric, Metrics, ResourceMetrics, ScopeMetrics } from '../core/pdata/index.ts';
import { attributesJson, readAttributes, readResource, readScope, resourceJson, scopeJson } from './json-common.ts';
import {
  expPointJson,
  histogramPointJson,
  numberPointJson,
  readExpPoint,
  readHistogramPoint,
  readNumberPoint,
  readSummaryPoint,
  summaryPointJson,
} from './json-points.ts';
import type { Obj } from './json-read.ts';
import { JsonShapeError, bool, element, enumNames, enumValue, list, message, str } from './json-read.ts';
import type { Json } from './json-write.ts';
import { b, l, n, s } from './json-write.ts';

export function metricsJson(md: Metrics): Json {
  return { resourceMetrics: md.resourceMetrics.map(resourceMetricsJson) };
}

function resourceMetricsJson(rm: ResourceMetrics): Json {
  return {
    resource: resourceJson(rm.resource),
    scopeMetrics: rm.scopeMetrics.map(scopeMetricsJson),
    schemaUrl: s(rm.schemaUrl),
  };
}

function scopeMetricsJson(sm: ScopeMetrics): Json {
  return { scope: scopeJson(sm.scope), metrics: sm.metrics.map(metricJson), schemaUrl: s(sm.schemaUrl) };
}

function metricJson(m: Metric): Json {
  const out: Json = { name: s(m.name), description: s(m.description), unit: s(m.unit) };
  if (m.gauge) out.gauge = { dataPoints: l(m.gauge.dataPoints, numberPointJson) };
  else if (m.sum) {
    const { dataPoints, aggregationTemporality, isMonotonic } = m.sum;
    out.sum = {
      dataPoints: l(dataPoints, numberPointJson),
      aggregationTemporality: n(aggregationTemporality),
      isMonotonic: b(isMonotonic),
    };
  } else if (m.histogram) {
    out.histogram = {
      dataPoints: l(m.histogram.dataPoints, histogramPointJson),
      aggregationTemporality: n(m.histogram.aggregationTemporality),
    };
  } else if (m.exponentialHistogram) {
    const { dataPoints, aggregationTemporality } = m.exponentialHistogram;
    out.exponentialHistogram = {
      dataPoints: l(dataPoints, expPointJson),
      aggregationTemporality: n(aggregationTemporality),
    };
  } else if (m.summary) out.summary = { dataPoints: l(m.summary.dataPoints, summaryPointJson) };
  out.metadata = attributesJson(m.metadata);
  return out;
}

const TEMPORALITIES = enumNames('AGGREGATION_TEMPORALITY_', { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 });

export function readMetricsJson(o: Obj): Metrics {
  return { resourceMetrics: list(o, 'resourceMetrics', readResourceMetrics) };
}

const readResourceMetrics = element(
  (o): ResourceMetrics => ({
    resource: message(o, 'resource', readResource),
    scopeMetrics: list(o, 'scopeMetrics', readScopeMetrics),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const readScopeMetrics = element(
  (o): ScopeMetrics => ({
    scope: message(o, 'scope', readScope),
    metrics: list(o, 'metrics', readMetric),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const DATA_KEYS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

const readMetric = element((o): Metric => {
  const m: Metric = {
    name: str(o, 'name'),
    description: str(o, 'description'),
    unit: str(o, 'unit'),
    metadata: readAttributes(o, 'metadata'),
  };
  const present = DATA_KEYS.filter((k) => o[k] !== undefined && o[k] !== null);
  if (present.length > 1) throw new JsonShapeError('', `a metric with more than one of ${present.join(', ')}`);
  switch (present[0]) {
    case 'gauge':
      m.gauge = message(o, 'gauge', (g) => ({ dataPoints: list(g, 'dataPoints', readNumberPoint) }));
      break;
    case 'sum':
      m.sum = message(o, 'sum', (g) => ({
        dataPoints: list(g, 'dataPoints', readNumberPoint),
        aggregationTemporality: enumValue(g, 'aggregationTemporality', TEMPORALITIES),
        isMonotonic: bool(g, 'isMonotonic'),
      }));
      break;
    case 'histogram':
      m.histogram = message(o, 'histogram', (g) => ({
        dataPoints: list(g, 'dataPoints', readHistogramPoint),
        aggregationTemporality: enumValue(g, 'aggregationTemporality', TEMPORALITIES),
      }));
      break;
    case 'exponentialHistogram':
      m.exponentialHistogram = message(o, 'exponentialHistogram', (g) => ({
        dataPoints: list(g, 'dataPoints', readExpPoint),
        aggregationTemporality: enumValue(g, 'aggregationTemporality', TEMPORALITIES),
      }));
      break;
    case 'summary':
      m.summary = message(o, 'summary', (g) => ({ dataPoints: list(g, 'dataPoints', readSummaryPoint) }));
      break;
  }
  return m;
});

/** as_double / as_int of a NumberDataPoint or Exemplar: a oneof, so at most one may be set. */
