// The `embedded_broker` block: the ingest-only MQTT server devices publish to. Its own keys (listener, TLS, device
// credentials, limits, session file) and the checks on how it combines with the receiver's other keys, most of
// which describe a connection to an external broker and do not apply here.
import type { ConfigIssue, ConfigSchema } from '../../../core/component.ts';
import { parseId } from '../../../core/component.ts';
import { parseHostPort } from '../../../core/net.ts';
import { MAX_TIMER_MS } from '../../../config/duration.ts';
import { tlsServerSchema, validateTlsServer } from '../../../config/blocks/index.ts';
import type { TlsServerConfig } from '../../../config/blocks/index.ts';

export const DEFAULT_EMBEDDED_ENDPOINT = 'localhost:1883';
/**
 * Per device. A device's throughput is at most its window / the export latency (its PUBACKs wait for the export):
 * 10,000, the receiver's own default, lets one device send 100,000 messages/s to a destination answering in 100 ms
 * (at 1,000 one device reached 0.38 of the broker path's rate in BENCH=ingress, at 10,000 0.7-1.1). Memory is
 * bounded across devices by max_inflight_bytes, whatever the windows add up to.
 */
export const DEFAULT_INGRESS_RECEIVE_MAXIMUM = 10_000;
/** Telemetry messages are small; a larger packet is refused from its header, before it is buffered. */
export const DEFAULT_INGRESS_MAX_PACKET_SIZE = 1024 * 1024;
/** Messages taken from all devices and not yet settled: past it, no device is read from until there is room. */
export const DEFAULT_INGRESS_MAX_INFLIGHT_BYTES = 64 * 1024 * 1024;
/** A connection that has not sent its CONNECT by then is closed: a socket that never speaks holds nothing for long. */
export const DEFAULT_INGRESS_CONNECT_TIMEOUT_MS = 10_000;
/** Open device connections; past it a new one is closed at once (Mosquitto's listener key of the same name). */
export const DEFAULT_INGRESS_MAX_CONNECTIONS = 1_000;
/** Relative to the hub's working directory; `mqtt/<name>` receivers get `otelhub-mqtt-sessions-<name>.json`. */
export const DEFAULT_SESSION_FILE = 'otelhub-mqtt-sessions.json';
/** MQTT's variable byte integer tops out at 268,435,455 plus the fixed header. */
const MAX_MQTT_PACKET = 268_435_460;
const MIN_PACKET_SIZE = 128;

export interface EmbeddedBrokerConfig {
  /** `host:port` the server listens on (port 0: any free port). */
  endpoint: string;
  tls?: TlsServerConfig;
  /** Device credentials in mosquitto_passwd's format. */
  password_file?: string;
  /** Unset: true on a loopback endpoint, false otherwise. */
  allow_anonymous?: boolean;
  receive_maximum: number;
  max_packet_size: number;
  max_inflight_bytes: number;
  /** Milliseconds from accepting a connection to its CONNECT (and from CONNECT to its CONNACK). */
  connect_timeout: number;
  /** 0: no cap. */
  max_connections: number;
  session_file?: string;
}

export const embeddedBrokerSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_EMBEDDED_ENDPOINT },
    tls: tlsServerSchema,
    password_file: { type: 'string', minLength: 1, file: 'text' },
    // No default: it follows the endpoint (see anonymousAllowed).
    allow_anonymous: { type: 'boolean' },
    receive_maximum: { type: 'integer', minimum: 1, maximum: 0xffff, default: DEFAULT_INGRESS_RECEIVE_MAXIMUM },
    max_packet_size: {
      type: 'integer',
      minimum: MIN_PACKET_SIZE,
      maximum: MAX_MQTT_PACKET,
      default: DEFAULT_INGRESS_MAX_PACKET_SIZE,
    },
    max_inflight_bytes: { type: 'integer', minimum: 1, default: DEFAULT_INGRESS_MAX_INFLIGHT_BYTES },
    connect_timeout: {
      type: ['string', 'number'],
      duration: true,
      default: `${DEFAULT_INGRESS_CONNECT_TIMEOUT_MS / 1000}s`,
    },
    max_connections: { type: 'integer', minimum: 0, default: DEFAULT_INGRESS_MAX_CONNECTIONS },
    session_file: { type: 'string', minLength: 1 },
  },
};

/** Whether `endpoint`'s host is a loopback address (only this machine can connect). */
export function isLoopback(endpoint: string): boolean {
  const { host } = parseHostPort(endpoint);
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Anonymous devices are accepted when allow_anonymous says so; unset, only on a loopback endpoint (as Mosquitto 2
 * does without a listener configured), so a hub listening on every interface never takes anyone by default.
 */
export function anonymousAllowed(eb: EmbeddedBrokerConfig): boolean {
  return eb.allow_anonymous ?? isLoopback(eb.endpoint);
}

/** The session file: as configured, else one per receiver name in the working directory. */
export function sessionFileFor(eb: EmbeddedBrokerConfig, receiverId: string): string {
  if (eb.session_file !== undefined) return eb.session_file;
  const { name } = parseId(receiverId);
  return name === undefined
    ? DEFAULT_SESSION_FILE
    : DEFAULT_SESSION_FILE.replace(/\.json$/, `-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}.json`);
}

/** Checks of the block itself; paths are relative to the receiver. */
export function embeddedBrokerIssues(eb: EmbeddedBrokerConfig): ConfigIssue[] {
  const at = (key: string, message: string): ConfigIssue => ({ path: ['embedded_broker', key], message });
  const issues: ConfigIssue[] = [];
  let loopback = false;
  try {
    loopback = isLoopback(eb.endpoint);
  } catch (err) {
    issues.push(at('endpoint', (err as Error).message));
  }
  if (!(eb.connect_timeout > 0 && eb.connect_timeout <= MAX_TIMER_MS))
    issues.push(at('connect_timeout', `must be a duration above 0 and up to ${MAX_TIMER_MS}ms`));
  if (eb.tls)
    issues.push(...validateTlsServer(eb.tls).map((i) => ({ ...i, path: ['embedded_broker', 'tls', ...i.path] })));
  const authenticated = eb.password_file !== undefined || eb.tls?.client_ca_file !== undefined;
  if (!loopback && eb.allow_anonymous === undefined && !authenticated && issues.length === 0)
    issues.push(
      at(
        'allow_anonymous',
        `${eb.endpoint} is reachable from other machines and no device could authenticate: set password_file, tls.client_ca_file (mTLS), or allow_anonymous: true to accept any device`,
      ),
    );
  return issues;
}
