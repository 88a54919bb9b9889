// Listening addresses as the Collector writes them: `host:port`, `[::1]:port`, or `:port` for every interface.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(addr: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid address "${addr}": expected host:port, e.g. localhost:8888`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export interface HttpListener {
  readonly server: Server;
  /** The bound address, with the real port when 0 was asked for. */
  readonly address: HostPort;
  close(): Promise<void>;
}

/** An HTTP server listening on `addr`; resolves once bound, rejects with the bind error (port in use). */
export async function listenHttp(
  addr: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpListener> {
  const { host, port } = parseHostPort(addr);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
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
