// trace.proto: ExportTraceServiceRequest's resource_spans down to Span, Event, Link and Status.
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, Status, Traces } from '../core/pdata/index.ts';
import { EMPTY_BYTES } from '../core/pdata/index.ts';
import { readKeyValue, readResource, readScope, writeKeyValues, writeResource, writeScope } from './proto-common.ts';
import { REQUEST_RESOURCES, RESOURCE_X, SCOPE_X, SPAN, SPAN_EVENT, SPAN_LINK, STATUS } from './proto-schema.ts';
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

export function writeTraces(w: Writer, t: Traces): void {
  for (const rs of t.resourceSpans) {
    open(w, REQUEST_RESOURCES);
    writeResource(w, RESOURCE_X.resource, rs.resource);
    for (const ss of rs.scopeSpans) {
      open(w, RESOURCE_X.scopeX);
      writeScope(w, SCOPE_X.scope, ss.scope);
      for (const s of ss.spans) writeSpan(w, s);
      writeString(w, SCOPE_X.schemaUrl, ss.schemaUrl);
      w.ldelim();
    }
    writeString(w, RESOURCE_X.schemaUrl, rs.schemaUrl);
    w.ldelim();
  }
}

function writeSpan(w: Writer, s: Span): void {
  open(w, SCOPE_X.items);
  writeBytes(w, SPAN.traceId, s.traceId);
  writeBytes(w, SPAN.spanId, s.spanId);
  writeString(w, SPAN.traceState, s.traceState);
  writeBytes(w, SPAN.parentSpanId, s.parentSpanId);
  writeString(w, SPAN.name, s.name);
  writeEnum(w, SPAN.kind, s.kind);
  writeFixed64(w, SPAN.startTimeUnixNano, s.startTimeUnixNano);
  writeFixed64(w, SPAN.endTimeUnixNano, s.endTimeUnixNano);
  writeKeyValues(w, SPAN.attributes, s.attributes);
  writeUint32(w, SPAN.droppedAttributesCount, s.droppedAttributesCount);
  for (const e of s.events) {
    open(w, SPAN.events);
    writeFixed64(w, SPAN_EVENT.timeUnixNano, e.timeUnixNano);
    writeString(w, SPAN_EVENT.name, e.name);
    writeKeyValues(w, SPAN_EVENT.attributes, e.attributes);
    writeUint32(w, SPAN_EVENT.droppedAttributesCount, e.droppedAttributesCount);
    w.ldelim();
  }
  writeUint32(w, SPAN.droppedEventsCount, s.droppedEventsCount);
  for (const l of s.links) {
    open(w, SPAN.links);
    writeBytes(w, SPAN_LINK.traceId, l.traceId);
    writeBytes(w, SPAN_LINK.spanId, l.spanId);
    writeString(w, SPAN_LINK.traceState, l.traceState);
    writeKeyValues(w, SPAN_LINK.attributes, l.attributes);
    writeUint32(w, SPAN_LINK.droppedAttributesCount, l.droppedAttributesCount);
    writeFixed32(w, SPAN_LINK.flags, l.flags);
    w.ldelim();
  }
  writeUint32(w, SPAN.droppedLinksCount, s.droppedLinksCount);
  open(w, SPAN.status);
  writeString(w, STATUS.message, s.status.message);
  writeEnum(w, STATUS.code, s.status.code);
  w.ldelim();
  writeFixed32(w, SPAN.flags, s.flags);
  w.ldelim();
}

export function readTraces(r: Reader): Traces {
  const resourceSpans: ResourceSpans[] = [];
  while (r.pos < r.len) {
    const t = readTag(r);
    if (t >>> 3 === REQUEST_RESOURCES) resourceSpans.push(readResourceSpans(r, t));
    else skipField(r, t);
  }
  return { resourceSpans };
}

function readResourceSpans(r: Reader, tag: number): ResourceSpans {
  const outer = enter(r, tag);
  const rs: ResourceSpans = { resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case RESOURCE_X.resource:
        rs.resource = readResource(r, t);
        break;
      case RESOURCE_X.scopeX:
        rs.scopeSpans.push(readScopeSpans(r, t));
        break;
      case RESOURCE_X.schemaUrl:
        rs.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return rs;
}

function readScopeSpans(r: Reader, tag: number): ScopeSpans {
  const outer = enter(r, tag);
  const ss: ScopeSpans = {
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    spans: [],
    schemaUrl: '',
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SCOPE_X.scope:
        ss.scope = readScope(r, t);
        break;
      case SCOPE_X.items:
        ss.spans.push(readSpan(r, t));
        break;
      case SCOPE_X.schemaUrl:
        ss.schemaUrl = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return ss;
}

function readSpan(r: Reader, tag: number): Span {
  const outer = enter(r, tag);
  const s: Span = {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    parentSpanId: EMPTY_BYTES,
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SPAN.traceId:
        s.traceId = readId(r, t, 16);
        break;
      case SPAN.spanId:
        s.spanId = readId(r, t, 8);
        break;
      case SPAN.traceState:
        s.traceState = readString(r, t);
        break;
      case SPAN.parentSpanId:
        s.parentSpanId = readId(r, t, 8);
        break;
      case SPAN.name:
        s.name = readString(r, t);
        break;
      case SPAN.kind:
        s.kind = readEnum(r, t);
        break;
      case SPAN.startTimeUnixNano:
        s.startTimeUnixNano = readFixed64(r, t);
        break;
      case SPAN.endTimeUnixNano:
        s.endTimeUnixNano = readFixed64(r, t);
        break;
      case SPAN.attributes:
        s.attributes.push(readKeyValue(r, t));
        break;
      case SPAN.droppedAttributesCount:
        s.droppedAttributesCount = readUint32(r, t);
        break;
      case SPAN.events:
        s.events.push(readEvent(r, t));
        break;
      case SPAN.droppedEventsCount:
        s.droppedEventsCount = readUint32(r, t);
        break;
      case SPAN.links:
        s.links.push(readLink(r, t));
        break;
      case SPAN.droppedLinksCount:
        s.droppedLinksCount = readUint32(r, t);
        break;
      case SPAN.status:
        s.status = readStatus(r, t);
        break;
      case SPAN.flags:
        s.flags = readFixed32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return s;
}

function readEvent(r: Reader, tag: number): SpanEvent {
  const outer = enter(r, tag);
  const e: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SPAN_EVENT.timeUnixNano:
        e.timeUnixNano = readFixed64(r, t);
        break;
      case SPAN_EVENT.name:
        e.name = readString(r, t);
        break;
      case SPAN_EVENT.attributes:
        e.attributes.push(readKeyValue(r, t));
        break;
      case SPAN_EVENT.droppedAttributesCount:
        e.droppedAttributesCount = readUint32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return e;
}

function readLink(r: Reader, tag: number): SpanLink {
  const outer = enter(r, tag);
  const l: SpanLink = {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SPAN_LINK.traceId:
        l.traceId = readId(r, t, 16);
        break;
      case SPAN_LINK.spanId:
        l.spanId = readId(r, t, 8);
        break;
      case SPAN_LINK.traceState:
        l.traceState = readString(r, t);
        break;
      case SPAN_LINK.attributes:
        l.attributes.push(readKeyValue(r, t));
        break;
      case SPAN_LINK.droppedAttributesCount:
        l.droppedAttributesCount = readUint32(r, t);
        break;
      case SPAN_LINK.flags:
        l.flags = readFixed32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return l;
}

function readStatus(r: Reader, tag: number): Status {
  const outer = enter(r, tag);
  const st: Status = { message: '', code: 0 };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case STATUS.message:
        st.message = readString(r, t);
        break;
      case STATUS.code:
        st.code = readEnum(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return st;
}
