import { defineExtension } from '../../core/component.ts';
import { consoleConfigSchema, validateConsoleConfig } from './config.ts';
import type { ConsoleConfig } from './config.ts';

export const consoleFactory = defineExtension<ConsoleConfig>({
  kind: 'extension',
  type: 'console',
  stability: 'alpha',
  description:
    'A live web console: pipeline graph, per-component rates, exporter queues, MQTT connections and dropped items with samples.',
  configSchema: consoleConfigSchema,
  validate: validateConsoleConfig,
  // The logic module is loaded when the component is created: a hub without one never loads it.
  createExtension: async (settings, config) => new (await import('./console.ts')).Console(settings, config),
});
