// Refused credentials (HTTP 401, 403, gRPC UNAUTHENTICATED, PERMISSION_DENIED) are retried, unlike in the Collector
// and the OTLP spec, which treat them as permanent: a rotated token file or key is often picked up a moment after
// the destination started refusing the old one, and dropping everything sent meanwhile would lose data (and
// acknowledge MQTT messages that were never delivered). A wrong credential then shows as an exporter that keeps
// retrying, so each refusal is counted and logged at error level, rate-limited.
import type { Counter } from 'prom-client';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import { asConsumerError } from './retry-sender.ts';
import type { ExportData, Send } from './send.ts';

const MAX_MESSAGE = 512;

export class AuthRefusals {
  private readonly counter: Counter;
  private readonly log: DropReporter;

  constructor(
    telemetry: Telemetry,
    private readonly exporter: string,
    logger: Logger,
    intervalMs?: number,
  ) {
    this.counter = telemetry.counter({
      name: 'otelhub_exporter_auth_refused_total',
      help: 'Attempts the destination refused for their credentials (HTTP 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED); they are retried.',
      labelNames: ['exporter', 'data_type'],
    });
    this.log = new DropReporter(logger, {
      level: 'error',
      message:
        'destination refused the credentials; retrying, data kept (check the auth extension or the headers if this goes on)',
      intervalMs,
    });
  }

  /** A Send that counts and logs the refused credentials of each attempt, and passes every error on unchanged. */
  wrap(next: Send): Send {
    return async (data: ExportData, signal: PipelineType) => {
      try {
        return await next(data, signal);
      } catch (e) {
        const err = asConsumerError(e);
        if (err.auth) {
          this.counter.inc({ exporter: this.exporter, data_type: signal });
          this.log.drop(signal, 1, { data_type: signal, error: err.message.slice(0, MAX_MESSAGE) });
        }
        throw err;
      }
    };
  }

  close(): void {
    this.log.close();
  }
}
