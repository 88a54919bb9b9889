import { defineExtension } from '../../core/component.ts';
import { healthCheckConfigSchema } from './config.ts';
import type { HealthCheckConfig } from './config.ts';
import { HealthCheck } from './health-check.ts';

export const healthCheckFactory = defineExtension<HealthCheckConfig>({
  kind: 'extension',
  type: 'health_check',
  stability: 'beta',
  description: 'HTTP health endpoint: 200 while all pipelines are up, 503 otherwise.',
  configSchema: healthCheckConfigSchema,
  createExtension: (settings, config) => new HealthCheck(settings, config),
});
