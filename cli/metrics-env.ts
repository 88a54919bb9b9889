// otelhub's own metrics, where otelhub writes the config itself (the embedded default config, drop-in mode): one
// pull reader on OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT, the two keys of the Collector's `readers` (the
// container image sets 0.0.0.0 and 8888). OTELHUB_METRICS_ADDRESS, one host:port, is what the image, the Helm chart
// and these configs used while they set the `address` the Collector removed: a user who set it keeps what it did,
// in place of both, with a warning.
import type { LocatedIssue } from '../config/issues.ts';
import { parseHostPort } from '../core/net.ts';
import type { HostPort } from '../core/net.ts';

export const METRICS_HOST_VAR = 'OTELHUB_METRICS_HOST';
export const METRICS_PORT_VAR = 'OTELHUB_METRICS_PORT';
export const METRICS_ADDRESS_VAR = 'OTELHUB_METRICS_ADDRESS';
export const METRICS_ADDRESS_DEPRECATED = `${METRICS_ADDRESS_VAR} is deprecated: set ${METRICS_HOST_VAR} and ${METRICS_PORT_VAR} (it is used in place of both)`;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What OTELHUB_METRICS_ADDRESS says: undefined when unset or blank (a Helm chart renders an unset value as ""), the
 * host and port, or an issue when it is not host:port.
 */
export function metricsAddressOf(env: Env): HostPort | LocatedIssue | undefined {
  const raw = env[METRICS_ADDRESS_VAR]?.trim();
  if (raw === undefined || raw === '') return undefined;
  try {
    return parseHostPort(raw);
  } catch {
    const shown = JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);
    return { path: [METRICS_ADDRESS_VAR], message: `${shown} must be host:port, e.g. 0.0.0.0:8888` };
  }
}

/**
 * The environment the embedded default config is expanded with: OTELHUB_METRICS_ADDRESS, when set, gives
 * OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT (over the image's values for them), and one warning.
 */
export function defaultConfigEnv(env: Env): { env: Env; warning?: string } | LocatedIssue {
  const a = metricsAddressOf(env);
  if (a === undefined) return { env };
  if ('message' in a) return a;
  return {
    env: { ...env, [METRICS_HOST_VAR]: a.host, [METRICS_PORT_VAR]: String(a.port) },
    warning: METRICS_ADDRESS_DEPRECATED,
  };
}
