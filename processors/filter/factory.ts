import { defineProcessor } from '../../core/component.ts';
import type { FilterConfig } from './config.ts';
import { filterConfigSchema, validateFilterConfig } from './config.ts';
import { FilterProcessor } from './filter.ts';

export const filterFactory = defineProcessor<FilterConfig>({
  kind: 'processor',
  type: 'filter',
  stability: 'alpha',
  description:
    'Drops spans, span events, metrics, data points and log records that OTTL conditions match; ' +
    'resources and scopes left empty go with them.',
  configSchema: filterConfigSchema,
  validate: validateFilterConfig,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: false,
  createProcessor: (settings, config, next) => new FilterProcessor(settings, config, next),
});
