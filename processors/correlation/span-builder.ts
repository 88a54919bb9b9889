// One span per message, shaped as the original exporter's `mqtt.receive` span (mqtt_client.rs, process_publish):
// the same name, kind, attribute names and order, events and status, so dashboards built on it keep working.
import { hash, randomFillSync } from 'node:crypto';
import type { KeyValue, Message, Span, SpanEvent, Status } from '../../core/pdata/index.ts';
import { EMPTY_BYTES, SpanKind, StatusCode } from '../../core/pdata/index.ts';
import type { SpanParts } from './span-parts.ts';
import { FRESH, event, strKv } from './span-parts.ts';
import type { MissingReason } from './correlation-id.ts';
import type { RemoteParent } from './trace-context.ts';

export const SPAN_NAME = 'mqtt.receive';

/** W3C trace flags: sampled. Every span built here is sampled (unsampled messages get none). */
const FLAG_SAMPLED = 0x01;
// OTLP SpanFlags: whether the parent is remote is known (bit 8), and it is (bit 9). Set as OpenTelemetry JS's
// OTLP transformer sets them: bit 8 always, bit 9 when the parent came from another process.
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

export type Correlation =
  | { kind: 'payload'; id: string }
  | { kind: 'generated'; id: string; reason: MissingReason }
  /** No ID and generation disabled: the message is dropped, the span records why. */
  | { kind: 'failed'; reason: MissingReason };

export interface SpanOptions {
  /** As configured (the `correlation.generated` event reports it as written). */
  fieldName: string;
  semconv: { legacy: boolean; current: boolean };
}

export interface SpanIds {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parent: RemoteParent | undefined;
}

/** `n` fresh random bytes. A parameter so tests can feed the all-zero draw that the retry below exists for. */
export type RandomBytes = (n: number) => Uint8Array;

// Drawn from the CSPRNG in blocks, as Node's own randomUUID does: one draw per ID (two per span) was a fifth of the
// hub's CPU while draining a backlog. Each ID is a view of its own bytes of a block (a copy would allocate a buffer
// per ID); a block is never refilled, only replaced.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;
const cryptoBytes: RandomBytes = (n) => {
  if (poolAt + n > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
};

/** `n` random bytes, never all zero (an all-zero trace or span ID is invalid): an all-zero draw is drawn again. */
export function randomId(n: 8 | 16, random: RandomBytes = cryptoBytes): Uint8Array {
  let id: Uint8Array;
  do id = random(n);
  while (allZero(id));
  return id;
}

function allZero(id: Uint8Array): boolean {
  for (const b of id) if (b !== 0) return false;
  return true;
}

/** A new span in the parent's trace, or the first span of a new trace. */
export function spanIds(parent: RemoteParent | undefined, random: RandomBytes = cryptoBytes): SpanIds {
  return { traceId: parent?.traceId ?? randomId(16, random), spanId: randomId(8, random), parent };
}

export function failureMessage(reason: MissingReason): string {
  return `correlation ID unavailable and generation disabled (${reason})`;
}

/** The message's attributes, legacy names where the original had them and current names beside them when asked. */
function messageAttributes(
  m: Message,
  ackRequired: boolean,
  semconv: SpanOptions['semconv'],
  p: SpanParts,
): KeyValue[] {
  // Runs once per message, and what it makes lives until the span is exported: no helper closure, no [key, value]
  // pairs, and an array grown from empty, whose first push makes room for 17, enough for all of a span's attributes.
  const out: KeyValue[] = [];
  out.push(p.system());
  if (semconv.legacy) out.push(p.destination(m.topic), p.destinationKind(), p.operation());
  if (semconv.current) out.push(p.destinationName(m.topic), p.operationType(), p.operationName());
  out.push(p.qos(m.qos), p.retain(m.retain), p.dup(m.dup));
  if (semconv.legacy) out.push(p.payloadSizeBytes(m.payload.byteLength));
  if (semconv.current) out.push(p.bodySize(m.payload.byteLength));
  out.push(strKv('messaging.message_payload_sha256', hash('sha256', m.payload, 'hex')), p.ackRequired(ackRequired));
  return out;
}

/**
 * The span of message `m`, ending at `now`. `messaging.acknowledged` is what the hub will do once this span is
 * delivered (it is built before the acknowledgement, see README), so it equals `messaging.ack.required`.
 */
export function buildSpan(
  m: Message,
  ids: SpanIds,
  correlation: Correlation,
  opts: SpanOptions,
  now: bigint,
  parts: SpanParts = FRESH,
): Span {
  // QoS 0 has nothing to acknowledge (the original had no ack token for it).
  const ackRequired = m.qos > 0;
  const attributes = messageAttributes(m, ackRequired, opts.semconv, parts);
  let events: SpanEvent[];
  let status: Status;
  if (correlation.kind === 'failed') {
    const message = failureMessage(correlation.reason);
    status = { code: StatusCode.ERROR, message };
    events = [
      event('exception', now, [strKv('exception.type', 'CorrelationError'), strKv('exception.message', message)]),
    ];
    if (ackRequired) events.push(parts.ack(now, 'dropped'));
  } else {
    status = parts.ok();
    attributes.push(strKv('correlation.id', correlation.id), parts.generated(correlation.kind === 'generated'));
    if (correlation.kind === 'generated') {
      events = [
        event('correlation.generated', now, [
          strKv('reason', correlation.reason),
          strKv('field_name', opts.fieldName),
          strKv('value', correlation.id),
        ]),
      ];
      if (ackRequired) events.push(parts.ack(now, 'success'));
    } else events = ackRequired ? parts.ackOnly(now) : [];
  }
  attributes.push(parts.acknowledged(ackRequired));
  // 0 is "unknown"; a receive time from a clock a little ahead must not make the span end before it starts.
  const start = m.receivedUnixNano === 0n ? now : m.receivedUnixNano;
  return {
    traceId: ids.traceId,
    spanId: ids.spanId,
    traceState: ids.parent?.traceState ?? '',
    parentSpanId: ids.parent?.parentSpanId ?? EMPTY_BYTES,
    flags: FLAG_SAMPLED | FLAG_HAS_IS_REMOTE | (ids.parent ? FLAG_IS_REMOTE : 0),
    name: SPAN_NAME,
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: now > start ? now : start,
    attributes,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: parts.links(),
    droppedLinksCount: 0,
    status,
  };
}
