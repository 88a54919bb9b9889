// Answers 200 while every component is up and 503 otherwise, with the Collector's health_check body, so
// Kubernetes probes and load balancers written for the Collector work unchanged. The optional liveness and
// readiness paths answer the two questions Kubernetes asks separately, in plain text as the Rust trace exporter's
// /healthz and /readyz did: a broker outage makes the hub not ready (no traffic, keep the pod), never not alive
// (a restart would not bring the broker back).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CreateSettings, Extension, Host } from '../../core/component.ts';
import type { HttpListener } from '../../core/net.ts';
import { ConfigKeyError } from '../../core/errors.ts';
import { listenHttp } from '../../core/net.ts';
import type { HealthCheckConfig } from './config.ts';

/** Alive unless a component gave up for good: only a restart helps then. */
function alive(host: Host): boolean {
  return Object.values(host.status.snapshot()).every((e) => e.status !== 'fatal_error');
}

function probe(req: IncomingMessage, res: ServerResponse, ok: boolean, okBody: string, failBody: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed');
    return;
  }
  const body = ok ? okBody : failBody;
  // Probes must see the state now, never a cached answer.
  res.writeHead(ok ? 200 : 503, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  // HEAD gets the GET answer's headers (content-length included) and no body.
  res.end(req.method === 'HEAD' ? undefined : body);
}

export class HealthCheck implements Extension {
  private listener: HttpListener | undefined;
  private readonly since = new Date();

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: HealthCheckConfig,
  ) {}

  /** The bound port (useful when the endpoint asked for port 0). */
  get port(): number | undefined {
    return this.listener?.address.port;
  }

  async start(host: Host): Promise<void> {
    const { path: statusPath, liveness_path: livenessPath, readiness_path: readinessPath } = this.config;
    this.listener = await listenHttp(this.config.endpoint, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (livenessPath !== undefined && path === livenessPath) return probe(req, res, alive(host), 'ok', 'not ok');
      if (readinessPath !== undefined && path === readinessPath)
        return probe(req, res, host.status.ready(), 'ready', 'not ready');
      if (path !== statusPath) {
        res.writeHead(404).end();
        return;
      }
      const ready = host.status.ready();
      const verbose = (req.url ?? '').includes('verbose');
      const body: Record<string, unknown> = {
        status: ready ? 'Server available' : 'Server not available',
        upSince: this.since.toISOString(),
        uptime: `${((Date.now() - this.since.getTime()) / 1000).toFixed(3)}s`,
      };
      if (verbose) body.components = host.status.snapshot();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }).catch((err: unknown) => {
      throw new ConfigKeyError(['endpoint'], (err as Error).message, { cause: err });
    });
    this.settings.logger.info('health check listening', {
      endpoint: `${this.listener.address.host}:${this.listener.address.port}`,
      path: statusPath,
      ...(livenessPath !== undefined ? { liveness_path: livenessPath } : {}),
      ...(readinessPath !== undefined ? { readiness_path: readinessPath } : {}),
    });
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}
