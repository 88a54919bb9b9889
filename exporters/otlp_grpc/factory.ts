import { defineExporter } from '../../core/component.ts';
import { BaseExporter } from '../helper/base-exporter.ts';
import { otlpConfigSchema, validateOtlpConfig } from './config.ts';
import type { OtlpConfig } from './config.ts';

export const otlpFactory = defineExporter<OtlpConfig>({
  kind: 'exporter',
  type: 'otlp_grpc',
  // The Collector's name until v0.144.0 (the receiver keeps `otlp`: only the exporter was renamed).
  deprecatedTypes: ['otlp'],
  stability: 'beta',
  description: 'Sends traces, metrics and logs over OTLP/gRPC.',
  configSchema: otlpConfigSchema,
  validate: validateOtlpConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  // grpc-js (with its dependencies over a hundred modules) is loaded only by a hub that has this exporter.
  createExporter: async (settings, config) =>
    new BaseExporter(settings, config, new (await import('./grpc-transport.ts')).GrpcTransport(config)),
});
