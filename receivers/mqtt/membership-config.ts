// `membership`: how replicas in one shared group keep track of each other, so that one leaving (scale-down) or
// vanishing (SIGKILL, node loss) strands nothing in its broker session. See membership.ts for the protocol.
import type { ConfigIssue } from '../../core/component.ts';
import { MAX_TIMER_MS } from '../../config/duration.ts';
import { topicNameIssue } from './topics.ts';

/** Presence is kept, retained, at `<topic>/<shared_group>/<client_id>`. */
export const DEFAULT_MEMBERSHIP_TOPIC = 'otelhub/members';
/**
 * 60 s: longer than a container restart or a rolling update's replacement pod takes to connect again, so a member
 * that comes back resumes its own session; node loss (Kubernetes evicts after 5 minutes) is adopted before then.
 */
export const DEFAULT_ADOPT_AFTER = '60s';
/** A session counts as drained after this long without a message, with nothing in flight. */
export const DEFAULT_DRAIN_IDLE = '2s';

export type LeaveMode = 'auto' | 'always' | 'never';

export interface MembershipConfig {
  /** Unset: on when the receiver has a shared_group and a session that outlives its connection. */
  enabled?: boolean;
  topic: string;
  /** Milliseconds; 0: never adopt. */
  adopt_after: number;
  leave_on_shutdown: LeaveMode;
  /** Milliseconds. */
  drain_idle: number;
}

const duration = (def: string) => ({ type: ['string', 'number'], duration: true, default: def });

export const membershipSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    topic: { type: 'string', minLength: 1, default: DEFAULT_MEMBERSHIP_TOPIC },
    adopt_after: duration(DEFAULT_ADOPT_AFTER),
    leave_on_shutdown: { type: 'string', enum: ['auto', 'always', 'never'], default: 'auto' },
    drain_idle: duration(DEFAULT_DRAIN_IDLE),
  },
  default: {},
};

interface Owner {
  shared_group?: string;
  protocol_version?: 4 | 5;
  clean_start: boolean;
  session_expiry: number;
  embedded_broker?: unknown;
  membership: MembershipConfig;
}

/** Whether membership runs: as set, else with a shared group and sessions that persist. */
export function membershipEnabled(cfg: Owner): boolean {
  if (cfg.embedded_broker) return false;
  const persistent = !cfg.clean_start && cfg.session_expiry > 0;
  const v5 = (cfg.protocol_version ?? 5) === 5;
  return cfg.membership.enabled ?? (cfg.shared_group !== undefined && persistent && v5);
}

export function membershipIssues(cfg: Owner): ConfigIssue[] {
  const m = cfg.membership;
  const issues: ConfigIssue[] = [];
  const at = (key: string, message: string) => issues.push({ path: ['membership', key], message });
  if (m.enabled === true && cfg.shared_group === undefined)
    at('enabled', 'membership needs shared_group: it coordinates the members of one shared subscription');
  if (m.enabled === true && (cfg.clean_start || cfg.session_expiry === 0))
    at('enabled', 'membership needs sessions that outlive a connection: clean_start false and session_expiry above 0');
  if (m.enabled === true && cfg.protocol_version === 4)
    at('enabled', 'membership needs protocol_version 5 (only MQTT 5 can end a session with DISCONNECT)');
  const topicIssue = topicNameIssue(m.topic);
  if (topicIssue) at('topic', topicIssue);
  if (m.adopt_after > MAX_TIMER_MS) at('adopt_after', 'adopt_after is at most 24 days');
  if (!(m.drain_idle > 0 && m.drain_idle <= MAX_TIMER_MS)) at('drain_idle', 'drain_idle must be above 0');
  return issues;
}
