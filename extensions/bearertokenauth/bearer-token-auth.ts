// The Collector's bearertokenauth: one extension that both checks incoming requests (receivers' `auth`) and adds
// the header to outgoing ones (exporters' `auth`). The token, configured or read from a file, never reaches a log
// line or an error message.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../../core/auth.ts';
import type { ClientAuthenticator, IncomingHeaders, ServerAuthenticator } from '../../core/auth.ts';
import type { CreateSettings } from '../../core/component.ts';
import type { BearerTokenAuthConfig } from './config.ts';
import { TokenFile } from './token-file.ts';
import type { TokenFileOptions } from './token-file.ts';

const REFUSED = 'missing or invalid bearer token';

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'latin1').digest();

interface Expected {
  token: string;
  value: string;
  digest: Buffer;
}

export class BearerTokenAuth implements ServerAuthenticator, ClientAuthenticator {
  private readonly header: string;
  private file: TokenFile | undefined;
  private expected: Expected | undefined;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: BearerTokenAuthConfig,
    private readonly fileOptions: TokenFileOptions = {},
  ) {
    this.header = config.header.toLowerCase();
  }

  async start(): Promise<void> {
    if (this.config.filename === undefined || this.file) return;
    const file = new TokenFile(this.config.filename, this.settings.logger, this.fileOptions);
    await file.start();
    this.file = file;
    this.settings.logger.debug('bearer token read', { filename: this.config.filename });
  }

  async shutdown(): Promise<void> {
    this.file?.stop();
  }

  async authenticate(headers: IncomingHeaders): Promise<void> {
    const expected = this.current();
    const raw = headers[this.header];
    const presented = Array.isArray(raw) ? raw[0] : raw;
    // Digests have equal lengths whatever was sent, so neither the comparison nor its length check leaks the token.
    if (presented === undefined || presented === '') throw new AuthError(REFUSED, 'missing');
    if (!timingSafeEqual(sha256(this.withOwnScheme(presented)), expected.digest))
      throw new AuthError(REFUSED, 'invalid');
  }

  async headers(): Promise<Record<string, string>> {
    return { [this.header]: this.current().value };
  }

  private current(): Expected {
    const token = this.config.token ?? this.file?.value;
    if (token === undefined)
      throw new Error('bearertokenauth: the token file has not been read yet (the extension is not started)');
    if (this.expected?.token !== token) {
      const value = this.config.scheme === '' ? token : `${this.config.scheme} ${token}`;
      this.expected = { token, value, digest: sha256(value) };
    }
    return this.expected;
  }

  // Auth schemes are case-insensitive (RFC 9110 11.1), so `bearer x` is as good as `Bearer x`; the Collector is stricter.
  private withOwnScheme(presented: string): string {
    const { scheme } = this.config;
    const n = scheme.length;
    if (n === 0 || presented[n] !== ' ' || presented.slice(0, n).toLowerCase() !== scheme.toLowerCase())
      return presented;
    return scheme + presented.slice(n);
  }
}
