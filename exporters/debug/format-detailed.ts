// verbosity: detailed, for traces, logs and messages: every field, in the Collector's otlptext layout. Fields the
// Collector does not print (flags, dropped counts of resources and scopes) are added where they are set.
import type { Logs, Messages, Traces } from '../../core/pdata/index.ts';
import {
  hex,
  payloadText,
  severityName,
  spanKindName,
  statusCodeName,
  timestamp,
  typedValue,
} from './format-values.ts';
import { TextBuffer } from './text-buffer.ts';

export function detailedTraces(td: Traces): string {
  const b = new TextBuffer();
  td.resourceSpans.forEach((rs, i) => {
    b.entry(`ResourceSpans #${i}`);
    b.resource(rs.schemaUrl, rs.resource);
    rs.scopeSpans.forEach((ss, j) => {
      b.entry(`ScopeSpans #${j}`);
      b.scope('ScopeSpans', ss.schemaUrl, ss.scope);
      ss.spans.forEach((span, k) => {
        b.entry(`Span #${k}`);
        b.field('Trace ID', hex(span.traceId));
        b.field('Parent ID', hex(span.parentSpanId));
        b.field('ID', hex(span.spanId));
        b.field('Name', span.name);
        b.field('Kind', spanKindName(span.kind));
        if (span.traceState !== '') b.field('TraceState', span.traceState);
        if (span.flags !== 0) b.field('Flags', span.flags);
        b.field('Start time', timestamp(span.startTimeUnixNano));
        b.field('End time', timestamp(span.endTimeUnixNano));
        b.field('Status code', statusCodeName(span.status.code));
        b.field('Status message', span.status.message);
        b.field('DroppedAttributesCount', span.droppedAttributesCount);
        b.attributes('Attributes', span.attributes);
        if (span.events.length > 0) b.entry('Events:');
        span.events.forEach((e, n) => {
          b.entry(`SpanEvent #${n}`);
          b.sub('Name', e.name);
          b.sub('Timestamp', timestamp(e.timeUnixNano));
          b.sub('DroppedAttributesCount', e.droppedAttributesCount);
          b.attributes('Attributes', e.attributes, 1);
        });
        b.field('DroppedEventsCount', span.droppedEventsCount);
        if (span.links.length > 0) b.entry('Links:');
        span.links.forEach((l, n) => {
          b.entry(`SpanLink #${n}`);
          b.sub('Trace ID', hex(l.traceId));
          b.sub('ID', hex(l.spanId));
          b.sub('TraceState', l.traceState);
          b.nonZero('Flags', l.flags, 1);
          b.sub('DroppedAttributesCount', l.droppedAttributesCount);
          b.attributes('Attributes', l.attributes, 1);
        });
        b.field('DroppedLinksCount', span.droppedLinksCount);
      });
    });
  });
  return b.text();
}

export function detailedLogs(ld: Logs): string {
  const b = new TextBuffer();
  ld.resourceLogs.forEach((rl, i) => {
    b.entry(`ResourceLog #${i}`);
    b.resource(rl.schemaUrl, rl.resource);
    rl.scopeLogs.forEach((sl, j) => {
      b.entry(`ScopeLogs #${j}`);
      b.scope('ScopeLogs', sl.schemaUrl, sl.scope);
      sl.logRecords.forEach((r, k) => {
        b.entry(`LogRecord #${k}`);
        b.entry(`ObservedTimestamp: ${timestamp(r.observedTimeUnixNano)}`);
        b.entry(`Timestamp: ${timestamp(r.timeUnixNano)}`);
        b.entry(`SeverityText: ${r.severityText}`);
        b.entry(`SeverityNumber: ${severityName(r.severityNumber)}(${r.severityNumber})`);
        if (r.eventName !== '') b.entry(`EventName: ${r.eventName}`);
        b.entry(`Body: ${typedValue(r.body)}`);
        b.attributes('Attributes', r.attributes);
        b.nonZero('DroppedAttributesCount', r.droppedAttributesCount);
        b.field('Trace ID', hex(r.traceId));
        b.field('Span ID', hex(r.spanId));
        b.entry(`Flags: ${r.flags}`);
      });
    });
  });
  return b.text();
}

/** Not a Collector signal: laid out like a span, with the payload printed as an AnyValue would be. */
export function detailedMessages(md: Messages): string {
  const b = new TextBuffer();
  md.messages.forEach((m, i) => {
    const p = m.properties;
    b.entry(`Message #${i}`);
    b.field('Topic', m.topic);
    b.field('QoS', m.qos);
    b.field('Retain', String(m.retain));
    b.field('Dup', String(m.dup));
    b.field('Received time', timestamp(m.receivedUnixNano));
    b.field('Size', m.payload.byteLength);
    const text = payloadText(m.payload);
    b.field('Payload', text === undefined ? `Bytes(${hex(m.payload)})` : `Str(${text})`);
    if (p.contentType !== undefined) b.field('Content type', p.contentType);
    if (p.payloadFormatIndicator !== undefined)
      b.field('Payload format', p.payloadFormatIndicator ? 'utf-8' : 'unspecified');
    if (p.responseTopic !== undefined) b.field('Response topic', p.responseTopic);
    if (p.correlationData !== undefined) b.field('Correlation data', hex(p.correlationData));
    if (p.messageExpiryInterval !== undefined) b.field('Expiry interval', `${p.messageExpiryInterval}s`);
    if (p.subscriptionIdentifiers !== undefined && p.subscriptionIdentifiers.length > 0) {
      b.field('Subscription IDs', p.subscriptionIdentifiers.join(', '));
    }
    if (p.userProperties.length > 0) b.entry('User properties:');
    for (const [k, v] of p.userProperties) b.sub(k, v);
  });
  return b.text();
}
