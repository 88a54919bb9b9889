// Log items of the AIO schema to OTLP log records, collected across the messages of one consume call into one batch.
import type { ValidateFunction } from 'ajv';
import type { InstrumentationScope, LogRecord, Logs, Resource } from '../../core/pdata/index.ts';
import { SeverityNumber, logRecord } from '../../core/pdata/index.ts';
import type { MessageContext } from './item-context.ts';
import { itemAttributes, itemTime } from './item-context.ts';
import type { Problem } from './payload-schema.ts';
import { itemProblem } from './payload-schema.ts';

interface LogItem {
  value: string;
  level: string;
  timestamp?: unknown;
  attributes?: { key: string; value: string }[];
}

/** The AIO levels, case-insensitive, at the base number of each range of the logs data model. */
export const SEVERITIES: Readonly<Record<string, SeverityNumber>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

export class LogsBuilder {
  private readonly records: LogRecord[] = [];

  constructor(private readonly validate: ValidateFunction) {}

  get count(): number {
    return this.records.length;
  }

  /** Converts item `index` of the message; a Problem when it is refused (nothing is added then). */
  add(item: unknown, index: number, ctx: MessageContext): Problem | undefined {
    const base = `/logs/${index}`;
    if (!this.validate(item)) return itemProblem(base, this.validate.errors);
    const l = item as LogItem;
    const level = l.level.toLowerCase();
    const severity = Object.hasOwn(SEVERITIES, level) ? SEVERITIES[level] : undefined;
    if (severity === undefined)
      return { reason: 'unknown_level', path: `${base}/level`, message: 'is not a supported log level' };
    const time = itemTime(l.timestamp, `${base}/timestamp`, ctx);
    if (!time.ok) return time.problem;
    this.records.push(
      logRecord({
        timeUnixNano: time.value,
        observedTimeUnixNano: ctx.receivedUnixNano,
        severityNumber: severity,
        // The logs data model: severityText is the level as the source wrote it.
        severityText: l.level,
        body: { stringValue: l.value },
        attributes: itemAttributes(l.attributes, ctx),
      }),
    );
    return undefined;
  }

  build(resource: Resource, scope: InstrumentationScope): Logs {
    return {
      resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: this.records }] }],
    };
  }

  undo(): void {
    // Logs keep no state across messages.
  }
}
