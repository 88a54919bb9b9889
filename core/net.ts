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

const LISTEN_FAILURES: Readonly<Record<string, (addr: string) => string>> = {
  EADDRINUSE: (a) => `address ${a} is already in use`,
  EACCES: (a) => `no permission to listen on ${a} (ports below 1024 need privileges)`,
  EADDRNOTAVAIL: (a) => `address ${a} is not an address of this machine`,
  ENOTFOUND: (a) => `the host of ${a} cannot be resolved`,
  EAI_AGAIN: (a) => `the host of ${a} cannot be resolved`,
};

/**
 * A bind error in words a user can act on: `address 0.0.0.0:4318 is already in use` rather than `listen EADDRINUSE`.
 * The code is read from the error, or from its message for libraries that wrap it in text (grpc-js).
 */
export function listenFailure(err: unknown, addr: string): Error {
  const e = err as { code?: unknown; message?: unknown };
  const text = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : /\b(E[A-Z_]+)\b/.exec(text)?.[1];
  const say = code === undefined ? undefined : LISTEN_FAILURES[code];
  return new Error(say ? say(addr) : `cannot listen on ${addr}: ${text}`, { cause: err });
}

/**
 * Binds any server (TCP, HTTP, HTTPS) to `host`/`port`: resolves with the bound address (the real port when 0 was
 * asked for), rejects with the bind error in words (listenFailure) instead of leaving it to an 'error' event nobody
 * awaits.
 */
export async function listen(server: NetServer, { host, port }: HostPort): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(listenFailure(err, formatHostPort(host, port)));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
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
