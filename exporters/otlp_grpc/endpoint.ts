// The gRPC endpoint, as the Collector's configgrpc reads it: `host:port`, or with an `http://` or `https://` prefix
// that also chooses the transport security. Rule:
//   http://host:port   plain text (a tls block with files is refused: it would be ignored)
//   https://host:port  TLS (tls.insecure: true is refused: the two contradict)
//   host:port          TLS, unless tls.insecure: true
// Without a port, gRPC's default 443 applies.
import { quoteEndpoint } from '../helper/config.ts';

export type Security = 'plaintext' | 'tls' | 'from-tls-config';

export interface GrpcEndpoint {
  /** What grpc-js dials: `host:port`, `[v6]:port`, or a host alone. */
  target: string;
  security: Security;
}

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+)(?::(\d{1,5}))?$/;

/** Throws an Error saying what is wrong. */
export function parseGrpcEndpoint(endpoint: string): GrpcEndpoint {
  let rest = endpoint.trim();
  let security: Security = 'from-tls-config';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (s !== 'http' && s !== 'https')
      throw new Error(
        `invalid endpoint ${quoteEndpoint(endpoint)}: the scheme may only be http:// (plain text) or https:// (TLS)`,
      );
    security = s === 'http' ? 'plaintext' : 'tls';
    rest = rest.slice(scheme[0].length).replace(/\/+$/, '');
  }
  const m = HOST_PORT.exec(rest);
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) {
    throw new Error(
      `invalid endpoint ${quoteEndpoint(endpoint)}: expected host:port, e.g. localhost:4317 (a path is not allowed)`,
    );
  }
  return { target: rest, security };
}
