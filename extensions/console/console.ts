// The console: one small page and the JSON API behind it, on its own listener (plain or TLS). The page is static
// HTML, CSS and JavaScript shipped in page/ (no build step, nothing from a CDN); it opens a server-sent event stream
// that carries a fresh snapshot every refresh_interval, so it stays live without reloading. Memory is bounded:
// rate history and drop samples by their limits, event streams by MAX_STREAMS and by dropping a snapshot for a
// client that does not keep up.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { loadServerTls, startTlsReload } from '../../config/blocks/index.ts';
import { serverAuthenticator } from '../../core/auth.ts';
import type { CreateSettings, Extension, Host } from '../../core/component.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { ConfigKeyError, errorMessage } from '../../core/errors.ts';
import {
  SMALL_SERVER_LIMITS,
  SMALL_SERVER_MAX_CONNECTIONS,
  formatHostPort,
  listen,
  parseHostPort,
} from '../../core/net.ts';
import { Access } from './access.ts';
import type { ConsoleConfig } from './config.ts';
import { historyPoints } from './config.ts';
import { RateHistory } from './rates.ts';
import { routeRequest } from './routes.ts';
import type { Page } from './routes.ts';
import type { Snapshot } from './snapshot.ts';
import { snapshot } from './snapshot.ts';

/** Event streams open at once at most: an operator has a few tabs, not hundreds. */
export const MAX_STREAMS = 32;
/** A stream whose unsent bytes pass this skips snapshots until it catches up. */
export const STREAM_BACKLOG_BYTES = 1024 * 1024;

const PAGE_FILES = { index: 'index.html', login: 'login.html', app: 'app.js', style: 'style.css' } as const;

async function readPage(): Promise<Page> {
  const dir = new URL('./page/', import.meta.url);
  const read = (f: string): Promise<string> => readFile(new URL(f, dir), 'utf8');
  const [index, login, app, style] = await Promise.all(Object.values(PAGE_FILES).map(read));
  return { index: index ?? '', login: login ?? '', app: app ?? '', style: style ?? '' };
}

export class Console implements Extension {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopReload: () => void = () => {};
  private readonly streams = new Set<ServerResponse>();
  private readonly rates: RateHistory;
  private bound: { host: string; port: number } | undefined;
  /** Refused sign-ins, logged at warn, rate-limited. */
  private readonly refusals: DropReporter;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: ConsoleConfig,
  ) {
    this.rates = new RateHistory(settings.telemetry, historyPoints(config));
    this.refusals = new DropReporter(settings.logger, { message: 'console sign-in refused' });
  }

  /** The bound port (useful when the endpoint asked for port 0). */
  get port(): number | undefined {
    return this.bound?.port;
  }

  async start(host: Host): Promise<void> {
    const { config, settings } = this;
    let access: Access;
    try {
      const auth = config.auth ? serverAuthenticator(host, config.auth.authenticator) : undefined;
      access = new Access(auth, config.session_timeout, config.tls !== undefined);
    } catch (err) {
      throw new ConfigKeyError(['auth', 'authenticator'], errorMessage(err), { cause: err });
    }
    const s = config.drop_samples;
    settings.telemetry.inspector.drops.configure(
      s.enabled
        ? {
            per_reason: s.per_reason,
            max_bytes: s.max_bytes,
            payload_bytes: s.payload_bytes,
            payloads: s.payloads,
            redact_keys: s.redact_keys,
          }
        : undefined,
    );
    const page = await readPage();
    const deps = {
      access,
      page,
      snapshot: (): Snapshot =>
        snapshot({
          host,
          telemetry: settings.telemetry,
          rates: this.rates,
          refreshMs: config.refresh_interval,
          payloads: s.enabled && s.payloads,
        }),
      configText: async () => (await host.describe?.().config()) ?? '',
      openStream: (res: ServerResponse) => this.openStream(res),
      refused: (client: string | undefined) => this.refusals.drop('invalid', 1, { client }),
    };
    this.snapshotFn = deps.snapshot;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      routeRequest(deps, req, res).catch((err: unknown) => {
        settings.logger.warn('console request failed', { error: errorMessage(err), path: req.url });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      });
    };
    this.server = await this.makeServer(handler);
    this.server.maxConnections = SMALL_SERVER_MAX_CONNECTIONS;
    const address = parseHostPort(config.endpoint);
    try {
      const a = await listen(this.server, address);
      this.bound = { host: a.address, port: a.port };
    } catch (err) {
      this.stopReload();
      throw new ConfigKeyError(['endpoint'], errorMessage(err), { cause: err });
    }
    await this.tick();
    this.timer = setInterval(() => void this.tick(), config.refresh_interval);
    this.timer.unref();
    settings.logger.info('console listening', {
      endpoint: `${config.tls ? 'https' : 'http'}://${formatHostPort(this.bound.host, this.bound.port)}/`,
      auth: config.auth?.authenticator ?? 'none',
      drop_samples: s.enabled ? (s.payloads ? 'with payloads' : 'without payloads') : 'off',
    });
    if (!config.auth && !['localhost', '127.0.0.1', '::1'].includes(address.host))
      settings.logger.warn('console has no auth and listens beyond this machine', { endpoint: config.endpoint });
  }

  private async makeServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
    const tlsCfg = this.config.tls;
    if (!tlsCfg) return createServer(SMALL_SERVER_LIMITS, handler);
    const tls = await loadServerTls(tlsCfg).catch((err: unknown) => {
      throw new ConfigKeyError(['tls'], errorMessage(err), { cause: err });
    });
    const https = createHttpsServer({ ...tls, ...SMALL_SERVER_LIMITS }, handler);
    this.stopReload = startTlsReload(
      tlsCfg,
      tls,
      (o) => https.setSecureContext(o),
      (err) =>
        this.settings.logger.warn('cannot reload the console certificates; keeping the previous ones', {
          error: err.message,
        }),
    );
    return https;
  }

  /** Samples the rates, then sends every open stream the same fresh snapshot. */
  private async tick(): Promise<void> {
    try {
      await this.rates.sample();
    } catch (err) {
      this.settings.logger.debug('console cannot read the metrics', { error: errorMessage(err) });
    }
    if (this.streams.size === 0) return;
    this.broadcast(this.snapshotText());
  }

  private snapshotFn: (() => Snapshot) | undefined;

  private snapshotText(): string {
    return this.snapshotFn ? `event: snapshot\ndata: ${JSON.stringify(this.snapshotFn())}\n\n` : '';
  }

  private broadcast(text: string): void {
    for (const res of this.streams) {
      // A client that does not read (a sleeping laptop) gets no more until it has caught up.
      if (res.writableLength > STREAM_BACKLOG_BYTES) continue;
      res.write(text);
    }
  }

  /** Starts an event stream on `res`, with a snapshot at once; false when too many are open. */
  private openStream(res: ServerResponse): boolean {
    if (this.streams.size >= MAX_STREAMS) return false;
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    return true;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.refusals.close();
    this.stopReload();
    for (const res of this.streams) res.end();
    this.streams.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
