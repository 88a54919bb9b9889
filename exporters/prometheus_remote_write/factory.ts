import { defineExporter } from '../../core/component.ts';
import { prwConfigSchema, validatePrwConfig } from './config.ts';
import type { PrwConfig } from './config.ts';
import { PrometheusRemoteWriteExporter } from './prometheus-remote-write.ts';

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
  createExporter: (settings, config) => new PrometheusRemoteWriteExporter(settings, config),
});
