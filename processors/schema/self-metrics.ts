// The processor's own metrics. Shared by every instance (the telemetry registry registers each name once); the
// labels tell instances and pipelines apart. What is counted per batch goes through handles bound once.
import type { Telemetry } from '../../core/telemetry.ts';

export const DROPPED = 'otelhub_processor_schema_dropped_total';
export const CONVERTED = 'otelhub_processor_schema_converted_total';
export const EVICTED = 'otelhub_processor_schema_series_evicted_total';
export const SERIES = 'otelhub_processor_schema_cumulative_series';

export function schemaMetrics(t: Telemetry, processor: string, pipeline: string, signal: string) {
  const labels = { processor, pipeline };
  const series = t.gauge({
    name: SERIES,
    help: 'Cumulative series whose running totals the processor holds.',
    labelNames: ['processor', 'pipeline'],
  });
  const series$ = t.bindGauge(series, labels);
  return {
    labels,
    dropped: t.counter({
      name: DROPPED,
      help: 'Items dropped as invalid, by reason; a message that cannot be read at all counts as one.',
      labelNames: ['processor', 'pipeline', 'reason'],
    }),
    converted: t.bindCounter(
      t.counter({
        name: CONVERTED,
        help: 'Metric data points and log records converted from messages.',
        labelNames: ['processor', 'pipeline', 'signal'],
      }),
      { ...labels, signal },
    ),
    evicted: t.counter({
      name: EVICTED,
      help: 'Cumulative series evicted because max_series was reached.',
      labelNames: ['processor', 'pipeline'],
    }),
    gaugeSeries(n: number | undefined): void {
      if (n !== undefined) series$.set(n);
    },
  };
}
