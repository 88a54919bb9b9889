// What every item of one message shares (its topic, receive time, the attributes taken from the message, the source
// text of its numbers), and the parts of an item both converters read the same way: attributes and timestamp.
import type { KeyValue, Message } from '../../core/pdata/index.ts';
import { userProperty } from '../../core/pdata/index.ts';
import { parseTimestamp } from './numbers.ts';
import type { Problem } from './payload-schema.ts';

export interface MessageContext {
  topic: string;
  receivedUnixNano: bigint;
  /** From the topic and the chosen user properties; an item's own attributes of the same name win. */
  messageAttributes: readonly { key: string; value: string }[];
  /** Source text of number literals by JSON pointer (read-payload.ts). */
  raw: ReadonlyMap<string, string>;
}

export interface AttributeOptions {
  topic_attribute: string;
  user_properties: readonly string[];
}

export function messageContext(m: Message, raw: ReadonlyMap<string, string>, opts: AttributeOptions): MessageContext {
  const attrs: { key: string; value: string }[] = [];
  if (opts.topic_attribute !== '') attrs.push({ key: opts.topic_attribute, value: m.topic });
  for (const name of opts.user_properties) {
    // MQTT allows a user property to repeat; the first value is taken (absent ones add nothing).
    const v = userProperty(m, name);
    if (v !== undefined) attrs.push({ key: name, value: v });
  }
  return { topic: m.topic, receivedUnixNano: m.receivedUnixNano, messageAttributes: attrs, raw };
}

/**
 * An item's attributes (the schema has checked they are {key, value} strings) followed by the message's. OTLP keys
 * must be unique: a key repeated in the item keeps its last value; the item's own beats the message's.
 */
/** Up to this many attributes, duplicates are found by scanning; a payload with thousands takes the Map. */
const SCAN_LIMIT = 16;

export function itemAttributes(
  items: readonly { key: string; value: string }[] | undefined,
  ctx: MessageContext,
): KeyValue[] {
  if ((items?.length ?? 0) + ctx.messageAttributes.length > SCAN_LIMIT) return attributesByMap(items ?? [], ctx);
  // A few attributes per item: a scan of the list built so far is cheaper than a Map (this runs once per item).
  const out: KeyValue[] = [];
  for (const a of items ?? []) {
    const known = out.find((kv) => kv.key === a.key);
    if (known) known.value = { stringValue: a.value };
    else out.push({ key: a.key, value: { stringValue: a.value } });
  }
  for (const a of ctx.messageAttributes)
    if (!out.some((kv) => kv.key === a.key)) out.push({ key: a.key, value: { stringValue: a.value } });
  return out;
}

function attributesByMap(items: readonly { key: string; value: string }[], ctx: MessageContext): KeyValue[] {
  const byKey = new Map<string, string>();
  for (const a of items) byKey.set(a.key, a.value);
  for (const a of ctx.messageAttributes) if (!byKey.has(a.key)) byKey.set(a.key, a.value);
  return [...byKey].map(([key, value]) => ({ key, value: { stringValue: value } }));
}

/**
 * The item's timestamp, or the message's receive time when it has none. 0 is OTLP's "unknown time", so it is
 * treated as absent rather than dating the item to 1970.
 */
export function itemTime(
  timestamp: unknown,
  path: string,
  ctx: MessageContext,
): { ok: true; value: bigint } | { ok: false; problem: Problem } {
  if (timestamp === undefined) return { ok: true, value: ctx.receivedUnixNano };
  const t = parseTimestamp(timestamp, ctx.raw.get(path));
  if (!t.ok) return { ok: false, problem: { reason: 'invalid_timestamp', path, message: t.message } };
  return { ok: true, value: t.value === 0n ? ctx.receivedUnixNano : t.value };
}
