// The `mqtt` receiver's config: schema, checks the schema cannot express, and the values derived from it (client
// ID, heartbeat topic, subscription filters). Durations reach the code as milliseconds.
import { hostname } from 'node:os';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { parseId } from '../../core/component.ts';
import { tlsClientSchema, validateTlsClient } from '../../config/blocks/index.ts';
import type { TlsClientConfig } from '../../config/blocks/index.ts';
import { MAX_TIMER_MS } from '../../config/duration.ts';
import { heartbeatTopicFor, topicFilterIssue, topicNameIssue } from './topics.ts';
import { embeddedBrokerIssues, embeddedBrokerSchema } from './ingress/config.ts';
import type { EmbeddedBrokerConfig } from './ingress/config.ts';
import { membershipIssues, membershipSchema } from './membership-config.ts';
import type { MembershipConfig } from './membership-config.ts';

export const DEFAULT_ENDPOINT = 'mqtt://localhost:1883';
/** Everything on the broker (`#` never matches `$SYS/...`): fine on a laptop, too much for production. */
export const DEFAULT_TOPICS: readonly string[] = ['#'];
/**
 * Throughput is at most receive_maximum / export latency (a window is acknowledged once exported). 10,000 drains a
 * backlog at 77-99% of the hub's unbounded rate with a destination answering in 30 to 100 ms (`BENCH=window`; 1,000:
 * 21-46%, 100: 3-8%). A full window of the bench's messages is about 13 MB of heap.
 */
export const DEFAULT_RECEIVE_MAXIMUM = 10_000;
/**
 * 16 MiB: the default window of 10,000 messages up to 1.6 KiB each (the bench's are about 260 bytes). What waits beyond
 * the window is capped lower (READ_AHEAD_BYTES in flow-gate.ts).
 */
export const DEFAULT_MAX_INFLIGHT_BYTES = 16 * 1024 * 1024;
/** 256 KiB: telemetry messages are a few KiB; brokers allow far more (Mosquitto: 256 MiB). */
export const DEFAULT_MAX_PACKET_SIZE = 256 * 1024;
/** The largest packet MQTT can encode: a 4-byte remaining length plus the fixed header. */
export const MAX_MQTT_PACKET_SIZE = 268_435_460;
const MIN_PACKET_SIZE = 64;
export const DEFAULT_HEARTBEAT_PAYLOAD = 'alive';
const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];
const MAX_UINT16 = 0xffff;
const MAX_UINT32 = 0xffffffff;

// The most the config accepts where MQTT sends a two- or four-byte integer, exported so that a front end checking
// values before they become config (drop-in mode) refuses the same ones.
export const MAX_RECEIVE_MAXIMUM = MAX_UINT16;
export const MAX_KEEP_ALIVE_SECS = MAX_UINT16;
export const MAX_SESSION_EXPIRY_SECS = MAX_UINT32;

// The rule `topics` is checked with, and how the heartbeat topic's default follows them, for the same front ends.
export { heartbeatTopicFor, topicFilterIssue };

export interface AuthConfig {
  username?: string;
  password?: string;
  /** Read at every connection attempt, so a rotated password is used without a restart. */
  password_file?: string;
  /** Kubernetes service account token for the `K8S-SAT` enhanced authentication (MQTT 5 only). */
  sat_token_file?: string;
}

export interface HeartbeatConfig {
  enabled: boolean;
  topic?: string;
  /** Milliseconds; default keep_alive. */
  interval?: number;
  payload: string;
}

export interface MqttReceiverConfig {
  /** Unset: DEFAULT_ENDPOINT, or the embedded broker (no default in the schema, so an explicit one can be refused). */
  endpoint?: string;
  topics: string[];
  shared_group?: string;
  qos: 0 | 1;
  /** Unset: 5. Not used with the embedded broker (devices choose). */
  protocol_version?: 4 | 5;
  client_id?: string;
  clean_start: boolean;
  /** Milliseconds (sent in whole seconds). */
  session_expiry: number;
  receive_maximum: number;
  /** Bytes of QoS 1 messages the receiver holds: in the pipelines plus read and waiting for room in the window. */
  max_inflight_bytes: number;
  /** Bytes; advertised as MQTT 5 Maximum Packet Size, larger messages are dropped. */
  max_packet_size: number;
  keep_alive: number;
  connect_timeout: number;
  reconnect: { min: number; max: number };
  retry: { initial_interval: number; max_interval: number };
  auth?: AuthConfig;
  tls?: TlsClientConfig;
  heartbeat: HeartbeatConfig;
  membership: MembershipConfig;
  embedded_broker?: EmbeddedBrokerConfig;
}

const duration = (def: string) => ({ type: ['string', 'number'], duration: true, default: def });
const text = { type: 'string', minLength: 1 };

export const mqttConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // No defaults for endpoint and protocol_version: they follow embedded_broker (see resolveConfig).
    endpoint: text,
    topics: { type: 'array', minItems: 1, items: text, default: [...DEFAULT_TOPICS] },
    shared_group: { type: 'string', minLength: 1, pattern: '^[^/+#]+$' },
    qos: { type: 'integer', enum: [0, 1], default: 1 },
    protocol_version: { type: 'integer', enum: [4, 5] },
    client_id: { type: 'string', minLength: 1, maxLength: MAX_UINT16 },
    clean_start: { type: 'boolean', default: false },
    session_expiry: duration('24h'),
    receive_maximum: { type: 'integer', minimum: 1, maximum: MAX_RECEIVE_MAXIMUM, default: DEFAULT_RECEIVE_MAXIMUM },
    max_inflight_bytes: { type: 'integer', minimum: MIN_PACKET_SIZE, default: DEFAULT_MAX_INFLIGHT_BYTES },
    max_packet_size: {
      type: 'integer',
      minimum: MIN_PACKET_SIZE,
      maximum: MAX_MQTT_PACKET_SIZE,
      default: DEFAULT_MAX_PACKET_SIZE,
    },
    keep_alive: duration('60s'),
    connect_timeout: duration('30s'),
    reconnect: {
      type: 'object',
      additionalProperties: false,
      properties: { min: duration('1s'), max: duration('60s') },
      default: {},
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: { initial_interval: duration('1s'), max_interval: duration('30s') },
      default: {},
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        username: { type: 'string' },
        password: { type: 'string', sensitive: true },
        // Read by validate too (config/file-check.ts); start reads them again on every reconnect.
        password_file: { ...text, file: 'text' },
        sat_token_file: { ...text, file: 'text' },
      },
    },
    tls: tlsClientSchema,
    heartbeat: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: false },
        topic: text,
        interval: { type: ['string', 'number'], duration: true },
        payload: { type: 'string', default: DEFAULT_HEARTBEAT_PAYLOAD },
      },
      default: {},
    },
    membership: membershipSchema,
    embedded_broker: embeddedBrokerSchema,
  },
};

/** The protocol version the receiver speaks to an external broker: as set, else 5. */
export function protocolVersionOf(cfg: MqttReceiverConfig): 4 | 5 {
  return cfg.protocol_version ?? 5;
}

const under = (prefix: string[], issues: ConfigIssue[]): ConfigIssue[] =>
  issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message }));

function endpointIssues(cfg: MqttReceiverConfig): ConfigIssue[] {
  const endpoint = cfg.endpoint ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    // URL refuses a port above 65535 without saying so.
    const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:@]*)(?::(\d+))?(?:\/|$)/i.exec(endpoint)?.[1];
    if (port !== undefined && Number(port) > 65535)
      return [{ path: ['endpoint'], message: `port ${port} is out of range (1-65535)` }];
    return [{ path: ['endpoint'], message: `"${endpoint}" is not a URL such as mqtt://broker:1883` }];
  }
  const issues: ConfigIssue[] = [];
  if (!SCHEMES.includes(url.protocol))
    issues.push({
      path: ['endpoint'],
      message: `scheme must be mqtt://, mqtts://, ws:// or wss://, not ${url.protocol}//`,
    });
  if (url.hostname === '') issues.push({ path: ['endpoint'], message: 'endpoint needs a host' });
  // Credentials in a URL end up in logs; the message must not quote them.
  if (url.username !== '' || url.password !== '')
    issues.push({ path: ['endpoint'], message: 'put credentials in auth, not in the endpoint' });
  const secure = url.protocol === 'mqtts:' || url.protocol === 'wss:';
  if (cfg.tls && !secure) issues.push({ path: ['tls'], message: 'tls needs an mqtts:// or wss:// endpoint' });
  if (cfg.tls?.insecure)
    issues.push({
      path: ['tls', 'insecure'],
      message: 'the endpoint scheme chooses TLS: use mqtt:// or ws:// for plain text',
    });
  return issues;
}

function authIssues(cfg: MqttReceiverConfig): ConfigIssue[] {
  const a = cfg.auth;
  if (!a) return [];
  const issues: ConfigIssue[] = [];
  if (a.password !== undefined && a.password_file !== undefined)
    issues.push({ path: ['auth', 'password_file'], message: 'set either password or password_file, not both' });
  const hasPassword = a.password !== undefined || a.password_file !== undefined;
  // MQTT 3.1.1 allows a password only with a user name; MQTT 5 allows it alone (tokens as passwords).
  if (hasPassword && a.username === undefined && protocolVersionOf(cfg) === 4)
    issues.push({ path: ['auth', 'username'], message: 'MQTT 3.1.1 sends a password only with a username' });
  if (a.sat_token_file !== undefined) {
    if (a.username !== undefined || hasPassword)
      issues.push({
        path: ['auth', 'sat_token_file'],
        message: 'sat_token_file replaces username and password: set one or the other',
      });
    if (protocolVersionOf(cfg) !== 5)
      issues.push({ path: ['auth', 'sat_token_file'], message: 'K8S-SAT authentication needs protocol_version 5' });
  }
  return issues;
}

function rangeIssues(cfg: MqttReceiverConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (path: string[], ok: boolean, message: string) => void (ok || issues.push({ path, message }));
  check(
    ['session_expiry'],
    cfg.session_expiry / 1000 <= MAX_SESSION_EXPIRY_SECS,
    'session_expiry is at most 4294967295s (about 136 years)',
  );
  check(
    ['max_packet_size'],
    cfg.max_packet_size <= cfg.max_inflight_bytes,
    'max_packet_size must be at most max_inflight_bytes (a message that fits could never be let in)',
  );
  check(['keep_alive'], cfg.keep_alive / 1000 <= MAX_KEEP_ALIVE_SECS, 'keep_alive is at most 65535s');
  check(
    ['connect_timeout'],
    cfg.connect_timeout > 0 && cfg.connect_timeout <= MAX_TIMER_MS,
    'connect_timeout must be above 0',
  );
  check(['reconnect', 'min'], cfg.reconnect.min > 0, 'reconnect.min must be above 0');
  check(
    ['reconnect', 'max'],
    cfg.reconnect.max >= cfg.reconnect.min && cfg.reconnect.max <= MAX_TIMER_MS,
    'reconnect.max must be at least reconnect.min',
  );
  check(['retry', 'initial_interval'], cfg.retry.initial_interval > 0, 'retry.initial_interval must be above 0');
  check(
    ['retry', 'max_interval'],
    cfg.retry.max_interval >= cfg.retry.initial_interval && cfg.retry.max_interval <= MAX_TIMER_MS,
    'retry.max_interval must be at least retry.initial_interval',
  );
  return issues;
}

function heartbeatIssues(cfg: MqttReceiverConfig): ConfigIssue[] {
  const hb = cfg.heartbeat;
  if (!hb.enabled) return [];
  const issues: ConfigIssue[] = [];
  const interval = hb.interval ?? cfg.keep_alive;
  if (!(interval > 0 && interval <= MAX_TIMER_MS))
    issues.push({
      path: ['heartbeat', 'interval'],
      message: 'heartbeat.interval must be above 0 (keep_alive 0 leaves it without a default)',
    });
  const topicIssue = hb.topic === undefined ? undefined : topicNameIssue(hb.topic);
  if (topicIssue) issues.push({ path: ['heartbeat', 'topic'], message: topicIssue });
  return issues;
}

/**
 * With the embedded broker the receiver has no client connection: the keys describing one (endpoint, tls, auth,
 * shared_group) are refused rather than silently ignored, and so is a heartbeat (nobody could subscribe to it).
 */
function embeddedIssues(cfg: MqttReceiverConfig): ConfigIssue[] {
  const eb = cfg.embedded_broker;
  if (!eb) return [];
  const issues = embeddedBrokerIssues(eb);
  const refuse = (key: string, message: string) => issues.push({ path: [key], message });
  if (cfg.endpoint !== undefined)
    refuse(
      'endpoint',
      'devices connect to the embedded broker; the receiver makes no connection: remove endpoint, or remove embedded_broker to use an external broker',
    );
  if (cfg.tls !== undefined)
    refuse(
      'tls',
      'the receiver makes no connection with the embedded broker: set embedded_broker.tls to serve TLS to devices',
    );
  if (cfg.auth !== undefined)
    refuse(
      'auth',
      'the receiver makes no connection with the embedded broker: set embedded_broker.password_file for device credentials',
    );
  if (cfg.shared_group !== undefined)
    refuse(
      'shared_group',
      'the embedded broker has no shared subscriptions: remove shared_group, or use a real broker (Mosquitto, EMQX, AIO) to scale out',
    );
  if (cfg.heartbeat.enabled)
    refuse(
      'heartbeat',
      'the embedded broker delivers nothing to subscribers, so nobody could see a heartbeat: remove it',
    );
  return issues;
}

export function validateMqttConfig(cfg: MqttReceiverConfig): ConfigIssue[] {
  const issues = cfg.embedded_broker
    ? [...embeddedIssues(cfg), ...rangeIssues(cfg), ...heartbeatIssues(cfg)]
    : [
        ...endpointIssues(cfg),
        ...authIssues(cfg),
        ...rangeIssues(cfg),
        ...heartbeatIssues(cfg),
        ...membershipIssues(cfg),
      ];
  cfg.topics.forEach((t, i) => {
    const issue = topicFilterIssue(t);
    if (issue) issues.push({ path: ['topics', String(i)], message: issue });
  });
  if (cfg.tls) issues.push(...under(['tls'], validateTlsClient(cfg.tls)));
  return issues;
}

/** The default client ID: stable across restarts of the same host (a StatefulSet pod), one per receiver name. */
export function defaultClientId(receiverId: string, host = hostname()): string {
  const { name } = parseId(receiverId);
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');
  return `otelhub-${clean(host)}${name === undefined ? '' : `-${clean(name)}`}`;
}

/** What the receiver runs with: every derived default filled in. */
export interface ResolvedConfig extends MqttReceiverConfig {
  /** With the embedded broker, its listener (unused by the receiver, which makes no connection then). */
  endpoint: string;
  protocol_version: 4 | 5;
  client_id: string;
  /** Filters as subscribed (`$share/<group>/...` with a shared group). */
  subscriptions: string[];
  heartbeat: HeartbeatConfig & { topic: string; interval: number };
}

export function resolveConfig(cfg: MqttReceiverConfig, receiverId: string): ResolvedConfig {
  const first = cfg.topics[0] ?? '#';
  return {
    ...cfg,
    endpoint: cfg.endpoint ?? (cfg.embedded_broker ? `mqtt://${cfg.embedded_broker.endpoint}` : DEFAULT_ENDPOINT),
    protocol_version: protocolVersionOf(cfg),
    client_id: cfg.client_id ?? defaultClientId(receiverId),
    subscriptions: cfg.topics.map((t) => (cfg.shared_group === undefined ? t : `$share/${cfg.shared_group}/${t}`)),
    heartbeat: {
      ...cfg.heartbeat,
      topic: cfg.heartbeat.topic ?? heartbeatTopicFor(first),
      interval: cfg.heartbeat.interval ?? cfg.keep_alive,
    },
  };
}
