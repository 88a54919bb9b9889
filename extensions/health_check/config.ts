import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { parseHostPort } from '../../core/net.ts';

export const DEFAULT_ENDPOINT = 'localhost:13133';
export const DEFAULT_PATH = '/';

export interface HealthCheckConfig {
  /** host:port to listen on. */
  endpoint: string;
  /** The path that answers with the Collector's JSON body; anything else is 404. */
  path: string;
  /** Kubernetes-style liveness probe (`ok`), off when unset. */
  liveness_path?: string;
  /** Kubernetes-style readiness probe (`ready`), off when unset. */
  readiness_path?: string;
}

const probePath = { type: 'string', pattern: '^/' };

export const healthCheckConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_ENDPOINT },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
    liveness_path: probePath,
    readiness_path: probePath,
  },
};

/** One path answers one question: two keys on the same path would leave one of them unreachable. */
export function validateHealthCheckConfig(cfg: HealthCheckConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  try {
    parseHostPort(cfg.endpoint);
  } catch (err) {
    issues.push({ path: ['endpoint'], message: (err as Error).message });
  }
  const { liveness_path: live, readiness_path: ready } = cfg;
  if (live !== undefined && live === cfg.path)
    issues.push({ path: ['liveness_path'], message: `must differ from path (${cfg.path})` });
  if (ready !== undefined && ready === cfg.path)
    issues.push({ path: ['readiness_path'], message: `must differ from path (${cfg.path})` });
  if (live !== undefined && live === ready)
    issues.push({ path: ['readiness_path'], message: `must differ from liveness_path (${live})` });
  return issues;
}
