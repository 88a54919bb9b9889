// The filter processor's own metrics: the Collector's names (otelcol_processor_filter_{spans,datapoints,logs}
// .filtered) in Prometheus form, plus span events, which the Collector drops uncounted. Labels tell instances and
// pipelines apart.
import type { CounterHandle, Telemetry } from '../../core/telemetry.ts';

export const FILTERED = {
  spans: 'otelcol_processor_filter_spans_filtered_total',
  span_events: 'otelhub_processor_filter_span_events_filtered_total',
  datapoints: 'otelcol_processor_filter_datapoints_filtered_total',
  logs: 'otelcol_processor_filter_logs_filtered_total',
} as const;

export type FilteredKind = keyof typeof FILTERED;

export function filterMetrics(t: Telemetry, processor: string, pipeline: string): Record<FilteredKind, CounterHandle> {
  const labels = { processor, pipeline };
  const handle = (kind: FilteredKind, what: string): CounterHandle =>
    t.bindCounter(
      t.counter({
        name: FILTERED[kind],
        help: `${what} dropped by the filter processor's conditions.`,
        labelNames: ['processor', 'pipeline'],
      }),
      labels,
    );
  return {
    spans: handle('spans', 'Spans'),
    span_events: handle('span_events', 'Span events'),
    datapoints: handle('datapoints', 'Metric data points (a dropped metric counts its points)'),
    logs: handle('logs', 'Log records'),
  };
}
