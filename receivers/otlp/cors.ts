// CORS as the Collector's confighttp answers it (rs/cors): origins matched case-insensitively with `*` wildcards,
// the CORS-safelisted request headers always allowed, X-Requested-With too while allowed_headers is empty, and `*`
// allowing any header. Browsers need this to send OTLP/HTTP from a web page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from './config.ts';

const ALWAYS_ALLOWED = ['accept', 'accept-language', 'content-type', 'content-language', 'origin'];

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class Cors {
  private readonly origins: RegExp[];
  private readonly anyHeader: boolean;
  private readonly headers: Set<string>;
  private readonly maxAge: number;

  constructor(cfg: CorsConfig | undefined) {
    this.origins = (cfg?.allowed_origins ?? []).map(wildcard);
    const listed = (cfg?.allowed_headers ?? []).map((h) => h.toLowerCase());
    this.anyHeader = listed.includes('*');
    this.headers = new Set([...ALWAYS_ALLOWED, ...(listed.length ? listed : ['x-requested-with'])]);
    this.maxAge = cfg?.max_age ?? 0;
  }

  /** Off unless some origin is allowed. */
  get enabled(): boolean {
    return this.origins.length > 0;
  }

  allowsOrigin(origin: string | undefined): origin is string {
    if (!origin) return false;
    const o = origin.toLowerCase();
    return this.origins.some((re) => re.test(o));
  }

  /** Marks an actual (non-preflight) response as readable by the page that sent it. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    if (!this.enabled) return;
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (this.allowsOrigin(origin)) res.setHeader('access-control-allow-origin', origin);
  }

  static isPreflight(req: IncomingMessage): boolean {
    return (
      req.method === 'OPTIONS' &&
      req.headers.origin !== undefined &&
      req.headers['access-control-request-method'] !== undefined
    );
  }

  /**
   * Answers a preflight. A refused one still gets 204, only without the allow headers, which is what makes the
   * browser refuse (as rs/cors does).
   */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    const origin = req.headers.origin;
    const method = String(req.headers['access-control-request-method']).toUpperCase();
    const requested = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const headersOk = this.anyHeader || requested.every((h) => this.headers.has(h));
    if (this.allowsOrigin(origin) && method === 'POST' && headersOk) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'POST');
      if (requested.length) res.setHeader('access-control-allow-headers', requested.join(', '));
      if (this.maxAge > 0) res.setHeader('access-control-max-age', String(this.maxAge));
    }
    res.writeHead(204).end();
  }
}
