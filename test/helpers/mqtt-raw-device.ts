// A device speaking MQTT packet by packet (mqtt-packet over a socket), for what a real client library will not do:
// exceed Receive Maximum, send a malformed or oversize packet, or hold back its reads. Everything it receives is
// kept in `packets`, in order.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { generate, parser } from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';
import { eventually } from './hub.ts';

export interface RawDevice {
  socket: Socket;
  packets: Packet[];
  closed: boolean;
  send(packet: Packet): void;
  /** Resolves with the first received packet (from `from` on) that `pred` accepts. */
  next<P extends Packet>(pred: (p: Packet) => p is P, what: string, from?: number): Promise<P>;
  end(): void;
}

export async function rawDevice(port: number, protocolVersion: 4 | 5): Promise<RawDevice> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const p = parser({ protocolVersion });
  const dev: RawDevice = {
    socket,
    packets: [],
    closed: false,
    send: (packet) => void socket.write(generate(packet, { protocolVersion })),
    async next(pred, what, from = 0) {
      let found: Packet | undefined;
      await eventually(() => (found = dev.packets.slice(from).find(pred)) !== undefined || dev.closed, what);
      if (!found) throw new Error(`connection closed before ${what}; got ${dev.packets.map((x) => x.cmd).join(',')}`);
      return found as never;
    },
    end: () => void socket.destroy(),
  };
  p.on('packet', (packet: Packet) => dev.packets.push(packet));
  socket.on('data', (d: Buffer) => p.parse(d));
  socket.on('error', () => {});
  socket.on('close', () => (dev.closed = true));
  return dev;
}

export const isCmd =
  <C extends Packet['cmd']>(cmd: C) =>
  (p: Packet): p is Extract<Packet, { cmd: C }> =>
    p.cmd === cmd;
