import { defineExporter } from '../../core/component.ts';
import { prwConfigSchema, validatePrwConfig } from './config.ts';
import type { PrwConfig } from './config.ts';

export const prometheusRemoteWriteFactory = defineExporter<PrwConfig>({
  kind: 'exporter',
  type: 'prometheus_remote_write',
  // The name contrib used before v0.154.0 (and the seed 004 config uses): accepted with one warning.
  deprecatedTypes: ['prometheusremotewrite'],
  stability: 'beta',
  description:
    'Sends metrics to Prometheus (and compatible back ends) by remote write 1.0, snappy-compressed protobuf.',
  configSchema: prwConfigSchema,
  validate: validatePrwConfig,
  signals: { metrics: 'metrics' },
  // The logic module is loaded when the component is created: a hub without one never loads it.
  createExporter: async (settings, config) =>
    new (await import('./prometheus-remote-write.ts')).PrometheusRemoteWriteExporter(settings, config),
});
