// A plugin module: its default export is the factory. List this file under `plugins:` in a config.
import { defineProcessor } from 'otelhub';
import { redactConfigSchema, validateRedactConfig } from './config.ts';
import type { RedactConfig } from './config.ts';
import { RedactProcessor } from './redact.ts';

export const redactFactory = defineProcessor<RedactConfig>({
  kind: 'processor',
  type: 'redact',
  stability: 'development',
  description: 'Replaces or removes chosen attributes on every span, data point and log record.',
  configSchema: redactConfigSchema,
  validate: validateRedactConfig,
  mutatesData: true,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  createProcessor: (_settings, config, next) => new RedactProcessor(config, next),
});

export default redactFactory;
