// A QoS 0 or 1 PUBLISH decoded straight from the bytes the flow gate cut, into the packet object mqtt-packet would
// have made. Handing a message to MQTT.js costs more than processing it: its parser traces every step through the
// `debug` package (an argument array per call even when disabled) and reads MQTT 5 properties a byte at a time through
// a BufferList that allocates a Buffer per read, about 45% of the hub's allocations while draining a backlog.
//
// Only what the receiver subscribes to is decoded here; anything else (QoS 2, a topic alias, which the receiver never
// allows, a property PUBLISH cannot carry, a malformed length) gives undefined, and the packet goes to MQTT.js, which
// handles it or fails the connection as before.
import type { IPublishPacket } from 'mqtt-packet';
import type { FixedHeader } from './packet-frames.ts';

type Properties = NonNullable<IPublishPacket['properties']>;

class Reader {
  constructor(
    readonly buf: Buffer,
    public at: number,
    readonly end: number,
  ) {}

  has(n: number): boolean {
    return this.at + n <= this.end;
  }
  u8(): number | undefined {
    return this.has(1) ? this.buf[this.at++] : undefined;
  }
  u16(): number | undefined {
    if (!this.has(2)) return undefined;
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number | undefined {
    if (!this.has(4)) return undefined;
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(): Buffer | undefined {
    const n = this.u16();
    if (n === undefined || !this.has(n)) return undefined;
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  string(): string | undefined {
    const n = this.u16();
    if (n === undefined || !this.has(n)) return undefined;
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
  varint(): number | undefined {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      if (b === undefined) return undefined;
      value += (b & 0x7f) * 128 ** i;
      if ((b & 0x80) === 0) return value;
    }
    return undefined;
  }
}

/** The PUBLISH at `buf[off, off + h.total)`, or undefined when MQTT.js should have it (see the top of the file). */
export function decodePublish(
  buf: Buffer,
  off: number,
  h: FixedHeader,
  protocolVersion: 4 | 5,
): IPublishPacket | undefined {
  const first = buf[off] ?? 0;
  const qos = (first >> 1) & 3;
  if (qos > 1) return undefined;
  const r = new Reader(buf, off + h.headerLength, off + h.total);
  const topic = r.string();
  if (topic === undefined || topic === '') return undefined;
  let messageId: number | undefined;
  if (qos === 1) {
    messageId = r.u16();
    if (messageId === undefined || messageId === 0) return undefined;
  }
  let properties: Properties | undefined;
  if (protocolVersion === 5) {
    const length = r.varint();
    if (length === undefined || !r.has(length)) return undefined;
    if (length > 0) {
      properties = readProperties(new Reader(buf, r.at, r.at + length));
      if (properties === undefined) return undefined;
      r.at += length;
    }
  }
  const packet: IPublishPacket = {
    cmd: 'publish',
    retain: (first & 1) === 1,
    qos: qos as 0 | 1,
    dup: (first & 8) === 8,
    length: h.total - h.headerLength,
    topic,
    payload: buf.subarray(r.at, off + h.total),
  };
  if (messageId !== undefined) packet.messageId = messageId;
  if (properties) packet.properties = properties;
  return packet;
}

/** MQTT 5 section 3.3.2.3; repeated user properties grouped into arrays, as mqtt-packet does. */
function readProperties(r: Reader): Properties | undefined {
  const p: Properties = {};
  while (r.at < r.end) {
    const id = r.varint();
    switch (id) {
      case 0x01: {
        const v = r.u8();
        if (v === undefined) return undefined;
        p.payloadFormatIndicator = v !== 0;
        break;
      }
      case 0x02: {
        const v = r.u32();
        if (v === undefined) return undefined;
        p.messageExpiryInterval = v;
        break;
      }
      case 0x03: {
        const v = r.string();
        if (v === undefined) return undefined;
        p.contentType = v;
        break;
      }
      case 0x08: {
        const v = r.string();
        if (v === undefined) return undefined;
        p.responseTopic = v;
        break;
      }
      case 0x09: {
        const v = r.bytes();
        if (v === undefined) return undefined;
        p.correlationData = v;
        break;
      }
      case 0x0b: {
        const v = r.varint();
        if (v === undefined) return undefined;
        const known = p.subscriptionIdentifier;
        p.subscriptionIdentifier = known === undefined ? v : [...(Array.isArray(known) ? known : [known]), v];
        break;
      }
      case 0x26: {
        const k = r.string();
        const v = r.string();
        if (k === undefined || v === undefined) return undefined;
        // No prototype: a device's user property may be called __proto__.
        const all = (p.userProperties ??= Object.create(null) as Record<string, string | string[]>);
        const known = all[k];
        all[k] = known === undefined ? v : [...(Array.isArray(known) ? known : [known]), v];
        break;
      }
      // A topic alias (0x23) the receiver never allowed, or a property a PUBLISH cannot carry: MQTT.js's business.
      default:
        return undefined;
    }
  }
  return p;
}
