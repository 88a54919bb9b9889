// The embedded broker (`embedded_broker`): an aedes MQTT 3.1.1 broker in the hub's process, for small sites with no
// broker of their own. Devices connect to it; the receiver connects to it as an ordinary client, so acknowledgement
// works as with any broker. aedes keeps everything in memory: a hub crash loses what it held.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import { formatHostPort, listen, parseHostPort } from '../../core/net.ts';

export interface EmbeddedBroker {
  /** `host:port` as configured, with the real port when 0 was asked for (for logs). */
  readonly endpoint: string;
  /** The URL the receiver's own client connects to. */
  readonly url: string;
  /** Stops listening, closes every client (devices too) and the broker. Idempotent. */
  close(): Promise<void>;
}

/** Where a local client reaches a server bound to `address` (any interface: the loopback of that family). */
function connectHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

/** Starts aedes behind a TCP server on `endpoint` (`host:port`); rejects naming the endpoint when it cannot bind. */
export async function startEmbeddedBroker(endpoint: string): Promise<EmbeddedBroker> {
  const address = parseHostPort(endpoint);
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  let bound: AddressInfo;
  try {
    bound = await listen(server, address);
  } catch (err) {
    await new Promise<void>((r) => broker.close(() => r()));
    throw new Error(`embedded MQTT broker cannot listen on ${endpoint}: ${(err as Error).message}`, { cause: err });
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: formatHostPort(address.host, bound.port),
    url: `mqtt://${formatHostPort(connectHost(bound.address), bound.port)}`,
    close(): Promise<void> {
      closing ??= (async () => {
        const listenerClosed = new Promise<void>((r) => server.close(() => r()));
        await new Promise<void>((r) => broker.close(() => r()));
        // aedes ends its clients' streams; anything left (a half-open device socket) is cut.
        for (const s of sockets) s.destroy();
        await listenerClosed;
      })();
      return closing;
    },
  };
}
