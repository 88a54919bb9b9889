import type { InstrumentationScope, KeyValue, Resource } from './common.ts';
import { EMPTY_BYTES, nowUnixNano, resource as newResource, scope as newScope } from './common.ts';

export enum SpanKind {
  UNSPECIFIED = 0,
  INTERNAL = 1,
  SERVER = 2,
  CLIENT = 3,
  PRODUCER = 4,
  CONSUMER = 5,
}

export enum StatusCode {
  UNSET = 0,
  OK = 1,
  ERROR = 2,
}

export interface Status {
  message: string;
  code: StatusCode;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  /** 16 bytes. */
  traceId: Uint8Array;
  /** 8 bytes. */
  spanId: Uint8Array;
  traceState: string;
  /** Empty for a root span. */
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: Status;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  spans: Span[];
  schemaUrl: string;
}

export interface ResourceSpans {
  resource: Resource;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
}

/** A batch of spans: the payload of ExportTraceServiceRequest. */
export interface Traces {
  resourceSpans: ResourceSpans[];
}

/** A span with every field set to its proto default, overridden by `fields`. */
export function span(fields: Partial<Span> = {}): Span {
  const now = nowUnixNano();
  return {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    parentSpanId: EMPTY_BYTES,
    flags: 0,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startTimeUnixNano: now,
    endTimeUnixNano: now,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: StatusCode.UNSET },
    ...fields,
  };
}

/** Wraps spans in one resource and scope. */
export function traces(
  spans: Span[],
  resource: Resource = newResource(),
  scope: InstrumentationScope = newScope(),
): Traces {
  return { resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] }] };
}

export function spanCount(t: Traces): number {
  let n = 0;
  for (const rs of t.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

/** Calls fn for every span with its resource and scope. */
export function forEachSpan(t: Traces, fn: (span: Span, scope: ScopeSpans, resource: ResourceSpans) => void): void {
  for (const rs of t.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) fn(s, ss, rs);
}
