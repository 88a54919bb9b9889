import { defineExporter } from '../../core/component.ts';
import { BaseExporter } from '../helper/base-exporter.ts';
import { otlpHttpConfigSchema, validateOtlpHttpConfig } from './config.ts';
import type { OtlpHttpConfig } from './config.ts';
import { HttpTransport } from './http-transport.ts';

export const otlpHttpFactory = defineExporter<OtlpHttpConfig>({
  kind: 'exporter',
  type: 'otlp_http',
  // The Collector's name until v0.144.0.
  deprecatedTypes: ['otlphttp'],
  stability: 'beta',
  description: 'Sends traces, metrics and logs over OTLP/HTTP (protobuf or JSON).',
  configSchema: otlpHttpConfigSchema,
  validate: validateOtlpHttpConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  createExporter: (settings, config) => new BaseExporter(settings, config, new HttpTransport(config)),
});
