// One connection's gate between the socket and MQTT.js: the hub's own window, whatever the broker does. Mosquitto
// 2.0.11 honours a subscriber's Receive Maximum for the first window only and then sends on (tens of thousands of
// unacknowledged messages while draining a backlog), so the window cannot be left to the broker.
//
// Packets are cut from the byte stream and forwarded unchanged. Everything but PUBLISH passes at once (CONNACK,
// SUBACK, PINGRESP, AUTH, DISCONNECT: keep-alive and re-authentication never wait behind messages). A QoS 1 PUBLISH
// passes only while fewer than `maxMessages` are unacknowledged and their bytes fit `maxBytes`; the others wait here,
// in order (QoS 0 ones keep their place in the queue). Once what waits here plus what is unacknowledged reaches
// `maxBytes`, or what waits reaches READ_AHEAD_BYTES, the gate stops reading from the socket, so TCP pushes back on the
// broker. While it does, the PINGRESP
// sits behind unread messages: the gate sends PINGREQ itself (the broker needs a packet within 1.5 x keep-alive) and
// tells MQTT.js the connection is alive; the socket's own close or error still ends it.
//
// A PUBLISH larger than `maxPacketSize` (a broker that ignored the Maximum Packet Size of CONNECT) is skipped without
// being buffered (packet-cutter.ts), acknowledged (it could never be processed) and reported.
//
// A PUBLISH that enters the window goes straight to the receiver (publish-decoder.ts: MQTT.js's parser costs more
// than the rest of the hub's work on a message), but only while MQTT.js has handled every packet passed to it:
// a message must not overtake the CONNACK of its connection (the receiver learns from it whether the session was
// resumed) nor anything else MQTT.js has yet to read. Until MQTT.js has caught up, PUBLISHes take its way.
import { Duplex } from 'node:stream';
import { generate } from 'mqtt-packet';
import type { FixedHeader } from './packet-frames.ts';
import { fixedHeader } from './packet-frames.ts';
import { PacketCutter } from './packet-cutter.ts';
import { PINGREQ, PUBLISH, publishIdentity, publishPacketId, publishQos } from './packet-frames.ts';
import { decodePublish } from './publish-decoder.ts';
import type { IPublishPacket } from 'mqtt-packet';

/**
 * What waits beyond the window is copied and soon collected: more than enough to refill the window at once costs memory
 * and CPU for nothing (draining 200,000 messages, 16 MiB held ahead: 362 MiB peak RSS at 7.7k messages/s; 2 MiB:
 * 279 MiB at 11.8k). The broker keeps the rest.
 */
export const READ_AHEAD_BYTES = 1024 * 1024;

export interface GateLimits {
  maxMessages: number;
  maxBytes: number;
  maxPacketSize: number;
  protocolVersion: 4 | 5;
}

export interface GateHooks {
  /** The connection's keep-alive in milliseconds (the broker may have set it in CONNACK); 0: none. */
  keepAliveMs(): number;
  /** Reading is stopped and a PINGREQ went out: keep MQTT.js from taking the missing PINGRESP for a dead link. */
  alive(): void;
  tooLarge(topic: string, bytes: number): void;
  /** MQTT.js waits for an answer (SUBACK, a heartbeat's PUBACK) that may be queued behind unread messages. */
  awaitingAnswer(): boolean;
  /** The broker sent more than the window (once per connection). */
  overrun(): void;
  /** After every change of the counts (tests and peaks watch them). */
  changed(gate: FlowGate): void;
  /** A PUBLISH admitted to the window, decoded here rather than by MQTT.js; without this hook all go to MQTT.js. */
  publish?: (packet: IPublishPacket) => void;
}

interface Held {
  buf: Buffer;
  qos: number;
  id: number;
}

export class FlowGate extends Duplex {
  /** Packet ID -> bytes of the QoS 1 PUBLISHes passed to MQTT.js and not acknowledged yet. */
  private readonly unacked = new Map<number, number>();
  private unackedBytes = 0;
  /** Waiting messages from `head` on; passed ones are cleared so they can be collected. */
  private held: (Held | undefined)[] = [];
  private head = 0;
  private heldBytes = 0;
  private readonly cutter: PacketCutter;
  private readingStopped = false;
  private downstreamFull = false;
  private closing = false;
  private overran = false;
  private pinger: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  /** Packets passed to MQTT.js that it has not handled yet ('packetreceive'): while any, PUBLISHes go its way too. */
  private behind = 0;

  constructor(
    private readonly inner: Duplex,
    private readonly limits: GateLimits,
    private readonly hooks: GateHooks,
  ) {
    super();
    this.cutter = new PacketCutter(limits.maxPacketSize, {
      packet: (buf, off, h) => this.packet(buf, off, h),
      tooLarge: (buf, off, h) => this.dropTooLarge(buf, off, h),
      pass: (slice) => this.forward(slice),
    });
    inner.on('data', (chunk: Buffer) => this.onData(chunk));
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
  }

  /** QoS 1 messages passed on and not acknowledged (at most maxMessages). */
  get inflightMessages(): number {
    return this.unacked.size;
  }
  /** Their bytes (at most maxBytes). */
  get inflightBytes(): number {
    return this.unackedBytes;
  }
  /** Bytes read and waiting here for room in the window. */
  get waitingBytes(): number {
    return this.heldBytes;
  }
  get reading(): boolean {
    return !this.readingStopped;
  }

  /** MQTT.js handled a packet the gate passed to it. */
  handled(): void {
    if (this.behind > 0) this.behind--;
  }

  /** MQTT.js sent the PUBACK for `id`: room for the next message. */
  acked(id: number): void {
    const bytes = this.unacked.get(id);
    if (bytes === undefined) return;
    this.unacked.delete(id);
    this.unackedBytes -= bytes;
    // Later, not within the PUBACK: settlements come in bursts (a batch exported), and refilling the window one message
    // per PUBACK would keep it full, which the receiver's flush hint (re-armed at half a window) cannot tell apart from
    // a window that never drains. A broker's round trip did the same before the gate held anything.
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      if (!this.destroyed) this.pump();
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.inner.write(chunk)) cb();
    else this.inner.once('drain', () => cb());
  }

  // MQTT.js ends the stream after its DISCONNECT: nothing held will be processed now, and the broker's close must be
  // read for the socket to close.
  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end();
    this.close();
    cb();
  }

  override _read(): void {
    this.downstreamFull = false;
    this.pump();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    clearInterval(this.pinger);
    this.held = [];
    this.heldBytes = 0;
    this.inner.destroy();
    cb(err);
  }

  private onData(chunk: Buffer): void {
    try {
      this.cutter.write(chunk);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    this.updateReading();
    this.hooks.changed(this);
  }

  /** Passes everything but PUBLISH; a PUBLISH when it fits the window and nothing waits before it. */
  private packet(buf: Buffer, off: number, h: FixedHeader): boolean {
    if (h.type !== PUBLISH) return this.toMqttJs();
    if (this.closing) return false; // the receiver takes nothing more: left for the next session
    const qos = publishQos(buf[off] ?? 0);
    const id = qos > 0 ? publishPacketId(buf, off, h) : 0;
    if (this.head === this.held.length && this.admit(qos, id, h.total)) return !this.direct(buf, off, h);
    // A copy: a slice would keep the whole socket read alive while the message waits.
    this.held.push({ buf: Buffer.from(buf.subarray(off, off + h.total)), qos, id });
    this.heldBytes += h.total;
    return false;
  }

  /** Passes a packet to MQTT.js (always true: the cutter forwards it). */
  private toMqttJs(): true {
    this.behind++;
    return true;
  }

  /** Hands an admitted PUBLISH to the receiver if MQTT.js has caught up and the packet decodes; else false. */
  private direct(buf: Buffer, off: number, h: FixedHeader): boolean {
    const hand = this.hooks.publish;
    const packet = hand && this.behind === 0 ? decodePublish(buf, off, h, this.limits.protocolVersion) : undefined;
    if (!packet) return !this.toMqttJs();
    hand?.(packet);
    return true;
  }

  /** Counts a PUBLISH into the window if it fits; QoS 0 always fits. */
  private admit(qos: number, id: number, bytes: number): boolean {
    if (qos !== 1) return true;
    const n = this.unacked.size;
    if (n >= this.limits.maxMessages || (n > 0 && this.unackedBytes + bytes > this.limits.maxBytes)) {
      if (!this.overran && n >= this.limits.maxMessages) {
        this.overran = true;
        this.hooks.overrun();
      }
      return false;
    }
    const previous = this.unacked.get(id);
    // The same ID twice on one connection is a broker fault; MQTT.js acknowledges it once.
    if (previous !== undefined) this.unackedBytes -= previous;
    this.unacked.set(id, bytes);
    this.unackedBytes += bytes;
    return true;
  }

  private forward(slice: Buffer): void {
    if (!this.push(slice)) this.downstreamFull = true;
  }

  /** Passes on what now fits the window, in order, and reads again once below the byte budget. */
  private pump(): void {
    while (this.head < this.held.length) {
      const next = this.held[this.head];
      if (!next || !this.admit(next.qos, next.id, next.buf.length)) break;
      this.held[this.head++] = undefined;
      this.heldBytes -= next.buf.length;
      const h = fixedHeader(next.buf, 0);
      if (!h || !this.direct(next.buf, 0, h)) this.forward(next.buf);
    }
    if (this.head > 1024 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    this.updateReading();
    this.hooks.changed(this);
  }

  private dropTooLarge(buf: Buffer, off: number, h: FixedHeader): void {
    const { topic, id } = publishIdentity(buf, off, h);
    if (publishQos(buf[off] ?? 0) === 1)
      this.write(
        generate({ cmd: 'puback', messageId: id, reasonCode: 0 }, { protocolVersion: this.limits.protocolVersion }),
      );
    this.hooks.tooLarge(topic, h.total);
  }

  /**
   * Stops taking messages: what waits here is dropped (left unacknowledged for the next session) and reading goes on,
   * so the answers MQTT.js waits for before its DISCONNECT (a SUBACK behind the messages) and the broker's close come in.
   */
  close(): void {
    this.closing = true;
    this.held = [];
    this.head = 0;
    this.heldBytes = 0;
    this.updateReading();
  }

  // Reading stops at the byte budget. A SUBACK sent after a resumed session's first messages would then never be read
  // (nor the subscription confirmed) while a destination is down, so while MQTT.js awaits an answer reading goes on
  // up to twice the budget.
  updateReading(): void {
    const factor = this.hooks.awaitingAnswer() ? 2 : 1;
    const limit = this.limits.maxBytes * factor;
    const readAhead = Math.min(this.limits.maxBytes, READ_AHEAD_BYTES) * factor;
    const full =
      !this.closing &&
      (this.downstreamFull || this.heldBytes >= readAhead || this.heldBytes + this.unackedBytes >= limit);
    if (full === this.readingStopped || this.destroyed) return;
    this.readingStopped = full;
    if (full) {
      this.inner.pause();
      const keepAlive = this.hooks.keepAliveMs();
      // Not unref'd: a stopped socket no longer keeps the process alive, and this connection must.
      if (keepAlive > 0) this.pinger = setInterval(() => this.ping(), Math.ceil(keepAlive / 2));
    } else {
      clearInterval(this.pinger);
      this.inner.resume();
    }
  }

  private ping(): void {
    if (this.destroyed || !this.readingStopped) return;
    this.write(PINGREQ);
    this.hooks.alive();
  }
}
