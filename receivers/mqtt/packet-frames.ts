// Just enough of MQTT's wire format to cut a byte stream into packets and read a PUBLISH's QoS, topic and packet ID
// without decoding it: the flow gate forwards the bytes it read unchanged, so MQTT.js still does the real parsing.
export const PUBLISH = 3;
export const PINGREQ = Buffer.from([0xc0, 0x00]);

export interface FixedHeader {
  /** Packet type (the high nibble of the first byte). */
  type: number;
  /** Bytes of the fixed header (type byte and remaining length). */
  headerLength: number;
  /** The whole packet, fixed header included: what MQTT 5's Maximum Packet Size limits. */
  total: number;
}

/** The fixed header of the packet at `off`, or undefined while it is incomplete; throws on a malformed length. */
export function fixedHeader(buf: Buffer, off: number): FixedHeader | undefined {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    const b = buf[off + i];
    if (b === undefined) return undefined;
    remaining += (b & 0x7f) * 128 ** (i - 1);
    if ((b & 0x80) === 0) return { type: (buf[off] ?? 0) >> 4, headerLength: 1 + i, total: 1 + i + remaining };
  }
  throw new Error('malformed MQTT packet: remaining length longer than 4 bytes');
}

export const publishQos = (firstByte: number): number => (firstByte >> 1) & 3;

/** Bytes from the packet's start up to and including the packet ID (the topic length must be readable). */
export function publishPrefixLength(buf: Buffer, off: number, h: FixedHeader): number | undefined {
  const at = off + h.headerLength;
  if (buf.length < at + 2) return undefined;
  const qos = publishQos(buf[off] ?? 0);
  return h.headerLength + 2 + buf.readUInt16BE(at) + (qos > 0 ? 2 : 0);
}

/** The packet ID of the QoS 1 or 2 PUBLISH at `off`, whose prefix must be in `buf` (no topic decoded: hot path). */
export function publishPacketId(buf: Buffer, off: number, h: FixedHeader): number {
  const at = off + h.headerLength;
  return buf.readUInt16BE(at + 2 + buf.readUInt16BE(at));
}

/** Topic and packet ID (0 for QoS 0) of the PUBLISH at `off`, whose prefix must be in `buf`. */
export function publishIdentity(buf: Buffer, off: number, h: FixedHeader): { topic: string; id: number } {
  const at = off + h.headerLength;
  const topicLength = buf.readUInt16BE(at);
  const topic = buf.toString('utf8', at + 2, at + 2 + topicLength);
  const id = publishQos(buf[off] ?? 0) > 0 ? buf.readUInt16BE(at + 2 + topicLength) : 0;
  return { topic, id };
}
