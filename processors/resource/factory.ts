import { defineProcessor } from '../../core/component.ts';
import type { ResourceConfig } from './config.ts';
import { resourceConfigSchema, validateResourceConfig } from './config.ts';
import { ResourceProcessor } from './resource.ts';

export const resourceFactory = defineProcessor<ResourceConfig>({
  kind: 'processor',
  type: 'resource',
  stability: 'beta',
  description:
    'Inserts, updates, deletes, hashes, extracts or converts resource attributes of traces, metrics and logs ' +
    '(the Collector contrib resource processor).',
  configSchema: resourceConfigSchema,
  validate: validateResourceConfig,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: true,
  createProcessor: (settings, config, next) => new ResourceProcessor(settings, config, next),
});
