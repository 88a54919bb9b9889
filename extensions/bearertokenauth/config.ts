import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const DEFAULT_SCHEME = 'Bearer';
export const DEFAULT_HEADER = 'authorization';

export interface BearerTokenAuthConfig {
  /** Put before the token with one space; empty: the header carries the token alone. */
  scheme: string;
  /** The token itself (exclusive with filename). */
  token?: string;
  /** A file holding the token, re-read when it changes (exclusive with token). */
  filename?: string;
  /** Header name; matched case-insensitively, sent in lower case (as gRPC metadata requires). */
  header: string;
}

// RFC 9110 token characters: what a header name and an auth scheme may contain.
const TCHAR = "[A-Za-z0-9!#$%&'*+.^_`|~-]";

/** What a header value may carry on both HTTP and gRPC (printable ASCII); also checked on tokens read from files. */
export const TOKEN_CHARS = /^[\x20-\x7e]+$/;

export const bearerTokenAuthConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scheme: { type: 'string', pattern: `^${TCHAR}*$`, default: DEFAULT_SCHEME },
    token: { type: 'string', minLength: 1, sensitive: true },
    filename: { type: 'string', minLength: 1, file: 'text' },
    header: { type: 'string', pattern: `^${TCHAR}+$`, default: DEFAULT_HEADER },
  },
};

// Exactly one source, as the Collector's Validate: with neither, a server would accept a bare scheme.
export function validateBearerTokenAuthConfig(cfg: BearerTokenAuthConfig): ConfigIssue[] {
  if (cfg.token !== undefined && cfg.filename !== undefined) {
    return [{ path: ['filename'], message: 'set either token or filename, not both' }];
  }
  if (cfg.token === undefined && cfg.filename === undefined) {
    return [{ path: [], message: 'set token or filename' }];
  }
  // The message must not quote the token.
  if (cfg.token !== undefined && !TOKEN_CHARS.test(cfg.token)) {
    return [{ path: ['token'], message: 'token may only contain printable ASCII characters' }];
  }
  return [];
}
