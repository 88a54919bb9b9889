// A device's CONNECT: protocol checks, credentials, client ID and session, answered with one CONNACK. MQTT 5
// devices are told the limits they must keep (Receive Maximum, Maximum Packet Size, QoS 1 at most, no topic
// aliases, no subscriptions worth making).
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { IConnectPacket } from 'mqtt-packet';
import type { LogFields, Logger } from '../../../core/logger.ts';
import type { Device } from './device.ts';
import type { PasswordFile } from './password-file.ts';
import { connack, RC } from './replies.ts';
import type { Sessions } from './sessions.ts';

export interface ConnectPolicy {
  receiveMaximum: number;
  maxPacketSize: number;
  allowAnonymous: boolean;
  passwords: PasswordFile | undefined;
  sessions: Sessions;
  logger: Logger;
  /** Counts and logs (rate-limited, never the password) a device refused for its credentials. */
  authRefused(reason: string, fields: LogFields): void;
}

/** The reason label of a refused CONNECT: no credentials to check, wrong ones, or an MQTT 5 method we lack. */
const AUTH_REASONS: Readonly<Record<number, string>> = {
  [RC.notAuthorized]: 'missing',
  [RC.badCredentials]: 'invalid',
  [RC.badAuthMethod]: 'unsupported_method',
};

/** MQTT 5's Session Expiry Interval meaning "never". */
const NEVER = 0xffffffff;

/** Who the device is: a user the password file knows, a verified client certificate, or nobody. */
async function authenticate(p: ConnectPolicy, packet: IConnectPacket, socket: Device['socket']): Promise<number> {
  if (packet.properties?.authenticationMethod !== undefined) return RC.badAuthMethod;
  const certified = (socket as Partial<TLSSocket>).authorized === true;
  if (packet.username !== undefined && p.passwords) {
    const ok = await p.passwords.verify(packet.username, packet.password ?? Buffer.alloc(0));
    return ok ? RC.success : RC.badCredentials;
  }
  // A user name nothing can check identifies no one: such a device is as anonymous as one without.
  return certified || p.allowAnonymous ? RC.success : RC.notAuthorized;
}

/** Answers the CONNECT; resolves true when the device is connected. */
export async function acceptConnect(p: ConnectPolicy, device: Device, packet: IConnectPacket): Promise<boolean> {
  const v = device.version;
  const refuse = (code: number, why: string): false => {
    p.logger.info('refused an MQTT device', {
      client_id: packet.clientId,
      reason: why,
      remote: device.socket.remoteAddress,
    });
    device.write(connack(v, code, false));
    return false;
  };
  // The server stores no will: it would go to subscribers, and there are none. QoS 2 is refused as MQTT 5 requires.
  if (v === 5 && (packet.will?.qos ?? 0) > 1) return refuse(RC.qosNotSupported, 'will QoS 2');
  const auth = await authenticate(p, packet, device.socket);
  if (auth !== RC.success) {
    p.authRefused(AUTH_REASONS[auth] ?? 'invalid', { client_id: packet.clientId, remote: device.socket.remoteAddress });
    device.write(connack(v, auth, false));
    return false;
  }
  const clean = packet.clean ?? true;
  let clientId = packet.clientId;
  let assigned: string | undefined;
  if (clientId === '') {
    if (v !== 5 && !clean) return refuse(RC.clientIdInvalid, 'empty client ID with a persistent session');
    clientId = assigned = `otelhub-${randomUUID()}`;
  }
  const requested = v === 5 ? (packet.properties?.sessionExpiryInterval ?? 0) : clean ? 0 : NEVER;
  // A generated ID names a session nobody can come back to.
  const expiry = assigned !== undefined ? 0 : requested === NEVER ? null : requested;
  let opened: Awaited<ReturnType<Sessions['open']>>;
  try {
    opened = await p.sessions.open({ clientId, clean, expiry }, device);
  } catch (err) {
    p.logger.error('cannot write the embedded broker session file; refusing the device', {
      client_id: clientId,
      error: (err as Error).message,
    });
    return refuse(RC.serverUnavailable, 'session file not writable');
  }
  device.session = opened.session;
  device.write(
    connack(v, RC.success, opened.present, {
      receiveMaximum: p.receiveMaximum,
      maximumPacketSize: p.maxPacketSize,
      maximumQoS: 1,
      wildcardSubscriptionAvailable: false,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
      ...(assigned === undefined ? {} : { assignedClientIdentifier: assigned }),
    }),
  );
  p.logger.debug('MQTT device connected', {
    client_id: clientId,
    protocol_version: v,
    session_present: opened.present,
  });
  return true;
}
