// OTLP/JSON of ExportLogsServiceRequest.
import type { LogRecord, Logs, ResourceLogs, ScopeLogs } from '../core/pdata/index.ts';
import {
  anyValueJson,
  attributesJson,
  readAnyValue,
  readAttributes,
  readResource,
  readScope,
  resourceJson,
  scopeJson,
} from './json-common.ts';
import type { Obj } from './json-read.ts';
import {
  asObject,
  element,
  enumNames,
  enumValue,
  hexId,
  list,
  message,
  str,
  uint32,
  uint64,
  within,
} from './json-read.ts';
import type { Json } from './json-write.ts';
import { id, n, s, u64 } from './json-write.ts';

export function logsJson(ld: Logs): Json {
  return { resourceLogs: ld.resourceLogs.map(resourceLogsJson) };
}

function resourceLogsJson(rl: ResourceLogs): Json {
  return {
    resource: resourceJson(rl.resource),
    scopeLogs: rl.scopeLogs.map(scopeLogsJson),
    schemaUrl: s(rl.schemaUrl),
  };
}

function scopeLogsJson(sl: ScopeLogs): Json {
  return { scope: scopeJson(sl.scope), logRecords: sl.logRecords.map(logRecordJson), schemaUrl: s(sl.schemaUrl) };
}

function logRecordJson(r: LogRecord): Json {
  return {
    timeUnixNano: u64(r.timeUnixNano),
    observedTimeUnixNano: u64(r.observedTimeUnixNano),
    severityNumber: n(r.severityNumber),
    severityText: s(r.severityText),
    // An empty body is still a body: `{}` keeps it, where leaving the field out would not.
    body: r.body ? anyValueJson(r.body) : undefined,
    attributes: attributesJson(r.attributes),
    droppedAttributesCount: n(r.droppedAttributesCount),
    flags: n(r.flags),
    traceId: id(r.traceId),
    spanId: id(r.spanId),
    eventName: s(r.eventName),
  };
}

// SEVERITY_NUMBER_TRACE = 1, TRACE2 = 2, ... FATAL4 = 24.
const SEVERITIES = enumNames(
  'SEVERITY_NUMBER_',
  Object.fromEntries<number>([
    ['UNSPECIFIED', 0],
    ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level, i) =>
      ['', '2', '3', '4'].map((suffix, j): [string, number] => [`${level}${suffix}`, i * 4 + j + 1]),
    ),
  ]),
);

export function readLogsJson(o: Obj): Logs {
  return { resourceLogs: list(o, 'resourceLogs', readResourceLogs) };
}

const readResourceLogs = element(
  (o): ResourceLogs => ({
    resource: message(o, 'resource', readResource),
    scopeLogs: list(o, 'scopeLogs', readScopeLogs),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const readScopeLogs = element(
  (o): ScopeLogs => ({
    scope: message(o, 'scope', readScope),
    logRecords: list(o, 'logRecords', readLogRecord),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const readLogRecord = element((o): LogRecord => {
  const rec: LogRecord = {
    timeUnixNano: uint64(o, 'timeUnixNano'),
    observedTimeUnixNano: uint64(o, 'observedTimeUnixNano'),
    severityNumber: enumValue(o, 'severityNumber', SEVERITIES),
    severityText: str(o, 'severityText'),
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
    flags: uint32(o, 'flags'),
    traceId: hexId(o, 'traceId', 16),
    spanId: hexId(o, 'spanId', 8),
    eventName: str(o, 'eventName'),
  };
  const body = asObject(o.body, 'body');
  if (body) rec.body = within('body', () => readAnyValue(body));
  return rec;
});
