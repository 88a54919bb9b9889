// `from_context`: a value from what the receiver knew about the client, as the Collector's client.Info gives it.
// otelhub carries the client's metadata (request headers / gRPC metadata, kept by a receiver with
// `include_metadata: true`) on the consume context; `metadata.<key>` and a bare `<key>` read it, as in the
// Collector. Its authenticators pass nothing on about the client, and the context holds no client address, so
// `auth.*` and `client.address` are refused at load time rather than silently never matching.
import type { ConsumeContext } from '../../../core/consumer.ts';

export const METADATA_PREFIX = 'metadata.';
const AUTH_PREFIX = 'auth.';
const CLIENT_ADDRESS = 'client.address';

/** Why `from_context: key` cannot work in otelhub, or undefined when it can. */
export function fromContextProblem(key: string): string | undefined {
  if (key.startsWith(AUTH_PREFIX))
    return `"${key}": otelhub's authenticators pass no attributes on (only "metadata.<key>" is available)`;
  if (key === CLIENT_ADDRESS)
    return `"${key}": the client address is not available to processors (only "metadata.<key>" is available)`;
  return undefined;
}

/**
 * Client metadata as the receivers attach it (ConsumeContext.metadata, set with `include_metadata`): lower-case
 * keys, each with its values in order. Read structurally, so this works whether or not the context declares it.
 */
type ClientMetadata = Readonly<Record<string, readonly string[] | string | undefined>>;

function lookup(md: ClientMetadata, key: string): readonly string[] | string | undefined {
  return Object.hasOwn(md, key) ? md[key] : undefined;
}

/**
 * The value of `key` for the client that sent the data, or undefined: several values are joined with `;`, as in
 * the Collector. Header names are case-insensitive, so a key not found as written is looked up in lower case.
 */
export function contextValue(ctx: ConsumeContext, key: string): string | undefined {
  const md = (ctx as { readonly metadata?: ClientMetadata }).metadata;
  if (!md) return undefined;
  const name = key.startsWith(METADATA_PREFIX) ? key.slice(METADATA_PREFIX.length) : key;
  const v = lookup(md, name) ?? lookup(md, name.toLowerCase());
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return v.length === 0 ? undefined : v.join(';');
}
