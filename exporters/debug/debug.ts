// Prints what reaches it, like the Collector's debug exporter: a count line per batch, then, by verbosity, a line
// per record or every field. Printing is best effort: a consumer always resolves, whatever went wrong.
import type { CreateSettings, Exporter } from '../../core/component.ts';
import type { Consumer } from '../../core/consumer.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Logs, Messages, Metrics, SignalData, Traces } from '../../core/pdata/index.ts';
import { dataPointCount, logRecordCount, spanCount } from '../../core/pdata/index.ts';
import type { DebugConfig } from './config.ts';
import { detailedMetrics } from './format-detailed-metrics.ts';
import { detailedLogs, detailedMessages, detailedTraces } from './format-detailed.ts';
import { normalLogs, normalMessages, normalMetrics, normalTraces } from './format-normal.ts';
import { Sampler } from './sampler.ts';

/** Where text goes with `use_internal_logger: false`. */
export interface DebugOutput {
  write(chunk: string): unknown;
  on?(event: 'error', listener: (err: unknown) => void): unknown;
  off?(event: 'error', listener: (err: unknown) => void): unknown;
}

export interface DebugExporterOptions {
  /** Replaces process.stdout (for tests, or to print elsewhere). */
  out?: DebugOutput;
  /** Milliseconds since the epoch, for the sampling windows. */
  now?: () => number;
}

interface Printer<T extends SignalData> {
  title: string;
  counts(data: T): Record<string, number>;
  normal(data: T): string[];
  detailed(data: T): string;
}

const TRACES: Printer<Traces> = {
  title: 'Traces',
  counts: (td) => ({ 'resource spans': td.resourceSpans.length, spans: spanCount(td) }),
  normal: normalTraces,
  detailed: detailedTraces,
};

const METRICS: Printer<Metrics> = {
  title: 'Metrics',
  counts: (md) => {
    let metrics = 0;
    for (const rm of md.resourceMetrics) for (const sm of rm.scopeMetrics) metrics += sm.metrics.length;
    return { 'resource metrics': md.resourceMetrics.length, metrics, 'data points': dataPointCount(md) };
  },
  normal: normalMetrics,
  detailed: detailedMetrics,
};

const LOGS: Printer<Logs> = {
  title: 'Logs',
  counts: (ld) => ({ 'resource logs': ld.resourceLogs.length, 'log records': logRecordCount(ld) }),
  normal: normalLogs,
  detailed: detailedLogs,
};

const MESSAGES: Printer<Messages> = {
  title: 'Messages',
  counts: (md) => ({ messages: md.messages.length }),
  normal: normalMessages,
  detailed: detailedMessages,
};

/** zap's console encoding of fields, which is what the Collector prints after the message on stdout. */
function fieldsText(fields: Record<string, number>): string {
  return `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
    .join(', ')}}`;
}

export class DebugExporter implements Exporter {
  readonly traces: Consumer<Traces>;
  readonly metrics: Consumer<Metrics>;
  readonly logs: Consumer<Logs>;
  readonly messages: Consumer<Messages>;
  private readonly sampler: Sampler;
  private readonly out: DebugOutput;
  private warned = false;
  private readonly onStreamError = (err: unknown): void => this.failed(err);

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: DebugConfig,
    opts: DebugExporterOptions = {},
  ) {
    this.sampler = new Sampler(config.sampling_initial, config.sampling_thereafter, opts.now);
    this.out = opts.out ?? process.stdout;
    this.traces = this.consumer('traces', TRACES);
    this.metrics = this.consumer('metrics', METRICS);
    this.logs = this.consumer('logs', LOGS);
    this.messages = this.consumer('messages', MESSAGES);
  }

  // A stream error (EPIPE when stdout's reader goes away) would crash the hub if nobody listened for it.
  start(): Promise<void> {
    if (!this.config.use_internal_logger) this.out.on?.('error', this.onStreamError);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (!this.config.use_internal_logger) this.out.off?.('error', this.onStreamError);
    return Promise.resolve();
  }

  private consumer<T extends SignalData>(key: string, printer: Printer<T>): Consumer<T> {
    return {
      mutatesData: false,
      consume: (data: T) => {
        this.print(key, printer, data);
        return Promise.resolve();
      },
    };
  }

  private print<T extends SignalData>(key: string, printer: Printer<T>, data: T): void {
    if (this.config.use_internal_logger && !this.settings.logger.enabled('info')) return;
    try {
      if (this.sampler.allow(key)) this.write(printer.title, printer.counts(data));
      if (this.config.verbosity === 'normal') {
        for (const line of printer.normal(data)) if (this.sampler.allow(key)) this.write(line);
      } else if (this.config.verbosity === 'detailed') {
        // One entry for the whole batch, as the Collector logs it, so it stays together in the log.
        if (this.sampler.allow(key)) this.write(printer.detailed(data));
      }
    } catch (err) {
      this.failed(err);
    }
  }

  private write(text: string, fields?: Record<string, number>): void {
    if (this.config.use_internal_logger) this.settings.logger.info(text, fields);
    else this.out.write(fields ? `${text}\t${fieldsText(fields)}\n` : `${text}\n`);
  }

  private failed(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.settings.logger.warn('debug exporter could not print; further failures are not logged', {
      error: errorMessage(err),
    });
  }
}
