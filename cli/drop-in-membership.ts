// otelhub's own drop-in variables for scaling out (the Rust exporter had none): the MQTT receiver's `membership`
// block (how replicas of one shared group leave, and adopt the sessions of those that vanished) and the hub's
// `service.shutdown_timeout`, within which a leaving replica drains its session. Each is optional: unset leaves the
// receiver's or the hub's default, so the drop-in YAML carries only what was set. Durations are Go durations, as in
// the YAML (60s, 1m30s, 500ms).
import { MAX_TIMER_MS, parseDuration } from '../config/duration.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT } from '../config/service-schema.ts';

export const LEAVE_ON_SHUTDOWN = ['auto', 'always', 'never'] as const;
export type LeaveOnShutdown = (typeof LEAVE_ON_SHUTDOWN)[number];

/** Each set variable, as the YAML writes it; undefined: unset (the receiver's default). */
export interface DropInMembership {
  enabled?: boolean;
  topic?: string;
  adoptAfter?: string;
  leaveOnShutdown?: LeaveOnShutdown;
  drainIdle?: string;
}

export interface ScaleOutSettings {
  membership: DropInMembership;
  /** service.shutdown_timeout, or undefined for the hub's default. */
  shutdownTimeout: string | undefined;
}

/** What the reader of drop-in-env.ts offers (trimmed values, blank as unset; issues under the variable's name). */
interface Reader {
  get(name: string): string | undefined;
  fail(name: string, message: string): void;
  bool(name: string, def: boolean): boolean;
}

export const MEMBERSHIP_VARS = {
  enabled: 'OTELHUB_MQTT_MEMBERSHIP',
  topic: 'OTELHUB_MQTT_MEMBERSHIP_TOPIC',
  adoptAfter: 'OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER',
  leaveOnShutdown: 'OTELHUB_MQTT_MEMBERSHIP_LEAVE_ON_SHUTDOWN',
  drainIdle: 'OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE',
} as const;
export const SHUTDOWN_TIMEOUT_VAR = 'OTELHUB_SHUTDOWN_TIMEOUT';

/** A Go duration a timer can hold, as written; undefined when unset or invalid (then an issue names it). */
function duration(r: Reader, name: string): { text: string; ms: number } | undefined {
  const raw = r.get(name);
  if (raw === undefined) return undefined;
  try {
    const ms = parseDuration(raw);
    if (ms <= MAX_TIMER_MS) return { text: raw, ms };
    r.fail(name, `${JSON.stringify(raw)} is too long (at most about 24 days)`);
  } catch (err) {
    r.fail(name, `${(err as Error).message}, e.g. 60s or 1m30s`);
  }
  return undefined;
}

export function readScaleOut(r: Reader, sharedGroup: string | undefined): ScaleOutSettings {
  const v = MEMBERSHIP_VARS;
  const membership: DropInMembership = {};
  if (r.get(v.enabled) !== undefined) membership.enabled = r.bool(v.enabled, true);
  const topic = r.get(v.topic);
  if (topic !== undefined) {
    if (/[+#]/.test(topic) || topic.startsWith('$'))
      r.fail(v.topic, `${JSON.stringify(topic)} must be a topic name without wildcards, not starting with $`);
    membership.topic = topic;
  }
  const adoptAfter = duration(r, v.adoptAfter);
  if (adoptAfter) membership.adoptAfter = adoptAfter.text;
  const leave = r.get(v.leaveOnShutdown);
  if (leave !== undefined) {
    const value = leave.toLowerCase();
    if ((LEAVE_ON_SHUTDOWN as readonly string[]).includes(value)) membership.leaveOnShutdown = value as LeaveOnShutdown;
    else r.fail(v.leaveOnShutdown, `${JSON.stringify(leave)} must be auto, always or never`);
  }
  const drainIdle = duration(r, v.drainIdle);
  if (drainIdle) membership.drainIdle = drainIdle.text;
  const shutdown = duration(r, SHUTDOWN_TIMEOUT_VAR);
  const set = Object.keys(membership);
  if (set.length > 0 && sharedGroup === undefined) {
    const names = set.map((k) => v[k as keyof typeof v]).join(', ');
    r.fail(v.enabled, `${names} need a shared group: MQTT_SHARED_SUBSCRIPTION is blank (no shared subscription)`);
  }
  // A leaving replica drains until its session has been idle for drain_idle, within the shutdown timeout.
  const shutdownMs = shutdown?.ms ?? parseDuration(DEFAULT_SHUTDOWN_TIMEOUT);
  if (drainIdle && drainIdle.ms >= shutdownMs) {
    r.fail(
      v.drainIdle,
      `${drainIdle.text} must be shorter than the shutdown timeout (${shutdown?.text ?? `${DEFAULT_SHUTDOWN_TIMEOUT}, the default`}; ${SHUTDOWN_TIMEOUT_VAR}): a leaving replica drains within it`,
    );
  }
  return { membership, shutdownTimeout: shutdown?.text };
}
