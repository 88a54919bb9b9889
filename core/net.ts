// Listening addresses as the Collector writes them: `host:port`, `[::1]:port`, or `:port` for every interface.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(addr: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(addr.trim());
  if (!m) throw new Error(`invalid address "${addr}": expected host:port, e.g. localhost:8888`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid address "${addr}": port ${m[3]} is out of range (0-65535)`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** `host:port`, an IPv6 host in brackets, as parseHostPort reads it back. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Binds any server (TCP, HTTP, HTTPS) to `host`/`port`: resolves with the bound address (the real port when 0 was
 * asked for), rejects with the bind error (port in use) instead of leaving it to an 'error' event nobody awaits.
 */
export async function listen(server: NetServer, { host, port }: HostPort): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export interface HttpListener {
  readonly server: Server;
  /** The bound address, with the real port when 0 was asked for. */
  readonly address: HostPort;
  close(): Promise<void>;
}

// The health and metrics endpoints answer small GETs: a client gets 10 s for the whole request (Node's defaults,
// 60 s for headers and 300 s in all, let slow sockets pile up), and at most 100 are open at once (probes and
// scrapers need a handful).
export const SMALL_SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
} as const;
export const SMALL_SERVER_MAX_CONNECTIONS = 100;

/**
 * An HTTP server for the hub's own small endpoints (health, metrics) listening on `addr`, with SMALL_SERVER_LIMITS;
 * resolves once bound, rejects with the bind error (port in use).
 */
export async function listenHttp(
  addr: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpListener> {
  const server = createServer(SMALL_SERVER_LIMITS, handler);
  server.maxConnections = SMALL_SERVER_MAX_CONNECTIONS;
  const a = await listen(server, parseHostPort(addr));
  let closing: Promise<void> | undefined;
  return {
    server,
    address: { host: a.address, port: a.port },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
