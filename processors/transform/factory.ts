import { defineProcessor } from '../../core/component.ts';
import type { TransformConfig } from './config.ts';
import { transformConfigSchema, validateTransformConfig } from './config.ts';
import { TransformProcessor } from './transform.ts';

export const transformFactory = defineProcessor<TransformConfig>({
  kind: 'processor',
  type: 'transform',
  stability: 'alpha',
  description:
    'Changes spans, span events, metrics, data points, log records, resources and scopes with OTTL statements.',
  configSchema: transformConfigSchema,
  validate: validateTransformConfig,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: true,
  createProcessor: (settings, config, next) => new TransformProcessor(settings, config, next),
});
