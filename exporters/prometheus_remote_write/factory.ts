import { defineExporter } from '../../core/component.ts';
import { BaseExporter } from '../helper/base-exporter.ts';
import { prwConfigSchema, senderConfig, validatePrwConfig } from './config.ts';
import type { PrwConfig } from './config.ts';
import { RemoteWriteTransport } from './remote-write-transport.ts';

export const prometheusRemoteWriteFactory = defineExporter<PrwConfig>({
  kind: 'exporter',
  type: 'prometheus_remote_write',
  stability: 'beta',
  description:
    'Sends metrics to Prometheus (and compatible back ends) by remote write 1.0, snappy-compressed protobuf.',
  configSchema: prwConfigSchema,
  validate: validatePrwConfig,
  signals: { metrics: 'metrics' },
  createExporter: (settings, config) =>
    new BaseExporter(settings, senderConfig(config), new RemoteWriteTransport(config, settings)),
});
