import { defineProcessor } from '../../core/component.ts';
import { createBatcher } from './metadata-batcher.ts';
import type { BatchConfig } from './config.ts';
import { batchConfigSchema, validateBatchConfig } from './config.ts';

export const batchFactory = defineProcessor<BatchConfig>({
  kind: 'processor',
  type: 'batch',
  stability: 'beta',
  description:
    'Groups spans, metric data points and log records into batches by size and time; ' +
    'a sender is answered only once everything it contributed has been exported.',
  configSchema: batchConfigSchema,
  validate: validateBatchConfig,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: false,
  createProcessor: (settings, config, next) => createBatcher(settings, config, next),
});
