// The persistent queue's metrics besides the Collector's queue gauges: disk use, corrupt stretches skipped, and
// queued requests dropped because the destination refused them for good.
import type { PipelineType } from '../../core/pdata/index.ts';
import type { CounterHandle, Telemetry } from '../../core/telemetry.ts';
import type { QueueGauges } from './queue-sender.ts';
import { queueGauges } from './queue-sender.ts';

export interface PersistentQueueMetrics extends QueueGauges {
  corrupt: CounterHandle;
  dropped: CounterHandle;
  droppedItems: CounterHandle;
}

export function persistentQueueMetrics(
  telemetry: Telemetry,
  exporter: string,
  signal: PipelineType,
  diskBytes: () => number,
): PersistentQueueMetrics {
  const labelNames = ['exporter', 'data_type'];
  const labels = { exporter, data_type: signal };
  const counter = (name: string, help: string): CounterHandle =>
    telemetry.bindCounter(telemetry.counter({ name, help, labelNames }), labels);
  telemetry.bindGauge(
    telemetry.gauge({
      name: 'otelcol_exporter_queue_disk_bytes',
      help: 'Bytes the persistent sending queue takes on disk.',
      labelNames,
    }),
    labels,
    diskBytes,
  );
  return {
    ...queueGauges(telemetry, exporter, signal),
    corrupt: counter(
      'otelcol_exporter_queue_corrupt_records_total',
      'Torn or corrupt stretches of the persistent queue skipped (each the rest of one segment file).',
    ),
    dropped: counter(
      'otelcol_exporter_queue_dropped_requests_total',
      'Queued requests dropped because the destination refused them as permanent (invalid data).',
    ),
    droppedItems: counter(
      'otelcol_exporter_queue_dropped_items_total',
      'Spans, points or log records in queued requests the destination refused as permanent.',
    ),
  };
}
