import { defineReceiver } from '../../core/component.ts';
import { ComponentError } from '../../core/errors.ts';
import { hostmetricsConfigSchema, validateHostmetricsConfig } from './config.ts';
import type { HostmetricsConfig } from './config.ts';
import { HostmetricsReceiver } from './hostmetrics.ts';

export const hostmetricsFactory = defineReceiver<HostmetricsConfig>({
  kind: 'receiver',
  type: 'hostmetrics',
  stability: 'alpha',
  description: 'CPU, memory and load of the host, and CPU, memory and uptime of the hub process.',
  configSchema: hostmetricsConfigSchema,
  validate: validateHostmetricsConfig,
  signals: { metrics: 'metrics' },
  createReceiver: (settings, config, next) => {
    const consumer = next.byType.metrics;
    if (!consumer) throw new ComponentError(settings.id, 'hostmetrics can only feed metrics pipelines');
    return new HostmetricsReceiver(settings, config, consumer);
  },
});
