// The HTTP limits on a node:http(s) server: Node enforces the header and request timeouts itself (checked every
// connectionsCheckingInterval) and the connection cap (maxConnections); the write timeout is a timer per request.
// Every time a limit cuts a client off, `onLimit` is told which key did it, so the operator knows what to change.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpServerLimits } from './server-limits.ts';

/** The key of the limit that cut a client off. */
export type HttpLimit = 'read_header_timeout' | 'read_timeout' | 'write_timeout' | 'max_connections';

// Node checks its timeouts on an interval (30 s by default): a fraction of the shortest one, so a limit is
// enforced within a quarter of itself, but never more often than every 25 ms nor less than every second.
const MIN_CHECK_MS = 25;
const MAX_CHECK_MS = 1_000;

// Node's TLS handshake limit (120 s) when neither header nor request timeout is set.
const NODE_HANDSHAKE_TIMEOUT_MS = 120_000;

/**
 * Options for createServer: Node's names for the Collector's keys. A 0 falls back as in Go's http.Server. Over TLS
 * the handshake comes before the headers, and gets the header timeout too (Node would wait 120 s).
 */
export function httpServerOptions(l: HttpServerLimits): ServerOptions & { handshakeTimeout: number } {
  const headers = l.read_header_timeout || l.read_timeout;
  const shortest = Math.min(...[headers, l.read_timeout].filter((ms) => ms > 0));
  return {
    headersTimeout: headers,
    requestTimeout: l.read_timeout,
    keepAliveTimeout: l.idle_timeout || l.read_timeout,
    connectionsCheckingInterval: Number.isFinite(shortest)
      ? Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, Math.floor(shortest / 4)))
      : MAX_CHECK_MS,
    handshakeTimeout: headers || NODE_HANDSHAKE_TIMEOUT_MS,
  };
}

export interface HttpGuard {
  /** Whether a limit (not the client) ended this request's connection. */
  cutOff(req: IncomingMessage): boolean;
}

/** Applies the cap and the write timeout, and answers what Node reports as client errors (timeouts, bad requests). */
export function guardHttpServer(server: Server, l: HttpServerLimits, onLimit: (limit: HttpLimit) => void): HttpGuard {
  const inRequest = new WeakSet<Duplex>();
  const cut = new WeakSet<Duplex>();
  if (l.max_connections > 0) {
    server.maxConnections = l.max_connections;
    server.on('drop', () => onLimit('max_connections'));
  }
  // TLS servers: a handshake not done within handshakeTimeout. A listener takes over from Node's default, which
  // destroys the socket: so does this one.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') onLimit('read_header_timeout');
    socket.destroy();
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inRequest.add(socket);
    const timer =
      l.write_timeout > 0
        ? setTimeout(() => {
            cut.add(socket);
            onLimit('write_timeout');
            socket.destroy();
          }, l.write_timeout)
        : undefined;
    res.once('close', () => {
      clearTimeout(timer);
      inRequest.delete(socket);
    });
  });
  // With a listener, Node leaves the answer to us; as its own: a status line when nothing was sent yet, then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    let answer = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
    if (err.code === 'HPE_HEADER_OVERFLOW')
      answer = 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      cut.add(socket);
      onLimit(inRequest.has(socket) ? 'read_timeout' : 'read_header_timeout');
      answer = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
    }
    // A request in progress answers for itself (the handler sees its connection end).
    if (socket.writable && !inRequest.has(socket) && err.code !== 'ECONNRESET') socket.write(answer);
    socket.destroy();
  });
  return { cutOff: (req) => cut.has(req.socket) };
}
