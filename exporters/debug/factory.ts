import { defineExporter } from '../../core/component.ts';
import { debugConfigSchema, validateDebugConfig } from './config.ts';
import type { DebugConfig } from './config.ts';
import { DebugExporter } from './debug.ts';

export const debugFactory = defineExporter<DebugConfig>({
  kind: 'exporter',
  type: 'debug',
  stability: 'development',
  description: 'Prints the telemetry it receives, for trying out and troubleshooting pipelines.',
  configSchema: debugConfigSchema,
  validate: validateDebugConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  createExporter: (settings, config) => new DebugExporter(settings, config),
});
