// Who may see the console. The JSON API takes the configured authenticator's credentials on every request
// (`Authorization: Bearer ...`, for scripts). A browser sends no such header when it opens a page, and EventSource
// cannot send one at all, so a person signs in once on the login page with the same token: the console checks it
// with the authenticator and answers with an HttpOnly, SameSite=Strict session cookie (random, kept in memory,
// expiring after session_timeout). The token never appears in a URL, a page or a script's reach.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ServerAuthenticator } from '../../core/auth.ts';

export const COOKIE_NAME = 'otelhub_console';
/** Sessions kept at most: the oldest is forgotten first (its holder signs in again). */
export const MAX_SESSIONS = 1000;

export type Verdict = 'ok' | 'missing' | 'invalid';

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === COOKIE_NAME && v) return v;
  }
  return undefined;
}

export class Access {
  /** Session ID to expiry (epoch ms), in creation order. */
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly auth: ServerAuthenticator | undefined,
    private readonly timeoutMs: number,
    private readonly secure: boolean,
  ) {}

  get required(): boolean {
    return this.auth !== undefined;
  }

  /** A session cookie, else the request's own credentials (a script's bearer token). */
  async check(req: IncomingMessage): Promise<Verdict> {
    if (!this.auth) return 'ok';
    const id = cookieOf(req);
    if (id !== undefined) {
      const until = this.sessions.get(id);
      if (until !== undefined && until > Date.now()) return 'ok';
      this.sessions.delete(id);
    }
    return this.authenticate(req.headers);
  }

  private async authenticate(headers: IncomingMessage['headers']): Promise<Verdict> {
    try {
      await this.auth?.authenticate(headers);
      return 'ok';
    } catch (err) {
      return (err as { reason?: unknown }).reason === 'missing' ? 'missing' : 'invalid';
    }
  }

  /**
   * Checks a token typed on the login page as the authenticator would check `Authorization: Bearer <token>` (or the
   * bare value, for an authenticator configured without a scheme); the Set-Cookie value when it is good.
   */
  async login(token: string): Promise<string | undefined> {
    if (!this.auth || token === '') return undefined;
    const ok =
      (await this.authenticate({ authorization: `Bearer ${token}` })) === 'ok' ||
      (await this.authenticate({ authorization: token })) === 'ok';
    if (!ok) return undefined;
    const now = Date.now();
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, now + this.timeoutMs);
    return this.cookie(id, Math.floor(this.timeoutMs / 1000));
  }

  /** Forgets the request's session; the Set-Cookie value that clears it. */
  logout(req: IncomingMessage): string {
    const id = cookieOf(req);
    if (id !== undefined) this.sessions.delete(id);
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    return `${COOKIE_NAME}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.secure ? '; Secure' : ''}`;
  }
}
