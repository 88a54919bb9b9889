// The `otlp` receiver: an OTLP/gRPC and an OTLP/HTTP listener feeding the pipelines. Every request is answered
// only once the pipeline has settled its data, so a client's retry is what keeps refused data from being lost.
import type { CreateSettings, Host, ReceiverConsumers, Receiver } from '../../core/component.ts';
import type { ServerAuthenticator } from '../../core/auth.ts';
import { serverAuthenticator } from '../../core/auth.ts';
import { errorMessage } from '../../core/errors.ts';
import type { AuthConfig, OtlpReceiverConfig, ResolvedProtocols } from './config.ts';
import { resolveProtocols } from './config.ts';
import type { Listening } from './export.ts';
import { startHttp } from './http-server.ts';
import { RequestReports } from './reports.ts';

export class OtlpReceiver implements Receiver {
  private readonly protocols: ResolvedProtocols;
  private grpc: Listening | undefined;
  private http: Listening | undefined;
  private stopping: Promise<void> | undefined;
  private readonly reports: RequestReports;

  constructor(
    private readonly settings: CreateSettings,
    config: OtlpReceiverConfig,
    private readonly next: ReceiverConsumers,
  ) {
    this.protocols = resolveProtocols(config);
    this.reports = new RequestReports(settings);
  }

  /** The bound gRPC port (the real one when port 0 was configured); undefined before start or when disabled. */
  get grpcPort(): number | undefined {
    return this.grpc?.port;
  }

  get httpPort(): number | undefined {
    return this.http?.port;
  }

  async start(host: Host): Promise<void> {
    const { grpc, http } = this.protocols;
    // Both authenticators first, so a missing one fails start before anything listens.
    const grpcAuth = resolveAuth(host, 'grpc', grpc?.auth);
    const httpAuth = resolveAuth(host, 'http', http?.auth);
    const base = { consumers: this.next.byType, logger: this.settings.logger, reports: this.reports };
    // Both are tried, so both failures are reported (two ports taken) before anything that started is closed.
    const failed: unknown[] = [];
    if (grpc) {
      // Loaded only here: a receiver serving only HTTP never loads grpc-js.
      this.grpc = await import('./grpc-server.ts')
        .then(({ startGrpc }) => startGrpc(grpc, { ...base, auth: grpcAuth }))
        .catch((err: unknown) => void failed.push(err));
      if (this.grpc) this.settings.logger.info('OTLP gRPC receiver listening', { endpoint: this.grpc.endpoint });
    }
    if (http) {
      this.http = await startHttp(http, { ...base, auth: httpAuth }).catch((err: unknown) => void failed.push(err));
      if (this.http) this.settings.logger.info('OTLP HTTP receiver listening', { endpoint: this.http.endpoint });
    }
    if (failed.length === 0) return;
    await Promise.all([this.grpc?.shutdown(), this.http?.shutdown()]);
    this.grpc = undefined;
    this.http = undefined;
    throw failed.length === 1 ? failed[0] : new AggregateError(failed, failed.map((e) => errorMessage(e)).join('; '));
  }

  shutdown(): Promise<void> {
    this.stopping ??= Promise.all([this.grpc?.shutdown(), this.http?.shutdown()]).then(() => this.reports.close());
    return this.stopping;
  }
}

function resolveAuth(host: Host, protocol: string, auth: AuthConfig | undefined): ServerAuthenticator | undefined {
  if (!auth) return undefined;
  try {
    return serverAuthenticator(host, auth.authenticator);
  } catch (err) {
    throw new Error(`protocols::${protocol}::auth: ${(err as Error).message}`, { cause: err });
  }
}
