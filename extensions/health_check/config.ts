import type { ConfigSchema } from '../../core/component.ts';

export const DEFAULT_ENDPOINT = 'localhost:13133';
export const DEFAULT_PATH = '/';

export interface HealthCheckConfig {
  /** host:port to listen on. */
  endpoint: string;
  /** The path that answers; anything else is 404. */
  path: string;
}

export const healthCheckConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_ENDPOINT },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
  },
};
