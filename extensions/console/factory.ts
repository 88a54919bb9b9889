import { defineExtension } from '../../core/component.ts';
import { consoleConfigSchema, validateConsoleConfig } from './config.ts';
import type { ConsoleConfig } from './config.ts';
import { Console } from './console.ts';

export const consoleFactory = defineExtension<ConsoleConfig>({
  kind: 'extension',
  type: 'console',
  stability: 'alpha',
  description:
    'A live web console: pipeline graph, per-component rates, exporter queues, MQTT connections and dropped items with samples.',
  configSchema: consoleConfigSchema,
  validate: validateConsoleConfig,
  createExtension: (settings, config) => new Console(settings, config),
});
