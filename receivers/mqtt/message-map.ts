// A received PUBLISH as a `messages` item. MQTT.js (mqtt-packet) groups repeated user property keys into arrays;
// they are unfolded here so every value is kept.
import type { IPublishPacket } from 'mqtt-packet';
import type { Message, MessageProperties } from '../../core/pdata/messages.ts';

function userProperties(raw: Record<string, string | string[]> | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) {
    for (const value of Array.isArray(v) ? v : [v]) out.push([k, String(value)]);
  }
  return out;
}

function bytes(b: Buffer | string): Uint8Array {
  return typeof b === 'string' ? new TextEncoder().encode(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function toMessage(packet: IPublishPacket, receivedUnixNano: bigint): Message {
  const p = packet.properties ?? {};
  const properties: MessageProperties = { userProperties: userProperties(p.userProperties) };
  if (p.contentType !== undefined) properties.contentType = p.contentType;
  if (p.correlationData !== undefined) properties.correlationData = bytes(p.correlationData);
  if (p.messageExpiryInterval !== undefined) properties.messageExpiryInterval = p.messageExpiryInterval;
  if (p.payloadFormatIndicator !== undefined) properties.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.responseTopic !== undefined) properties.responseTopic = p.responseTopic;
  if (p.subscriptionIdentifier !== undefined) {
    properties.subscriptionIdentifiers = Array.isArray(p.subscriptionIdentifier)
      ? p.subscriptionIdentifier
      : [p.subscriptionIdentifier];
  }
  return {
    topic: packet.topic,
    payload: bytes(packet.payload),
    qos: packet.qos,
    retain: packet.retain,
    dup: packet.dup,
    properties,
    receivedUnixNano,
  };
}
