import { defineExporter } from '../../core/component.ts';
import { debugConfigSchema, validateDebugConfig } from './config.ts';
import type { DebugConfig } from './config.ts';

export const debugFactory = defineExporter<DebugConfig>({
  kind: 'exporter',
  type: 'debug',
  stability: 'development',
  description: 'Prints the telemetry it receives, for trying out and troubleshooting pipelines.',
  configSchema: debugConfigSchema,
  validate: validateDebugConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  // The logic module is loaded when the component is created: a hub without one never loads it.
  createExporter: async (settings, config) => new (await import('./debug.ts')).DebugExporter(settings, config),
});
