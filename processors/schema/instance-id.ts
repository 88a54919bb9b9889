// Cumulative totals are per hub replica (cumulative.ts). Two replicas in one MQTT shared subscription each see part
// of a device's increments and keep a total of their own; with the same resource, their points would be one series
// to a backend, jumping between two totals. A resource attribute that tells replicas apart makes them two series,
// which a backend sums. service.instance.id is the semantic conventions' attribute for exactly that.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SchemaConfig } from './config.ts';

export const INSTANCE_ID_KEY = 'service.instance.id';

export interface ResolvedResource {
  attributes: Record<string, string | number | boolean>;
  /** The service.instance.id added and why (for a startup log line), or undefined when none was added. */
  added: { value: string; from: string } | undefined;
}

/**
 * `resource_attributes`, plus service.instance.id when counters are cumulative, `default_instance_id` is
 * `host_name` and the user set none: the host name (the pod name in Kubernetes, which a StatefulSet keeps across
 * restarts and from which the drop-in client ID mqtt-otel-<HOSTNAME> is made), or a random UUID when the host has no
 * name. Logs get it too, so one hub's metrics and logs share a resource.
 */
export function resolveResource(
  config: Pick<SchemaConfig, 'counter_temporality' | 'default_instance_id' | 'resource_attributes'>,
  host: () => string = hostname,
): ResolvedResource {
  const attributes = { ...config.resource_attributes };
  if (
    config.counter_temporality !== 'cumulative' ||
    config.default_instance_id !== 'host_name' ||
    INSTANCE_ID_KEY in attributes
  )
    return { attributes, added: undefined };
  const name = host().trim();
  const added = name !== '' ? { value: name, from: 'the host name' } : { value: randomUUID(), from: 'a random UUID' };
  attributes[INSTANCE_ID_KEY] = added.value;
  return { attributes, added };
}
