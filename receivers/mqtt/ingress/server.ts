// The ingest-only MQTT server behind `embedded_broker`: devices connect (MQTT 3.1.1 or 5), publish at QoS 0 or 1,
// and each message goes to the sink (the receiver's delivery); a QoS 1 message gets its PUBACK only once the sink
// settled it. Nothing is fanned out: SUBSCRIBE is refused, so a device learns at once that no messages will come.
import type { Server, Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { IConnectPacket, IPublishPacket, Packet } from 'mqtt-packet';
import type { Logger } from '../../../core/logger.ts';
import { formatHostPort } from '../../../core/net.ts';
import type { Message } from '../../../core/pdata/index.ts';
import { nowUnixNano } from '../../../core/pdata/index.ts';
import type { Outcome } from '../delivery.ts';
import { toMessage } from '../message-map.ts';
import { topicNameIssue } from '../topics.ts';
import { acceptConnect } from './connect.ts';
import type { ConnectPolicy } from './connect.ts';
import { Device } from './device.ts';
import type { DeviceHost } from './device.ts';
import { Budget } from './limits.ts';
import { encode, RC, subscriptionReply } from './replies.ts';
import type { Unacked } from './sessions.ts';

export interface IngressSink {
  /** Takes `m` through the pipelines. `fillsWindow`: the device's window is full with it (the flush hint). */
  deliver(m: Message, opts: { qos: 0 | 1; fillsWindow: boolean }): Promise<Outcome>;
}

export interface IngressOptions extends Omit<ConnectPolicy, 'logger'> {
  maxInflightBytes: number;
  connectTimeoutMs: number;
  /** 0: no cap. */
  maxConnections: number;
  /** Told the config key of a limit that cut a device off. */
  limitHit(limit: string): void;
  /** Whether a topic is one the receiver takes (its `topics`); others are acknowledged and dropped. */
  accepts(topic: string): boolean;
  sink: IngressSink;
  logger: Logger;
}

export class IngressServer implements DeviceHost {
  readonly receiveMaximum: number;
  readonly maxPacketSize: number;
  readonly connectTimeoutMs: number;
  private readonly budget: Budget;
  private readonly devices = new Set<Device>();
  private readonly deliveries = new Set<Promise<void>>();
  private stopped = false;
  private listenerClosed: Promise<void> | undefined;
  /** The sum of the open connections' qos1, kept as a count: it is read on every message. */
  private unacked = 0;

  constructor(
    private readonly listener: Server,
    private readonly opts: IngressOptions,
  ) {
    this.receiveMaximum = opts.receiveMaximum;
    this.maxPacketSize = opts.maxPacketSize;
    this.connectTimeoutMs = opts.connectTimeoutMs;
    if (opts.maxConnections > 0) {
      listener.maxConnections = opts.maxConnections;
      listener.on('drop', () => opts.limitHit('max_connections'));
    }
    this.budget = new Budget(opts.maxInflightBytes);
    this.budget.onRoom(() => {
      for (const d of this.devices) d.pump();
    });
    const event = listener instanceof TlsServer ? 'secureConnection' : 'connection';
    listener.on(event, (socket: Socket) => this.accept(socket));
  }

  /** QoS 1 messages received on open connections and not yet acknowledged. */
  get inflight(): number {
    return this.unacked;
  }

  /** Connections the server is not reading from (a full window or budget): TCP holds their packets back. */
  get paused(): number {
    let n = 0;
    for (const d of this.devices) if (!d.reading) n++;
    return n;
  }

  /** Open connections (connected or still in CONNECT). */
  get deviceCount(): number {
    return this.devices.size;
  }

  /** The first `max` connections, for the console: client ID, address, since when, messages in flight. */
  deviceList(max: number): { client_id?: string; address: string; connected_since: string; inflight: number }[] {
    const out = [];
    for (const d of this.devices) {
      if (out.length >= max) break;
      const { remoteAddress, remotePort } = d.socket;
      out.push({
        ...(d.session && { client_id: d.session.clientId }),
        address: remoteAddress === undefined ? 'unknown' : formatHostPort(remoteAddress, remotePort ?? 0),
        connected_since: new Date(d.openedAt).toISOString(),
        inflight: d.qos1 + d.qos0,
      });
    }
    return out;
  }

  limitHit(limit: string): void {
    this.opts.limitHit(limit);
  }

  budgetFull(): boolean {
    return this.budget.full;
  }

  private accept(socket: Socket): void {
    if (this.stopped) return void socket.destroy();
    socket.setNoDelay(true);
    this.devices.add(new Device(socket, this));
  }

  connect(device: Device, packet: IConnectPacket): Promise<boolean> {
    return acceptConnect(this.opts, device, packet);
  }

  closed(device: Device): void {
    if (this.devices.delete(device)) this.unacked -= device.qos1;
    if (device.session) this.opts.sessions.closed(device.session, device);
  }

  subscribe(device: Device, packet: Packet): void {
    const reply = subscriptionReply(packet, device.version);
    if (reply) device.write(reply);
  }

  publish(device: Device, packet: IPublishPacket, bytes: number): void {
    const session = device.session;
    if (!session) return;
    if (packet.qos === 2) return device.fail(RC.qosNotSupported, 'QoS 2 is not supported (Maximum QoS 1)');
    if (packet.properties?.topicAlias !== undefined)
      return device.fail(RC.topicAliasInvalid, 'topic aliases are not supported');
    if (packet.topic === '' || topicNameIssue(packet.topic))
      return device.fail(RC.topicNameInvalid, 'invalid topic name');
    const id = packet.messageId ?? 0;
    if (packet.qos === 1) {
      const known = session.unacked.get(id);
      if (known) {
        // The device resends what it had no PUBACK for when it resumes a session: processed once, acknowledged here.
        if (known.holder === device) return device.fail(RC.protocolError, `packet ID ${id} reused before its PUBACK`);
        known.holder = device;
        device.qos1++;
        this.unacked++;
        if (known.settled) this.ack(device, known);
        return;
      }
      if (device.version === 5 && device.qos1 >= this.receiveMaximum)
        return device.fail(RC.receiveMaximumExceeded, `more than ${this.receiveMaximum} unacknowledged messages`);
    }
    if (!this.opts.accepts(packet.topic)) {
      if (packet.qos === 1)
        device.write(encode({ cmd: 'puback', messageId: id, reasonCode: RC.noMatchingSubscribers }, device.version));
      return;
    }
    this.deliver(device, packet, bytes);
  }

  private deliver(device: Device, packet: IPublishPacket, bytes: number): void {
    const session = device.session;
    if (!session) return;
    const entry: Unacked | undefined =
      packet.qos === 1 ? { id: packet.messageId ?? 0, holder: device, settled: false } : undefined;
    if (entry) {
      session.unacked.set(entry.id, entry);
      device.qos1++;
      this.unacked++;
    } else device.qos0++;
    this.budget.take(bytes);
    const used = device.version === 5 && entry ? device.qos1 : device.qos0 + device.qos1;
    const done = this.opts.sink
      .deliver(toMessage(packet, nowUnixNano()), { qos: entry ? 1 : 0, fillsWindow: used >= this.receiveMaximum })
      .then((outcome) => {
        this.budget.release(bytes);
        if (!entry) {
          device.qos0--;
          return device.pump();
        }
        if (outcome === 'abandoned') {
          // Shutdown: no PUBACK, so the device sends it again to the next hub.
          if (session.unacked.get(entry.id) === entry) session.unacked.delete(entry.id);
          return;
        }
        entry.settled = true;
        const holder = entry.holder as Device;
        if (holder.connected && holder.session === session) this.ack(holder, entry);
      })
      .catch((err: unknown) => {
        // The delivery settles every message itself; this would be a bug, and must not take the hub down with it.
        this.opts.logger.error('embedded MQTT broker: delivering a device message failed', {
          error: err instanceof Error ? err.message : String(err),
        });
      });
    const tracked = done.finally(() => this.deliveries.delete(tracked));
    this.deliveries.add(tracked);
  }

  private ack(device: Device, entry: Unacked): void {
    device.session?.unacked.delete(entry.id);
    device.qos1--;
    this.unacked--;
    device.write(encode({ cmd: 'puback', messageId: entry.id, reasonCode: RC.success }, device.version));
    device.pump();
  }

  /** Closes the listener and stops reading from devices; messages in the pipelines still get their PUBACK. */
  stopAccepting(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Its callback waits for every connection to end: close() awaits that once it has closed them.
    this.listenerClosed = new Promise<void>((r) => this.listener.close(() => r()));
    for (const d of this.devices) d.stopReading();
  }

  /** Resolves once every delivery settled or was abandoned. */
  async drained(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /** Disconnects every device (MQTT 5: 0x8B, server shutting down). */
  async close(): Promise<void> {
    const closing = [...this.devices].map(
      (d) =>
        new Promise<void>((r) => {
          d.socket.once('close', () => r());
          d.fail(RC.shuttingDown, 'the hub is shutting down');
          if (d.socket.destroyed) r();
        }),
    );
    this.stopAccepting();
    await Promise.all([...closing, this.listenerClosed]);
    // The devices' disconnects just started session-file writes (their expiry begins now).
    await this.opts.sessions.settled();
  }
}
