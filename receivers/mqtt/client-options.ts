// The MQTT.js options for the receiver's connection: protocol, session, flow control, TLS and credentials. The
// credentials are read again before every connection attempt, so a rotated password file or service account
// token is picked up by the next reconnect. Nothing here logs or throws a password or a token.
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { loadClientTls } from '../../config/blocks/index.ts';
import type { ResolvedConfig } from './config.ts';
import { satConnectProperties } from './sat-auth.ts';

/** What changes between connection attempts. */
export interface Credentials {
  username?: string;
  password?: Buffer;
  authenticationMethod?: string;
  authenticationData?: Buffer;
}

export function isSecure(endpoint: string): boolean {
  const scheme = new URL(endpoint).protocol;
  return scheme === 'mqtts:' || scheme === 'wss:';
}

async function readPasswordFile(path: string): Promise<Buffer> {
  try {
    // A trailing newline is what editors and `echo` add, never part of the password.
    return Buffer.from((await readFile(path, 'utf8')).replace(/\r?\n$/, ''));
  } catch (err) {
    throw new Error(
      `auth: cannot read password_file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`,
      { cause: err },
    );
  }
}

/** Reads the password file or the SAT token now; rejects naming the file (never quoting it). */
export async function loadCredentials(cfg: ResolvedConfig): Promise<Credentials> {
  const a = cfg.auth;
  if (!a) return {};
  if (a.sat_token_file !== undefined) return satConnectProperties(a.sat_token_file);
  const out: Credentials = {};
  if (a.username !== undefined) out.username = a.username;
  if (a.password !== undefined) out.password = Buffer.from(a.password);
  if (a.password_file !== undefined) out.password = await readPasswordFile(a.password_file);
  return out;
}

/** Puts freshly read credentials into the options MQTT.js builds its next CONNECT from. */
export function applyCredentials(opts: IClientOptions, c: Credentials): void {
  opts.username = c.username;
  opts.password = c.password;
  if (opts.properties && c.authenticationMethod !== undefined) {
    opts.properties.authenticationMethod = c.authenticationMethod;
    opts.properties.authenticationData = c.authenticationData;
  }
}

/** DEBUG=mqttjs* asks for MQTT.js's own trace (its `debug` logger); otherwise it gets a logger that does nothing. */
const mqttTraceWanted = (): boolean => /(^|[,\s])mqttjs/.test(process.env.DEBUG ?? '');

/** Options for mqtt.connect; reads the TLS files and credentials (rejects naming the file that failed). */
export async function clientOptions(cfg: ResolvedConfig): Promise<IClientOptions> {
  const v5 = cfg.protocol_version === 5;
  const opts: IClientOptions = {
    protocolVersion: cfg.protocol_version,
    clientId: cfg.client_id,
    clean: cfg.clean_start,
    keepalive: Math.floor(cfg.keep_alive / 1000),
    connectTimeout: cfg.connect_timeout,
    // Reconnecting is done by the receiver, with backoff; MQTT.js only knows a fixed period.
    reconnectPeriod: 0,
    manualConnect: true,
    // The receiver subscribes on every connection itself (MQTT.js resubscribes only with its own reconnect).
    resubscribe: false,
    // Nothing is published while offline: a stale heartbeat is worthless.
    queueQoSZero: false,
    // Otherwise MQTT-Packet builds a cache of all 65,536 packet identifiers as 2-byte Buffers on the first packet it
    // writes: 7 MB of heap and 65,536 objects that every full garbage collection marks again while draining, to
    // save one 2-byte write per PUBACK. (A process-wide switch: see ingress/replies.ts.)
    writeCache: false,
  };
  // MQTT.js traces every packet through the `debug` package, whose disabled logger still builds an array of its
  // arguments per call (a few percent of the hub's allocations while draining).
  if (!mqttTraceWanted()) opts.log = () => {};
  // No topicAliasMaximum: without it the broker may not alias topics, so every PUBLISH carries its topic.
  if (v5)
    opts.properties = {
      sessionExpiryInterval: Math.floor(cfg.session_expiry / 1000),
      receiveMaximum: cfg.receive_maximum,
      // The broker must not send what the receiver would drop (larger ones that come anyway: flow-gate.ts).
      maximumPacketSize: cfg.max_packet_size,
    };
  if (isSecure(cfg.endpoint)) {
    const tls = await loadClientTls(cfg.tls ?? { insecure: false, insecure_skip_verify: false, min_version: '1.2' });
    // mqtts hands these to tls.connect; wss to the WebSocket's https request (MQTT.js copies only some of them).
    Object.assign(opts, tls);
    // ws passes them on to tls.connect unchanged; its typings describe checkServerIdentity differently from Node.
    opts.wsOptions = { ...tls } as unknown as IClientOptions['wsOptions'];
  }
  applyCredentials(opts, await loadCredentials(cfg));
  return opts;
}
