// The packets the server writes, built for the device's protocol version: MQTT 3.1.1 has return codes where MQTT 5
// has reason codes, and no properties.
import { generate, writeToStream } from 'mqtt-packet';
import type { IConnackPacket, Packet } from 'mqtt-packet';

// The server writes packets too: without this, its first packet builds MQTT-Packet's cache of every packet
// identifier (see client-options.ts, writeCache), whichever of the two writes first.
writeToStream.cacheNumbers = false;

export type Version = 3 | 4 | 5;

/** MQTT 5 reason codes used here, with the 3.1.1 CONNACK return code closest to each CONNACK refusal. */
export const RC = {
  success: 0x00,
  noMatchingSubscribers: 0x10,
  unspecified: 0x80,
  malformed: 0x81,
  protocolError: 0x82,
  implementationSpecific: 0x83,
  unsupportedVersion: 0x84,
  clientIdInvalid: 0x85,
  badCredentials: 0x86,
  notAuthorized: 0x87,
  serverUnavailable: 0x88,
  shuttingDown: 0x8b,
  badAuthMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  takenOver: 0x8e,
  topicNameInvalid: 0x90,
  receiveMaximumExceeded: 0x93,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  qosNotSupported: 0x9b,
} as const;

const V4_CONNACK: Partial<Record<number, number>> = {
  [RC.unsupportedVersion]: 1,
  [RC.clientIdInvalid]: 2,
  [RC.serverUnavailable]: 3,
  [RC.badCredentials]: 4,
  [RC.notAuthorized]: 5,
};

export function encode(packet: Packet, version: Version): Buffer {
  return generate(packet, { protocolVersion: version });
}

export function connack(
  version: Version,
  reasonCode: number,
  sessionPresent: boolean,
  properties?: IConnackPacket['properties'],
): Buffer {
  if (version === 5) return encode({ cmd: 'connack', reasonCode, sessionPresent, properties }, 5);
  const returnCode = reasonCode === 0 ? 0 : (V4_CONNACK[reasonCode] ?? 3);
  return encode({ cmd: 'connack', returnCode, sessionPresent: returnCode === 0 && sessionPresent }, version);
}

/** MQTT 5 only: 3.1.1 has no DISCONNECT from the server (the connection is just closed). */
export function disconnect(reasonCode: number, reasonString?: string): Buffer {
  return encode({ cmd: 'disconnect', reasonCode, properties: reasonString ? { reasonString } : undefined }, 5);
}

/**
 * SUBACK refusing every filter, or UNSUBACK. This server delivers nothing: 0x83 is MQTT 5's "valid, but not
 * accepted", 0x80 3.1.1's failure. A grant would leave a device waiting for messages that never come.
 */
export function subscriptionReply(packet: Packet, version: Version): Buffer | undefined {
  const v5 = version === 5;
  if (packet.cmd === 'unsubscribe') {
    const granted = v5 ? packet.unsubscriptions.map(() => 0x11) : []; // No subscription existed
    return encode({ cmd: 'unsuback', messageId: packet.messageId ?? 0, granted }, version);
  }
  if (packet.cmd !== 'subscribe') return undefined;
  const granted = packet.subscriptions.map(() => (v5 ? RC.implementationSpecific : 0x80));
  const properties = v5
    ? { reasonString: 'otelhub takes messages in only: subscriptions are not supported' }
    : undefined;
  return encode({ cmd: 'suback', messageId: packet.messageId, granted, properties }, version);
}
