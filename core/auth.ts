// Authentication extensions, as the Collector's `auth` settings reference them (`auth: { authenticator: id }`).
// A server authenticator checks incoming request headers; a client authenticator supplies outgoing headers.
import type { Extension, Host } from './component.ts';

/** Why credentials were refused, as receivers count it: none were presented, or they were wrong. */
export type AuthErrorReason = 'missing' | 'invalid';

/**
 * Thrown by a server authenticator: the request is answered 401 / UNAUTHENTICATED. The message must not quote
 * what the client sent.
 */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly reason: AuthErrorReason = 'invalid',
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Header names are lower case, as node:http and grpc-js metadata give them. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface ServerAuthenticator extends Extension {
  /** Resolves when the request may proceed; rejects with AuthError otherwise. Never logs the credentials. */
  authenticate(headers: IncomingHeaders): Promise<void>;
}

export interface ClientAuthenticator extends Extension {
  /** Headers to add to every outgoing request (read fresh each time: tokens rotate). */
  headers(): Promise<Record<string, string>>;
}

export function isServerAuthenticator(e: Extension | undefined): e is ServerAuthenticator {
  return typeof (e as { authenticate?: unknown } | undefined)?.authenticate === 'function';
}

export function isClientAuthenticator(e: Extension | undefined): e is ClientAuthenticator {
  return typeof (e as { headers?: unknown } | undefined)?.headers === 'function';
}

/** The extension an `auth.authenticator` setting names, checked for the role it must play. */
export function serverAuthenticator(host: Host, id: string): ServerAuthenticator {
  const e = host.getExtension(id);
  if (!e) throw new Error(`authenticator "${id}" is not configured or not listed in service.extensions`);
  if (!isServerAuthenticator(e)) throw new Error(`extension "${id}" cannot authenticate incoming requests`);
  return e;
}

export function clientAuthenticator(host: Host, id: string): ClientAuthenticator {
  const e = host.getExtension(id);
  if (!e) throw new Error(`authenticator "${id}" is not configured or not listed in service.extensions`);
  if (!isClientAuthenticator(e)) throw new Error(`extension "${id}" cannot authenticate outgoing requests`);
  return e;
}
