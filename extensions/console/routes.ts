// The console's HTTP routes: the page and its two static files, sign-in and sign-out, and the JSON API (README.md
// documents every path). Everything but the static files and the login page needs access when auth is configured.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access } from './access.ts';
import type { Snapshot } from './snapshot.ts';
import { SECTIONS } from './snapshot.ts';

export interface Page {
  index: string;
  login: string;
  app: string;
  style: string;
}

export interface RouteDeps {
  access: Access;
  page: Page;
  snapshot(): Snapshot;
  configText(): Promise<string>;
  /** Registers an event stream; false when too many are open. */
  openStream(res: ServerResponse): boolean;
  /** A sign-in was refused (logged rate-limited: someone may be guessing). */
  refused(client: string | undefined): void;
}

/** A login form is a few dozen bytes; anything much larger is not one. */
const MAX_FORM_BYTES = 4096;

// The page runs only its own script and style, talks only to this origin, and is never framed.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

function send(res: ServerResponse, status: number, type: keyof typeof TYPES, body: string, extra = {}): void {
  res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[type],
      'content-length': Buffer.byteLength(body),
      ...extra,
    })
    .end(body);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(undefined));
  });
}

function loginPage(deps: RouteDeps, res: ServerResponse, status: number, notice: string): void {
  send(res, status, 'html', deps.page.login.replace('<!--notice-->', notice));
}

async function login(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const cookie = await deps.access.login(form?.get('token') ?? '');
  if (!cookie) {
    deps.refused(req.socket.remoteAddress);
    return loginPage(deps, res, 401, '<p class="notice">That token was not accepted.</p>');
  }
  res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'set-cookie': cookie }).end();
}

function stream(deps: RouteDeps, res: ServerResponse): void {
  if (!deps.openStream(res)) {
    send(res, 503, 'json', JSON.stringify({ error: 'too many console streams are open' }));
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
  res.write(`retry: 3000\nevent: snapshot\ndata: ${JSON.stringify(deps.snapshot())}\n\n`);
}

/** The JSON API: /api/v1/snapshot, /api/v1/<section>, /api/v1/config, /api/v1/events. */
async function api(deps: RouteDeps, path: string, res: ServerResponse): Promise<void> {
  const name = path.slice('/api/v1/'.length);
  if (name === 'events') return stream(deps, res);
  if (name === 'config') return send(res, 200, 'text', await deps.configText());
  if (name === 'snapshot') return send(res, 200, 'json', JSON.stringify(deps.snapshot()));
  if ((SECTIONS as readonly string[]).includes(name)) {
    const s = deps.snapshot() as unknown as Record<string, unknown>;
    return send(res, 200, 'json', JSON.stringify(s[name]));
  }
  send(res, 404, 'json', JSON.stringify({ error: `no such endpoint: ${path}` }));
}

export async function routeRequest(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  if (path === '/static/app.js') return send(res, 200, 'js', deps.page.app);
  if (path === '/static/style.css') return send(res, 200, 'css', deps.page.style);
  if (path === '/login' && method === 'POST') return login(deps, req, res);
  if (path === '/logout' && method === 'POST') {
    res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'set-cookie': deps.access.logout(req) }).end();
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return send(res, 405, 'text', 'method not allowed', { allow: 'GET, HEAD' });
  }
  const verdict = await deps.access.check(req);
  const isApi = path.startsWith('/api/v1/');
  if (verdict !== 'ok') {
    if (isApi)
      return send(res, 401, 'json', JSON.stringify({ error: `credentials ${verdict}` }), {
        'www-authenticate': 'Bearer realm="otelhub console"',
      });
    return path === '/' ? loginPage(deps, res, 401, '') : send(res, 404, 'text', 'not found');
  }
  if (path === '/') return send(res, 200, 'html', deps.page.index);
  if (isApi) return api(deps, path, res);
  send(res, 404, 'text', 'not found');
}
