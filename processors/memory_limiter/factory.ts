import { defineProcessor } from '../../core/component.ts';
import type { MemoryLimiterConfig } from './config.ts';
import { memoryLimiterConfigSchema, validateMemoryLimiterConfig } from './config.ts';
import { createMemoryLimiterProcessor } from './memory-limiter.ts';

export const memoryLimiterFactory = defineProcessor<MemoryLimiterConfig>({
  kind: 'processor',
  type: 'memory_limiter',
  stability: 'beta',
  description:
    'Refuses data retryably while the hub uses more memory than its soft limit, so receivers push back ' +
    '(OTLP 503 / UNAVAILABLE, MQTT messages left unacknowledged).',
  configSchema: memoryLimiterConfigSchema,
  validate: validateMemoryLimiterConfig,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: false,
  createProcessor: (settings, config, next) => createMemoryLimiterProcessor(settings, config, next),
});
