// The pieces of a span as pdata objects: attributes, events, status, links. Every span needs its own when something
// after the processor may change data in place (a processor declaring `mutatesData`: an attribute changed on one
// span must not change it on others). When nothing after it does (the pipeline says so: see
// `downstreamReadOnly` in core/component.ts), the pieces that do not depend on the message alone (`messaging.system`,
// the flags, the QoS, the OK status, the ack event of one consume, the empty links) are made once and shared by
// every span: they were two thirds of a span's objects, and every span lives until its batch is exported, so each
// was copied by the young-generation collector and marked by the old one.
import type { AnyValue, KeyValue, SpanEvent, SpanLink, Status } from '../../core/pdata/index.ts';
import { StatusCode } from '../../core/pdata/index.ts';
import { preEncoded } from '../../otlp/index.ts';

const str = (stringValue: string): AnyValue => ({ stringValue });
const int = (n: number): AnyValue => ({ intValue: BigInt(n) });
const bool = (boolValue: boolean): AnyValue => ({ boolValue });

export const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
export const strKv = (key: string, value: string): KeyValue => kv(key, str(value));

export function event(name: string, timeUnixNano: bigint, attributes: KeyValue[]): SpanEvent {
  return { name, timeUnixNano, attributes, droppedAttributesCount: 0 };
}

type Make<A> = (a: A) => KeyValue;

/** How each attribute is made; the names are those of the README's table. */
export interface SpanParts {
  system: Make<void>;
  destination: Make<string>;
  destinationKind: Make<void>;
  operation: Make<void>;
  destinationName: Make<string>;
  operationType: Make<void>;
  operationName: Make<void>;
  qos: Make<number>;
  retain: Make<boolean>;
  dup: Make<boolean>;
  payloadSizeBytes: Make<number>;
  bodySize: Make<number>;
  ackRequired: Make<boolean>;
  generated: Make<boolean>;
  acknowledged: Make<boolean>;
  /** The `ack` event with `status`, at `now`. */
  ack(now: bigint, status: 'success' | 'dropped'): SpanEvent;
  /** The events of a span whose only event is its ack. */
  ackOnly(now: bigint): SpanEvent[];
  ok(): Status;
  links(): SpanLink[];
}

/** Every piece new at every call. */
export const FRESH: SpanParts = {
  system: () => strKv('messaging.system', 'mqtt'),
  destination: (topic) => strKv('messaging.destination', topic),
  destinationKind: () => strKv('messaging.destination_kind', 'topic'),
  operation: () => strKv('messaging.operation', 'process'),
  destinationName: (topic) => strKv('messaging.destination.name', topic),
  operationType: () => strKv('messaging.operation.type', 'process'),
  operationName: () => strKv('messaging.operation.name', 'process'),
  qos: (qos) => kv('messaging.mqtt.qos', int(qos)),
  retain: (retain) => kv('messaging.mqtt.retain', bool(retain)),
  dup: (dup) => kv('messaging.mqtt.dup', bool(dup)),
  payloadSizeBytes: (n) => kv('messaging.message_payload_size_bytes', int(n)),
  bodySize: (n) => kv('messaging.message.body.size', int(n)),
  ackRequired: (required) => kv('messaging.ack.required', bool(required)),
  generated: (generated) => kv('correlation.generated', bool(generated)),
  acknowledged: (acknowledged) => kv('messaging.acknowledged', bool(acknowledged)),
  ack: (now, status) => event('ack', now, [strKv('status', status)]),
  ackOnly: (now) => [FRESH.ack(now, 'success')],
  ok: () => ({ code: StatusCode.OK, message: '' }),
  links: () => [],
};

/** Payload sizes below this share their size attributes; larger ones are rare and get their own. */
const SHARED_SIZES = 4096;

/** `make`'s result for each small integer (QoS, a size, a bool as 0 or 1), made when first asked for. */
function perIndex<A extends number | boolean>(make: Make<A>, limit: number): Make<A> {
  const made: KeyValue[] = [];
  return (a) => {
    const i = Number(a);
    if (i >= limit) return make(a);
    return (made[i] ??= make(a));
  };
}

function once(make: Make<void>): Make<void> {
  let made: KeyValue | undefined;
  return () => (made ??= make());
}

/** The last topic's attribute, made again when the topic changes: a backlog's messages mostly share a topic. */
function lastTopic(make: Make<string>): Make<string> {
  let topic: string | undefined;
  let made: KeyValue | undefined;
  return (t) => {
    if (t !== topic || made === undefined) {
      topic = t;
      made = make(t);
    }
    return made;
  };
}

/** `make`'s attribute, its protobuf encoding kept on it: shared attributes never change (see `preEncoded`). */
function encoded<A>(make: Make<A>): Make<A> {
  return (a) => preEncoded(make(a));
}

/** Pieces shared by every span of one processor instance; the ack events by those of one consume (one `now`). */
export function sharedParts(): SpanParts {
  const status: Status = FRESH.ok();
  const links: SpanLink[] = [];
  let acksAt: bigint | undefined;
  let acks: { success?: SpanEvent; dropped?: SpanEvent; only?: SpanEvent[] } = {};
  const ack = (now: bigint, s: 'success' | 'dropped'): SpanEvent => {
    if (now !== acksAt) {
      acksAt = now;
      acks = {};
    }
    return (acks[s] ??= FRESH.ack(now, s));
  };
  return {
    system: once(encoded(FRESH.system)),
    destination: lastTopic(encoded(FRESH.destination)),
    destinationKind: once(encoded(FRESH.destinationKind)),
    operation: once(encoded(FRESH.operation)),
    destinationName: lastTopic(encoded(FRESH.destinationName)),
    operationType: once(encoded(FRESH.operationType)),
    operationName: once(encoded(FRESH.operationName)),
    qos: perIndex(encoded(FRESH.qos), 3),
    retain: perIndex(encoded(FRESH.retain), 2),
    dup: perIndex(encoded(FRESH.dup), 2),
    payloadSizeBytes: perIndex(encoded(FRESH.payloadSizeBytes), SHARED_SIZES),
    bodySize: perIndex(encoded(FRESH.bodySize), SHARED_SIZES),
    ackRequired: perIndex(encoded(FRESH.ackRequired), 2),
    generated: perIndex(encoded(FRESH.generated), 2),
    acknowledged: perIndex(encoded(FRESH.acknowledged), 2),
    ack,
    ackOnly: (now) => {
      const e = ack(now, 'success');
      return (acks.only ??= [e]);
    },
    ok: () => status,
    links: () => links,
  };
}
