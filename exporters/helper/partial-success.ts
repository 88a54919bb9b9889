// OTLP partial success: the destination accepted the request but rejected some items (or warns about them).
// Retrying would not help and the request as a whole was taken, so the consume resolves; what was rejected is
// counted and logged rate-limited, never one line per request.
import type { Counter } from 'prom-client';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { ExportData, Send, SendResult } from './send.ts';

const MAX_MESSAGE = 512;

export class PartialSuccessReporter {
  private readonly counter: Counter;
  private readonly log: DropReporter;

  constructor(
    telemetry: Telemetry,
    private readonly exporter: string,
    logger: Logger,
    intervalMs?: number,
  ) {
    this.counter = telemetry.counter({
      name: 'otelhub_exporter_partial_success_rejected_total',
      help: 'Items the destination rejected in requests it otherwise accepted (OTLP partial success).',
      labelNames: ['exporter', 'data_type'],
    });
    // Counted here with our own labels; the reporter only rate-limits the log lines.
    this.log = new DropReporter(logger, {
      message: 'destination rejected part of a request (partial success)',
      intervalMs,
    });
  }

  record(signal: PipelineType, result: SendResult): void {
    const p = result.partialSuccess;
    if (!p || (p.rejected === 0 && p.errorMessage === '')) return;
    this.counter.inc({ exporter: this.exporter, data_type: signal }, p.rejected);
    this.log.drop(`${signal}: ${p.rejected > 0 ? 'rejected' : 'warning'}`, p.rejected, {
      data_type: signal,
      error_message: p.errorMessage.slice(0, MAX_MESSAGE),
    });
  }

  /** A Send that reports the partial success of each result it passes on. */
  wrap(next: Send): Send {
    return async (data: ExportData, signal: PipelineType) => {
      const result = await next(data, signal);
      this.record(signal, result);
      return result;
    };
  }

  close(): void {
    this.log.close();
  }
}
