import { defineExtension } from '../../core/component.ts';
import { healthCheckConfigSchema, validateHealthCheckConfig } from './config.ts';
import type { HealthCheckConfig } from './config.ts';
import { HealthCheck } from './health-check.ts';

export const healthCheckFactory = defineExtension<HealthCheckConfig>({
  kind: 'extension',
  type: 'health_check',
  stability: 'beta',
  description:
    'HTTP health endpoint: 200 while all pipelines are up, 503 otherwise; optional liveness and readiness probes.',
  configSchema: healthCheckConfigSchema,
  validate: validateHealthCheckConfig,
  createExtension: (settings, config) => new HealthCheck(settings, config),
});
