// One device's connection: frames and parses its packets one at a time, and stops reading from it (TCP
// backpressure) while it may not send more: its window is full (MQTT 3.1.1 devices and QoS 0, which Receive Maximum
// does not cover), the byte budget across devices is spent, or its CONNECT is still being checked. Keep-alive is
// enforced (1.5 x the device's interval) only while the server reads: a device whose packets wait unread must not be
// cut off for the server's own pause.
import type { Socket } from 'node:net';
import { parser as packetParser } from 'mqtt-packet';
import type { IConnectPacket, IPublishPacket, Packet } from 'mqtt-packet';
import { Framer } from './framer.ts';
import type { Frame } from './framer.ts';
import { disconnect, encode, RC } from './replies.ts';
import type { Version } from './replies.ts';
import type { Session } from './sessions.ts';

/** What a connection needs from the server. */
export interface DeviceHost {
  readonly receiveMaximum: number;
  readonly maxPacketSize: number;
  /** How long a new connection has to send its CONNECT (connect_timeout). */
  readonly connectTimeoutMs: number;
  /** A limit (its config key) cut the device off. */
  limitHit(limit: string): void;
  /** True while the byte budget across devices is spent. */
  budgetFull(): boolean;
  /** Checks credentials and opens the session; writes the CONNACK. Resolves false when the device was refused. */
  connect(device: Device, packet: IConnectPacket): Promise<boolean>;
  publish(device: Device, packet: IPublishPacket, bytes: number): void;
  subscribe(device: Device, packet: Packet): void;
  closed(device: Device): void;
}

export class Device {
  version: Version = 4;
  session: Session | undefined;
  /** QoS 1 messages taken on this connection and not acknowledged; QoS 0 messages still in the pipelines. */
  qos1 = 0;
  qos0 = 0;
  /** When the connection was accepted (epoch ms), for the console. */
  readonly openedAt = Date.now();
  private state: 'new' | 'connecting' | 'connected' | 'closed' = 'new';
  private keepAliveMs = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Writes of this turn are corked (see write). */
  private corked = false;
  /** False while the server holds back its packets (the socket is paused). */
  reading = true;
  private draining = false;
  private readonly framer: Framer;
  private readonly parser = packetParser({ protocolVersion: 4 });
  private parsed: Packet | undefined;
  private parseError: Error | undefined;

  constructor(
    readonly socket: Socket,
    private readonly host: DeviceHost,
  ) {
    this.framer = new Framer(host.maxPacketSize);
    this.parser.on('packet', (p: Packet) => void (this.parsed = p));
    this.parser.on('error', (e: Error) => void (this.parseError = e));
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      this.pump();
    });
    socket.on('error', () => {}); // 'close' follows; a reset device is not the hub's error
    socket.on('close', () => this.onClose());
    this.arm(host.connectTimeoutMs);
  }

  get open(): boolean {
    return this.state !== 'closed';
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Stops taking packets (shutdown): what is unread stays unacknowledged, for the device to resend. */
  stopReading(): void {
    this.draining = true;
    this.pump();
  }

  /** Takes packets until there are none or the device may not send more; called again when that changes. */
  pump(): void {
    while (this.open) {
      if (this.blocked()) return this.pause();
      const frame = this.framer.next();
      if (!frame) return this.resume();
      this.take(frame);
    }
  }

  private blocked(): boolean {
    if (this.draining || this.state === 'connecting' || this.host.budgetFull()) return true;
    // MQTT 5 devices keep their own window for QoS 1 (and are disconnected past it); QoS 0 is bounded here.
    const pending = this.version === 5 ? this.qos0 : this.qos0 + this.qos1;
    return pending >= this.host.receiveMaximum;
  }

  private pause(): void {
    if (!this.reading) return;
    this.reading = false;
    this.socket.pause();
    if (this.state === 'connected') this.arm(0);
  }

  private resume(): void {
    if (this.reading) return;
    this.reading = true;
    this.socket.resume();
    if (this.state === 'connected') this.arm(this.keepAliveMs);
  }

  /** (Re)starts the keep-alive or CONNECT timer; 0 stops it. */
  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (ms > 0) this.timer = setTimeout(() => this.expired(), ms).unref();
  }

  private expired(): void {
    // Before CONNECT was answered it is connect_timeout: a socket that never spoke MQTT, or spoke too slowly.
    if (!this.connected) this.host.limitHit('connect_timeout');
    this.fail(RC.keepAliveTimeout, 'keep-alive timeout');
  }

  private take(frame: Frame): void {
    if (frame.kind === 'oversize') return this.fail(RC.packetTooLarge, `packet of ${frame.length} bytes`);
    if (frame.kind === 'malformed') return this.fail(RC.malformed, 'malformed remaining length');
    this.parsed = undefined;
    this.parseError = undefined;
    this.parser.parse(frame.bytes);
    // Both are set by the parser's listeners during parse(), which the compiler cannot see.
    const packet = this.parsed as Packet | undefined;
    const error = this.parseError as Error | undefined;
    if (error || !packet) return this.fail(RC.malformed, error?.message ?? 'malformed packet');
    if (this.state === 'connected') this.arm(this.keepAliveMs);
    this.dispatch(packet, frame.bytes.length);
  }

  private dispatch(packet: Packet, bytes: number): void {
    if (this.state === 'new') {
      if (packet.cmd !== 'connect') return this.close();
      return this.onConnect(packet);
    }
    switch (packet.cmd) {
      case 'publish':
        return this.host.publish(this, packet, bytes);
      case 'pingreq':
        return this.write(encode({ cmd: 'pingresp' }, this.version));
      case 'subscribe':
      case 'unsubscribe':
        return this.host.subscribe(this, packet);
      case 'disconnect':
        return this.close();
      case 'puback': // the server sends nothing that is acknowledged
      default:
        return this.fail(RC.protocolError, `unexpected ${packet.cmd}`);
    }
  }

  private onConnect(packet: IConnectPacket): void {
    this.version = packet.protocolVersion === 5 ? 5 : packet.protocolVersion === 3 ? 3 : 4;
    this.state = 'connecting';
    this.arm(this.host.connectTimeoutMs);
    this.host.connect(this, packet).then(
      (ok) => {
        if (!ok || !this.open) return this.close();
        this.state = 'connected';
        // A keep-alive of 0 turns the mechanism off (MQTT 3.1.2.10).
        this.keepAliveMs = (packet.keepalive ?? 0) * 1500;
        this.arm(this.keepAliveMs);
        this.pump();
      },
      () => this.close(),
    );
  }

  write(buf: Buffer): void {
    if (!this.open || this.socket.destroyed) return;
    // The packets of one event-loop turn (PUBACKs of a settled batch) leave in one write: one write each was the
    // largest cost of the receiver's own PUBACKs (receivers/mqtt/puback-writer.ts). end() uncorks what is left.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buf);
  }

  /** Ends the connection with a reason (MQTT 5 DISCONNECT; 3.1.1 has none: the connection is just closed). */
  fail(reasonCode: number, reasonString?: string): void {
    if (!this.open) return;
    if (this.version === 5 && this.state === 'connected') this.write(disconnect(reasonCode, reasonString));
    this.close();
  }

  /** Closes the connection after what was written is flushed. */
  close(): void {
    if (!this.open) return;
    this.onClose();
    this.socket.end();
    // A device that does not close its side in time is cut off, so shutdown never waits on it.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  takenOver(): void {
    this.fail(RC.takenOver, 'another connection took over the session');
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.arm(0);
    this.host.closed(this);
  }
}
