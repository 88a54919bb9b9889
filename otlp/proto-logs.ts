// logs.proto: ExportLogsServiceRequest's resource_logs down to LogRecord.
import type { LogRecord, Logs, ResourceLogs, ScopeLogs } from '../core/pdata/index.ts';
import { EMPTY_BYTES } from '../core/pdata/index.ts';
import {
  readAnyValue,
  readKeyValue,
  readResource,
  readScope,
  writeAnyValue,
  writeKeyValues,
  writeResource,
  writeScope,
} from './proto-common.ts';
import { LOG_RECORD, REQUEST_RESOURCES, RESOURCE_X, SCOPE_X } from './proto-schema.ts';
import type { Reader } from './proto-read.ts';
import {
  enter,
  leave,
  readEnum,
  readFixed32,
  readFixed64,
  readId,
  readString,
  readTag,
  readUint32,
  skipField,
} from './proto-read.ts';
import type { Writer } from './proto-write.ts';
import { open, writeBytes, writeEnum, writeFixed32, writeFixed64, writeString, writeUint32 } from './proto-write.ts';

export function writeLogs(w: Writer, ld: Logs): void {
  for (const rl of ld.resourceLogs) {
    open(w, REQUEST_RESOURCES);
    writeResource(w, RESOURCE_X.resource, rl.resource);
    for (const sl of rl.scopeLogs) {
      open(w, RESOURCE_X.scopeX);
      writeScope(w, SCOPE_X.scope, sl.scope);
      for (const rec of sl.logRecords) writeLogRecord(w, rec);
      writeString(w, SCOPE_X.schemaUrl, sl.schemaUrl);
      w.ldelim();
    }
    writeString(w, RESOURCE_X.schemaUrl, rl.schemaUrl);
    w.ldelim();
  }
}

function writeLogRecord(w: Writer, rec: LogRecord): void {
  open(w, SCOPE_X.items);
  writeFixed64(w, LOG_RECORD.timeUnixNano, rec.timeUnixNano);
  writeEnum(w, LOG_RECORD.severityNumber, rec.severityNumber);
  writeString(w, LOG_RECORD.severityText, rec.severityText);
  // An empty body (`{}`) is still a body: it is written, as an empty message, so that it comes back.
  if (rec.body) {
    open(w, LOG_RECORD.body);
    writeAnyValue(w, rec.body);
    w.ldelim();
  }
  writeKeyValues(w, LOG_RECORD.attributes, rec.attributes);
  writeUint32(w, LOG_RECORD.droppedAttributesCount, rec.droppedAttributesCount);
  writeFixed32(w, LOG_RECORD.flags, rec.flags);
  writeBytes(w, LOG_RECORD.traceId, rec.traceId);
  writeBytes(w, LOG_RECORD.spanId, rec.spanId);
  writeFixed64(w, LOG_RECORD.observedTimeUnixNano, rec.observedTimeUnixNano);
  writeString(w, LOG_RECORD.eventName, rec.eventName);
  w.ldelim();
}

export function readLogs(r: Reader): Logs {
  const resourceLogs: ResourceLogs[] = [];
  while (r.pos < r.len) {
    const t = readTag(r);
    if (t >>> 3 === REQUEST_RESOURCES) resourceLogs.push(readResourceLogs(r, t));
    else skipField(r, t);
  }
  return { resourceLogs };
}

function readResourceLogs(r: Reader, tag: number): ResourceLogs {
  const outer = enter(r, tag);
  const rl: ResourceLogs = { resource: { attributes: [], droppedAttributesCount: 0 }, scopeLogs: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case RESOURCE_X.resource:
        rl.resource = readResource(r, t);
        break;
      case RESOURCE_X.scopeX:
        rl.scopeLogs.push(readScopeLogs(r, t));
        break;
      case RESOURCE_X.schemaUrl:
        rl.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return rl;
}

function readScopeLogs(r: Reader, tag: number): ScopeLogs {
  const outer = enter(r, tag);
  const sl: ScopeLogs = {
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    logRecords: [],
    schemaUrl: '',
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SCOPE_X.scope:
        sl.scope = readScope(r, t);
        break;
      case SCOPE_X.items:
        sl.logRecords.push(readLogRecord(r, t));
        break;
      case SCOPE_X.schemaUrl:
        sl.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return sl;
}

function readLogRecord(r: Reader, tag: number): LogRecord {
  const outer = enter(r, tag);
  const rec: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    eventName: '',
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case LOG_RECORD.timeUnixNano:
        rec.timeUnixNano = readFixed64(r, t);
        break;
      case LOG_RECORD.observedTimeUnixNano:
        rec.observedTimeUnixNano = readFixed64(r, t);
        break;
      case LOG_RECORD.severityNumber:
        rec.severityNumber = readEnum(r, t);
        break;
      case LOG_RECORD.severityText:
        rec.severityText = readString(r, t);
        break;
      case LOG_RECORD.body:
        rec.body = readAnyValue(r, t);
        break;
      case LOG_RECORD.attributes:
        rec.attributes.push(readKeyValue(r, t));
        break;
      case LOG_RECORD.droppedAttributesCount:
        rec.droppedAttributesCount = readUint32(r, t);
        break;
      case LOG_RECORD.flags:
        rec.flags = readFixed32(r, t);
        break;
      case LOG_RECORD.traceId:
        rec.traceId = readId(r, t, 16);
        break;
      case LOG_RECORD.spanId:
        rec.spanId = readId(r, t, 8);
        break;
      case LOG_RECORD.eventName:
        rec.eventName = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return rec;
}
