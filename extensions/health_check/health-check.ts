// Answers 200 while every component is up and 503 otherwise, with the Collector's health_check body, so
// Kubernetes probes and load balancers written for the Collector work unchanged.
import type { CreateSettings, Extension, Host } from '../../core/component.ts';
import type { HttpListener } from '../../core/net.ts';
import { listenHttp } from '../../core/net.ts';
import type { HealthCheckConfig } from './config.ts';

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
    this.listener = await listenHttp(this.config.endpoint, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== this.config.path) {
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
    });
    this.settings.logger.info('health check listening', { endpoint: `${this.listener.address.host}:${this.listener.address.port}` });
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}
