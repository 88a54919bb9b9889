// OTLP/JSON of ExportTraceServiceRequest.
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, Status, Traces } from '../core/pdata/index.ts';
import { attributesJson, readAttributes, readResource, readScope, resourceJson, scopeJson } from './json-common.ts';
import type { Obj } from './json-read.ts';
import { element, enumNames, enumValue, hexId, list, message, str, uint32, uint64 } from './json-read.ts';
import type { Json } from './json-write.ts';
import { id, l, n, s, u64 } from './json-write.ts';

export function tracesJson(t: Traces): Json {
  return { resourceSpans: t.resourceSpans.map(resourceSpansJson) };
}

function resourceSpansJson(rs: ResourceSpans): Json {
  return {
    resource: resourceJson(rs.resource),
    scopeSpans: rs.scopeSpans.map(scopeSpansJson),
    schemaUrl: s(rs.schemaUrl),
  };
}

function scopeSpansJson(ss: ScopeSpans): Json {
  return { scope: scopeJson(ss.scope), spans: ss.spans.map(spanJson), schemaUrl: s(ss.schemaUrl) };
}

function spanJson(sp: Span): Json {
  return {
    traceId: id(sp.traceId),
    spanId: id(sp.spanId),
    traceState: s(sp.traceState),
    parentSpanId: id(sp.parentSpanId),
    flags: n(sp.flags),
    name: s(sp.name),
    kind: n(sp.kind),
    startTimeUnixNano: u64(sp.startTimeUnixNano),
    endTimeUnixNano: u64(sp.endTimeUnixNano),
    attributes: attributesJson(sp.attributes),
    droppedAttributesCount: n(sp.droppedAttributesCount),
    events: l(sp.events, eventJson),
    droppedEventsCount: n(sp.droppedEventsCount),
    links: l(sp.links, linkJson),
    droppedLinksCount: n(sp.droppedLinksCount),
    status: { message: s(sp.status.message), code: n(sp.status.code) },
  };
}

function eventJson(e: SpanEvent): Json {
  return {
    timeUnixNano: u64(e.timeUnixNano),
    name: s(e.name),
    attributes: attributesJson(e.attributes),
    droppedAttributesCount: n(e.droppedAttributesCount),
  };
}

function linkJson(k: SpanLink): Json {
  return {
    traceId: id(k.traceId),
    spanId: id(k.spanId),
    traceState: s(k.traceState),
    attributes: attributesJson(k.attributes),
    droppedAttributesCount: n(k.droppedAttributesCount),
    flags: n(k.flags),
  };
}

const SPAN_KINDS = enumNames('SPAN_KIND_', {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
});
const STATUS_CODES = enumNames('STATUS_CODE_', { UNSET: 0, OK: 1, ERROR: 2 });

export function readTracesJson(o: Obj): Traces {
  return { resourceSpans: list(o, 'resourceSpans', readResourceSpans) };
}

const readResourceSpans = element(
  (o): ResourceSpans => ({
    resource: message(o, 'resource', readResource),
    scopeSpans: list(o, 'scopeSpans', readScopeSpans),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const readScopeSpans = element(
  (o): ScopeSpans => ({
    scope: message(o, 'scope', readScope),
    spans: list(o, 'spans', readSpan),
    schemaUrl: str(o, 'schemaUrl'),
  }),
);

const readSpan = element(
  (o): Span => ({
    traceId: hexId(o, 'traceId', 16),
    spanId: hexId(o, 'spanId', 8),
    traceState: str(o, 'traceState'),
    parentSpanId: hexId(o, 'parentSpanId', 8),
    flags: uint32(o, 'flags'),
    name: str(o, 'name'),
    kind: enumValue(o, 'kind', SPAN_KINDS),
    startTimeUnixNano: uint64(o, 'startTimeUnixNano'),
    endTimeUnixNano: uint64(o, 'endTimeUnixNano'),
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
    events: list(o, 'events', readEvent),
    droppedEventsCount: uint32(o, 'droppedEventsCount'),
    links: list(o, 'links', readLink),
    droppedLinksCount: uint32(o, 'droppedLinksCount'),
    status: message(o, 'status', readStatus),
  }),
);

const readEvent = element(
  (o): SpanEvent => ({
    timeUnixNano: uint64(o, 'timeUnixNano'),
    name: str(o, 'name'),
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
  }),
);

const readLink = element(
  (o): SpanLink => ({
    traceId: hexId(o, 'traceId', 16),
    spanId: hexId(o, 'spanId', 8),
    traceState: str(o, 'traceState'),
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
    flags: uint32(o, 'flags'),
  }),
);

function readStatus(o: Obj): Status {
  return { message: str(o, 'message'), code: enumValue(o, 'code', STATUS_CODES) };
}
