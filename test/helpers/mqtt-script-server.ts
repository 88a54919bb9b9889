// A scripted MQTT server for tests: a protocol-level fake built on mqtt-packet, used only where no real broker can
// serve. Mosquitto cannot do K8S-SAT enhanced authentication (Azure IoT Operations' broker can), and no real broker
// lets a test decide whether and when a CONNACK, AUTH, SUBACK or PUBACK goes out, or record exactly when a client
// acknowledged a message. Everything else belongs against a real broker.
//
// Defaults: CONNACK success, SUBACK granting the requested QoS, UNSUBACK, PUBACK/PUBREC(+PUBCOMP) for the client's
// QoS 1/2 PUBLISHes, PINGRESP, and AUTH success (echoing the method) for a client's AUTH. Each hook may change its
// answer (see ScriptReply); `send` writes any packet. Every packet received is kept in `packets`, in order.
import net from 'node:net';
import tls from 'node:tls';
import { generate, parser } from 'mqtt-packet';
import type {
  IAuthPacket,
  IConnectPacket,
  IPubackPacket,
  IPublishPacket,
  ISubscribePacket,
  Packet,
  QoS,
} from 'mqtt-packet';
import { listen } from '../../core/net.ts';

export interface ScriptConnection {
  readonly id: number;
  readonly socket: net.Socket;
  connect: IConnectPacket | undefined; // the client's CONNECT, once received
  protocolVersion: number; // from the CONNECT (5 until then); what is sent here is encoded for it
  closed: boolean;
}

/**
 * A hook's answer. Nothing or 'accept': the default answer. `{ reasonCode }`: the default answer with that reason
 * code (for SUBACK, every grant). 'ignore': no answer (the test may answer later with `send`). `{ disconnect }`: a
 * DISCONNECT with that reason code, then the socket is closed.
 */
export type ScriptReply = void | 'accept' | 'ignore' | { reasonCode: number } | { disconnect: number };
export type ScriptHook<P> = (packet: P, conn: ScriptConnection) => ScriptReply;

export interface ScriptServerOptions {
  onConnect?: ScriptHook<IConnectPacket>;
  onAuth?: ScriptHook<IAuthPacket>; // a client's AUTH (a re-authentication is reason code 0x19)
  onPublish?: ScriptHook<IPublishPacket>; // the answer matters only for QoS 1 and 2 (PUBACK / PUBREC)
  onSubscribe?: ScriptHook<ISubscribePacket>;
  /** Serve TLS with these options (key, cert, ...) instead of plain TCP. */
  tls?: tls.TlsOptions;
  host?: string;
}

export interface ReceivedPacket {
  seq: number; // position in `packets`, so a test can wait for packets after a mark
  conn: number;
  packet: Packet;
  at: number; // Date.now() on arrival
}

export interface SentPublish {
  conn: number;
  messageId: number; // 0 for QoS 0
  sentAt: number;
  /** Set when the client's PUBACK arrives: tests assert whether and when it acknowledged. */
  puback: { packet: IPubackPacket; at: number } | undefined;
  /** Resolves with the client's PUBACK (never settles if none comes: race it with a timeout). */
  acked: Promise<IPubackPacket>;
}

export type PublishToClient = Pick<IPublishPacket, 'topic' | 'payload' | 'properties'> & {
  qos?: 0 | 1;
  retain?: boolean;
};

export interface ScriptServer {
  port: number;
  /** Every connection so far, closed ones included, by id (id = index). */
  connections: ScriptConnection[];
  packets: ReceivedPacket[];
  send(conn: ScriptConnection | number, packet: Packet): void;
  /** Sends a PUBLISH to the client; QoS 1 gets a fresh message id and its PUBACK is recorded. */
  publish(conn: ScriptConnection | number, msg: PublishToClient): SentPublish;
  /** Sends DISCONNECT (v5) with the reason code, then closes the socket. */
  disconnect(conn: ScriptConnection | number, reasonCode?: number): void;
  /** The first received packet, past or future, that matches; rejects after timeoutMs (default 5000). */
  waitFor(match: (p: ReceivedPacket) => boolean, timeoutMs?: number): Promise<ReceivedPacket>;
  close(): Promise<void>;
}

export async function startScriptServer(opts: ScriptServerOptions = {}): Promise<ScriptServer> {
  const connections: ScriptConnection[] = [];
  const packets: ReceivedPacket[] = [];
  const waiters = new Set<(p: ReceivedPacket) => void>();
  const sent = new Map<string, SentPublish & { resolve(p: IPubackPacket): void }>();
  const nextIds = new Map<number, number>();
  const connOf = (c: ScriptConnection | number) => (typeof c === 'number' ? connections[c] : c);
  const send = (c: ScriptConnection | number, packet: Packet): void => {
    const conn = connOf(c);
    if (!conn || conn.closed) return;
    conn.socket.write(generate(packet, { protocolVersion: conn.protocolVersion }));
  };
  const disconnect = (c: ScriptConnection | number, reasonCode = 0): void => {
    const conn = connOf(c);
    if (!conn || conn.closed) return;
    if (conn.protocolVersion === 5) send(conn, { cmd: 'disconnect', reasonCode });
    conn.socket.end();
  };
  // Applies a hook's answer; `answer(code)` sends the default answer, with `code` when the hook gave one.
  const reply = (conn: ScriptConnection, r: ScriptReply, answer: (code?: number) => void): void => {
    if (r === 'ignore') return;
    if (r && typeof r === 'object' && 'disconnect' in r) return disconnect(conn, r.disconnect);
    answer(r && typeof r === 'object' ? r.reasonCode : undefined);
  };
  const handle = (conn: ScriptConnection, packet: Packet): void => {
    const v5 = conn.protocolVersion === 5;
    switch (packet.cmd) {
      case 'connect':
        conn.connect = packet;
        conn.protocolVersion = packet.protocolVersion ?? 4;
        return reply(conn, opts.onConnect?.(packet, conn), (code = 0) => {
          const codeField = conn.protocolVersion === 5 ? { reasonCode: code } : { returnCode: code };
          send(conn, { cmd: 'connack', sessionPresent: false, ...codeField });
          if (code !== 0) conn.socket.end();
        });
      case 'auth':
        return reply(conn, opts.onAuth?.(packet, conn), (code = 0) =>
          send(conn, {
            cmd: 'auth',
            reasonCode: code,
            properties: { authenticationMethod: packet.properties?.authenticationMethod },
          }),
        );
      case 'publish':
        return reply(conn, opts.onPublish?.(packet, conn), (code = 0) => {
          const messageId = packet.messageId;
          if (packet.qos === 1) send(conn, { cmd: 'puback', messageId, ...(v5 ? { reasonCode: code } : {}) });
          if (packet.qos === 2) send(conn, { cmd: 'pubrec', messageId, ...(v5 ? { reasonCode: code } : {}) });
        });
      case 'pubrel':
        return send(conn, { cmd: 'pubcomp', messageId: packet.messageId });
      case 'subscribe':
        return reply(conn, opts.onSubscribe?.(packet, conn), (code) =>
          send(conn, {
            cmd: 'suback',
            messageId: packet.messageId,
            granted: packet.subscriptions.map((s) => code ?? s.qos),
          }),
        );
      case 'unsubscribe':
        return send(conn, {
          cmd: 'unsuback',
          messageId: packet.messageId,
          granted: packet.unsubscriptions.map(() => 0),
        });
      case 'pingreq':
        return send(conn, { cmd: 'pingresp' });
      case 'puback': {
        const entry = sent.get(`${conn.id}:${packet.messageId}`);
        if (entry && !entry.puback) entry.resolve((entry.puback = { packet, at: Date.now() }).packet);
        return;
      }
      case 'disconnect':
        return void conn.socket.end();
    }
  };

  const onSocket = (socket: net.Socket): void => {
    const conn: ScriptConnection = {
      id: connections.length,
      socket,
      connect: undefined,
      protocolVersion: 5,
      closed: false,
    };
    connections.push(conn);
    const p = parser();
    p.on('packet', (packet: Packet) => {
      const received: ReceivedPacket = { seq: packets.length, conn: conn.id, packet, at: Date.now() };
      packets.push(received);
      for (const w of waiters) w(received);
      handle(conn, packet);
    });
    // A malformed packet from the client under test: drop it, as a broker would.
    p.on('error', () => socket.destroy());
    socket.on('data', (buf: Buffer) => p.parse(buf));
    socket.on('close', () => (conn.closed = true));
    socket.on('error', () => undefined); // resets by the client are part of the tests
  };
  const server = opts.tls ? tls.createServer(opts.tls, onSocket) : net.createServer(onSocket);
  const { port } = await listen(server, { host: opts.host ?? '127.0.0.1', port: 0 });
  return {
    port,
    connections,
    packets,
    send,
    disconnect,
    publish(c, msg) {
      const conn = connOf(c);
      if (!conn) throw new Error(`no connection ${typeof c === 'number' ? c : c.id}`);
      const qos: QoS = msg.qos ?? 0;
      const messageId = qos === 0 ? 0 : ((nextIds.get(conn.id) ?? 0) % 65535) + 1;
      if (qos) nextIds.set(conn.id, messageId);
      let resolve!: (p: IPubackPacket) => void;
      const acked = new Promise<IPubackPacket>((r) => (resolve = r));
      const entry = { conn: conn.id, messageId, sentAt: Date.now(), puback: undefined, acked, resolve };
      if (qos) sent.set(`${conn.id}:${messageId}`, entry);
      const { topic, payload, retain = false, properties } = msg;
      send(conn, {
        cmd: 'publish',
        topic,
        payload,
        qos,
        retain,
        dup: false,
        ...(qos ? { messageId } : {}),
        ...(properties ? { properties } : {}),
      });
      return entry;
    },
    waitFor(match, timeoutMs = 5000) {
      const found = packets.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (p: ReceivedPacket) => {
          if (!match(p)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(p);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching packet within ${timeoutMs} ms; received: ${packets.map((p) => `${p.conn}:${p.packet.cmd}`).join(' ') || 'nothing'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const c of connections) c.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
