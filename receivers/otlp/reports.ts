// How the receiver tells the operator about requests that did not go through: refused credentials and data the
// pipeline refused for good are counted and logged at warn, rate-limited (an attacker or a broken client must not
// flood the log); clients that went away are counted and logged at debug (a client's choice, not the hub's
// fault); a bug here is logged at error. The client's answer never carries more than a generic text (status.ts).
import type { Counter } from 'prom-client';
import type { CreateSettings } from '../../core/component.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { authRefusalReporter, limitHitReporter } from '../../core/receiver-reports.ts';
import type { LogFields } from '../../core/logger.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { RequestFailure } from './status.ts';

export type Transport = 'grpc' | 'http';
const TRANSPORTS: readonly Transport[] = ['grpc', 'http'];

export interface Where {
  transport: Transport;
  signal?: string;
  path?: string;
  remote?: string | undefined;
}

export { AUTH_REFUSED_METRIC, LIMIT_HITS_METRIC } from '../../core/receiver-reports.ts';
export const CLIENT_ABORTED_METRIC = 'otelhub_receiver_client_aborted_total';

export class RequestReports {
  private readonly logger: CreateSettings['logger'];
  private readonly auth: Map<Transport, DropReporter>;
  private readonly limits: Map<Transport, DropReporter>;
  private readonly permanent: DropReporter;
  private readonly aborted: Counter;
  private readonly receiver: string;
  private readonly samples: Telemetry['inspector']['drops'];

  constructor(settings: Pick<CreateSettings, 'id' | 'logger' | 'telemetry'>, intervalMs?: number) {
    this.logger = settings.logger;
    this.receiver = settings.id;
    const t: Telemetry = settings.telemetry;
    this.samples = t.inspector.drops;
    this.auth = new Map(TRANSPORTS.map((tr) => [tr, authRefusalReporter(settings, tr, intervalMs)]));
    this.limits = new Map(TRANSPORTS.map((tr) => [tr, limitHitReporter(settings, tr, intervalMs)]));
    this.permanent = new DropReporter(this.logger, {
      message: 'the pipeline refused a request for good; the client was answered 400 / INVALID_ARGUMENT',
      intervalMs,
    });
    this.aborted = t.counter({
      name: CLIENT_ABORTED_METRIC,
      help: 'Requests the client gave up on before their answer: a connection closed mid-body, a call cancelled.',
      labelNames: ['receiver', 'transport'],
    });
  }

  /** Counts and logs a failed request as its kind asks. */
  failed(where: Where, f: RequestFailure): void {
    const fields: LogFields = { ...where, status: where.transport === 'grpc' ? f.grpcCode : f.httpStatus };
    switch (f.kind) {
      case 'auth':
        // Never the credentials: the reason and where the request came from.
        return this.auth.get(where.transport)?.drop(f.authReason ?? 'invalid', 1, {
          ...fields,
          ...(f.detail === undefined ? {} : { error: f.detail }),
        });
      case 'permanent':
        // The console's sample: where it came from and why (an OTLP body is binary, so no payload).
        this.samples.record(`receiver:${this.receiver}`, 'permanent', 1, {
          origin: { transport: where.transport, ...(where.remote !== undefined && { client: where.remote }) },
          ...(f.detail !== undefined && { detail: f.detail }),
        });
        return this.permanent.drop(where.signal ?? where.path ?? 'unknown', 1, { ...fields, error: f.detail });
      case 'aborted':
        this.aborted.inc({ receiver: this.receiver, transport: where.transport });
        return this.logger.debug('the client went away before its answer', {
          ...fields,
          ...(f.detail === undefined ? {} : { error: f.detail }),
        });
      case 'internal':
        return this.logger.error('OTLP request failed', { ...fields, error: f.detail ?? f.message });
      default:
        return this.logger.debug('OTLP request refused', { ...fields, error: f.detail ?? f.message });
    }
  }

  /** A limit (its config key) cut a client off. */
  limitHit(transport: Transport, limit: string): void {
    this.limits.get(transport)?.drop(limit, 1, { transport });
  }

  close(): void {
    for (const r of [...this.auth.values(), ...this.limits.values()]) r.close();
    this.permanent.close();
  }
}
