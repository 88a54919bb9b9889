// For the correlation processor's tests: a correlation processor in a traces pipeline whose downstream records what it
// gets (or fails when told to), and shortcuts to the spans and counters of the result.
import type { TestContext } from 'node:test';
import type { KeyValue, Message, Span, SpanEvent, Traces } from '../../core/pdata/index.ts';
import { forEachSpan, message, valueOf } from '../../core/pdata/index.ts';
import { converterHarness, validConfig } from './converter-harness.ts';
import type { CorrelationConfig } from '../../processors/correlation/config.ts';
import { correlationFactory } from '../../processors/correlation/factory.ts';
import { DROPPED, GENERATED, SPANS } from '../../processors/correlation/self-metrics.ts';

export const TOPIC = 'factory/line1/telemetry';
export const RECEIVED = 1_760_000_000_123_456_789n;

export function msg(payload: string | Uint8Array | object, fields: Partial<Omit<Message, 'payload'>> = {}): Message {
  const p = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload);
  return message({ topic: TOPIC, receivedUnixNano: RECEIVED, qos: 1, ...fields, payload: p });
}

/** A message carrying W3C trace context in its user properties. */
export function withTraceContext(m: Message, traceparent: string, tracestate?: string): Message {
  const props: [string, string][] = [['traceparent', traceparent]];
  if (tracestate !== undefined) props.push(['tracestate', tracestate]);
  return { ...m, properties: { ...m.properties, userProperties: [...m.properties.userProperties, ...props] } };
}

export function configOf(cfg: Record<string, unknown> = {}): CorrelationConfig {
  return validConfig(correlationFactory, cfg);
}

export async function harness(t: TestContext, cfg: Record<string, unknown> = {}) {
  const h = await converterHarness(t, correlationFactory, 'traces', cfg);
  const { settings, sent } = h;
  return {
    ...h,
    /** Spans of every batch sent downstream, in order. */
    spans(): Span[] {
      const out: Span[] = [];
      for (const s of sent) forEachSpan(s.data as Traces, (span) => out.push(span));
      return out;
    },
    outcome: (outcome: string) => settings.telemetry.value(SPANS, { outcome }),
    generated: (reason?: string) => settings.telemetry.value(GENERATED, reason ? { reason } : {}),
    dropped: (reason?: string) => settings.telemetry.value(DROPPED, reason ? { reason } : {}),
  };
}

/** Attributes as [key, value] pairs in order, for deepEqual (ints come back as bigint). */
export function attrList(kvs: readonly KeyValue[]): [string, unknown][] {
  return kvs.map((kv) => [kv.key, valueOf(kv.value)]);
}

/** Events as [name, {attributes}] pairs in order. */
export function eventList(events: readonly SpanEvent[]): [string, Record<string, unknown>][] {
  return events.map((e) => [e.name, Object.fromEntries(attrList(e.attributes))]);
}
