import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './common.ts';
import { EMPTY_BYTES, resource as newResource, scope as newScope } from './common.ts';

/** SeverityNumber of the logs data model; the numbers between these are the finer levels (TRACE2 = 2, ...). */
export enum SeverityNumber {
  UNSPECIFIED = 0,
  TRACE = 1,
  DEBUG = 5,
  INFO = 9,
  WARN = 13,
  ERROR = 17,
  FATAL = 21,
}

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** Absent when the record has no body. */
  body?: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

/** A batch of log records: the payload of ExportLogsServiceRequest. */
export interface Logs {
  resourceLogs: ResourceLogs[];
}

export function logRecord(fields: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: SeverityNumber.UNSPECIFIED,
    severityText: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    eventName: '',
    ...fields,
  };
}

export function logs(
  records: LogRecord[],
  resource: Resource = newResource(),
  scope: InstrumentationScope = newScope(),
): Logs {
  return { resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: records }] }] };
}

export function logRecordCount(ld: Logs): number {
  let n = 0;
  for (const rl of ld.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

export function forEachLogRecord(
  ld: Logs,
  fn: (record: LogRecord, scope: ScopeLogs, resource: ResourceLogs) => void,
): void {
  for (const rl of ld.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) fn(r, sl, rl);
}
