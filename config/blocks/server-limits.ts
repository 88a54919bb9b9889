// How long a server waits for a client, and how many it serves at once: the keys of the Collector's confighttp
// (read_header_timeout, read_timeout, write_timeout, idle_timeout) and configgrpc (max_concurrent_streams,
// keepalive.server_parameters), plus what otelhub adds where Node's servers can enforce more than Go's: a cap on
// connections (HTTP and gRPC) and a time limit on a gRPC call's request message. The defaults are tighter than the
// Collector's where its defaults leave a slow client holding a connection for minutes (slowloris).
import { MAX_TIMER_MS } from '../duration.ts';
import type { ConfigIssue } from '../../core/component.ts';

/** Request line and headers; the Collector's default is 1m, long enough for 1,000 slow sockets to pile up. */
export const DEFAULT_READ_HEADER_TIMEOUT_MS = 10_000;
/** The whole request, body included (the Collector has none): a 20 MiB body still gets 30 s at 0.7 MB/s. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;
/** From the request's headers to the end of its answer (the Collector's default). */
export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;
/** A keep-alive connection waiting for its next request (the Collector's default). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Open HTTP connections; past it a new one is closed at once. Below a container's usual 1,024 file descriptors. */
export const DEFAULT_MAX_CONNECTIONS = 1_000;
/** Concurrent calls on one gRPC connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; gRPC-Go's default has none). */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;
/** A gRPC call's request message must have arrived this long after its headers. */
export const DEFAULT_GRPC_READ_TIMEOUT_MS = 30_000;

const duration = (ms: number) => ({ type: ['string', 'number'], duration: true, default: `${ms / 1000}s` });
const optionalDuration = { type: ['string', 'number'], duration: true };

export interface HttpServerLimits {
  /** Milliseconds (as every duration below); 0: no limit. */
  read_header_timeout: number;
  read_timeout: number;
  write_timeout: number;
  idle_timeout: number;
  /** 0: no cap. */
  max_connections: number;
}

export const HTTP_SERVER_LIMIT_DEFAULTS: Readonly<HttpServerLimits> = {
  read_header_timeout: DEFAULT_READ_HEADER_TIMEOUT_MS,
  read_timeout: DEFAULT_READ_TIMEOUT_MS,
  write_timeout: DEFAULT_WRITE_TIMEOUT_MS,
  idle_timeout: DEFAULT_IDLE_TIMEOUT_MS,
  max_connections: DEFAULT_MAX_CONNECTIONS,
};

/** Properties to spread into an HTTP server block's schema. */
export const httpServerLimitsProperties = {
  read_header_timeout: duration(DEFAULT_READ_HEADER_TIMEOUT_MS),
  read_timeout: duration(DEFAULT_READ_TIMEOUT_MS),
  write_timeout: duration(DEFAULT_WRITE_TIMEOUT_MS),
  idle_timeout: duration(DEFAULT_IDLE_TIMEOUT_MS),
  max_connections: { type: 'integer', minimum: 0, default: DEFAULT_MAX_CONNECTIONS },
};

/** keepalive.server_parameters, as configgrpc; unset keys keep grpc-js's defaults (none for idle and age). */
export interface GrpcKeepaliveServerParameters {
  max_connection_idle?: number;
  max_connection_age?: number;
  max_connection_age_grace?: number;
  /** Ping an idle client this often... */
  time?: number;
  /** ...and close the connection when the ping is not answered within this. */
  timeout?: number;
}

export interface GrpcServerLimits {
  max_concurrent_streams: number;
  /** otelhub's own: open connections on the listener; past it a new one is closed at once. 0: no cap. */
  max_connections: number;
  read_timeout: number;
  keepalive?: { server_parameters?: GrpcKeepaliveServerParameters };
}

/**
 * Open gRPC connections. A gRPC client multiplexes its calls over one connection, so 500 is 500 clients (each up to
 * max_concurrent_streams calls): lower than HTTP's, since gRPC needs fewer, and the two listeners share the process's
 * file descriptors.
 */
export const DEFAULT_GRPC_MAX_CONNECTIONS = 500;

export const GRPC_SERVER_LIMIT_DEFAULTS: Readonly<GrpcServerLimits> = {
  max_concurrent_streams: DEFAULT_MAX_CONCURRENT_STREAMS,
  max_connections: DEFAULT_GRPC_MAX_CONNECTIONS,
  read_timeout: DEFAULT_GRPC_READ_TIMEOUT_MS,
};

/** Properties to spread into a gRPC server block's schema. */
export const grpcServerLimitsProperties = {
  // HTTP/2 allows 2^31-1; 0 would let no call through.
  max_concurrent_streams: {
    type: 'integer',
    minimum: 1,
    maximum: 2 ** 31 - 1,
    default: DEFAULT_MAX_CONCURRENT_STREAMS,
  },
  max_connections: { type: 'integer', minimum: 0, default: DEFAULT_GRPC_MAX_CONNECTIONS },
  read_timeout: duration(DEFAULT_GRPC_READ_TIMEOUT_MS),
  keepalive: {
    type: 'object',
    additionalProperties: false,
    properties: {
      server_parameters: {
        type: 'object',
        additionalProperties: false,
        properties: {
          max_connection_idle: optionalDuration,
          max_connection_age: optionalDuration,
          max_connection_age_grace: optionalDuration,
          time: optionalDuration,
          timeout: optionalDuration,
        },
      },
    },
  },
};

function timerIssue(path: string[], ms: number | undefined): ConfigIssue[] {
  if (ms === undefined || (ms >= 0 && ms <= MAX_TIMER_MS)) return [];
  return [{ path, message: `must be a duration from 0 to ${MAX_TIMER_MS}ms, got ${String(ms)}` }];
}

/** Checks of the HTTP limits; `responseTimeoutMs` is how long the server may wait for the pipeline. */
export function validateHttpServerLimits(l: HttpServerLimits, responseTimeoutMs: number): ConfigIssue[] {
  const issues = (['read_header_timeout', 'read_timeout', 'write_timeout', 'idle_timeout'] as const).flatMap((k) =>
    timerIssue([k], l[k]),
  );
  // Node refuses a header limit above the request limit; it would mean nothing anyway.
  if (l.read_timeout > 0 && l.read_header_timeout > l.read_timeout)
    issues.push({
      path: ['read_header_timeout'],
      message: `read_header_timeout (${l.read_header_timeout}ms) cannot exceed read_timeout (${l.read_timeout}ms)`,
    });
  // The connection would be cut before the pipeline's answer (or the 503 that says it did not come in time).
  if (l.write_timeout > 0 && responseTimeoutMs > 0 && l.write_timeout <= responseTimeoutMs)
    issues.push({
      path: ['write_timeout'],
      message: `write_timeout (${l.write_timeout}ms) must be longer than response_timeout (${responseTimeoutMs}ms), or 0`,
    });
  return issues;
}

export function validateGrpcServerLimits(l: GrpcServerLimits): ConfigIssue[] {
  const sp = l.keepalive?.server_parameters ?? {};
  return [
    ...timerIssue(['read_timeout'], l.read_timeout),
    ...(Object.keys(sp) as (keyof GrpcKeepaliveServerParameters)[]).flatMap((k) =>
      timerIssue(['keepalive', 'server_parameters', k], sp[k]),
    ),
  ];
}

/** grpc-js channel options for the limits; a key left out keeps grpc-js's default. */
export function grpcServerOptions(l: GrpcServerLimits): Record<string, number> {
  const sp = l.keepalive?.server_parameters ?? {};
  const out: Record<string, number> = { 'grpc.max_concurrent_streams': l.max_concurrent_streams };
  const set = (key: string, ms: number | undefined): void => {
    if (ms !== undefined && ms > 0) out[key] = ms;
  };
  set('grpc.max_connection_idle_ms', sp.max_connection_idle);
  set('grpc.max_connection_age_ms', sp.max_connection_age);
  set('grpc.max_connection_age_grace_ms', sp.max_connection_age_grace);
  set('grpc.keepalive_time_ms', sp.time);
  set('grpc.keepalive_timeout_ms', sp.timeout);
  return out;
}
