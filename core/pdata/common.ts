// OTLP-shaped data, as plain objects. Field names follow the OTLP/JSON mapping of opentelemetry-proto v1
// (lowerCamelCase); 64-bit timestamps and integers are `bigint` so nothing is rounded; IDs are raw bytes.

/** One of the value kinds of opentelemetry-proto's AnyValue; `{}` is the empty (unset) value. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: bigint }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | { bytesValue: Uint8Array }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface EntityRef {
  schemaUrl: string;
  type: string;
  idKeys: string[];
  descriptionKeys: string[];
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
  entityRefs?: EntityRef[];
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

/** A plain JavaScript value that maps onto an AnyValue. Integers that must stay exact are `bigint`. */
export type AttributeInput =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | undefined
  | readonly AttributeInput[]
  | { readonly [key: string]: AttributeInput };

/**
 * Builds an AnyValue from a JavaScript value. Numbers that are safe integers become `intValue`, other numbers
 * `doubleValue`; pass a bigint for a large integer, or use `{ doubleValue }` directly when a whole number must stay a double.
 */
export function anyValue(v: AttributeInput): AnyValue {
  if (v === null || v === undefined) return {};
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: v };
    case 'number':
      return Number.isSafeInteger(v) ? { intValue: BigInt(v) } : { doubleValue: v };
  }
  if (v instanceof Uint8Array) return { bytesValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x: AttributeInput) => anyValue(x)) } };
  return { kvlistValue: { values: attributes(v as { readonly [key: string]: AttributeInput }) } };
}

/** The JavaScript value of an AnyValue (the inverse of `anyValue`; ints come back as bigint). */
export function valueOf(v: AnyValue | undefined): AttributeInput {
  if (v === undefined) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return v.arrayValue.values.map(valueOf);
  if ('kvlistValue' in v) {
    const out: Record<string, AttributeInput> = {};
    for (const kv of v.kvlistValue.values) out[kv.key] = valueOf(kv.value);
    return out;
  }
  return undefined;
}

/** `{ a: 1, b: 'x' }` as a KeyValue list. */
export function attributes(obj: { readonly [key: string]: AttributeInput }): KeyValue[] {
  return Object.entries(obj).map(([key, v]) => ({ key, value: anyValue(v) }));
}

/** The value of attribute `key` as a JavaScript value, or undefined. */
export function getAttribute(attrs: readonly KeyValue[], key: string): AttributeInput {
  for (const kv of attrs) if (kv.key === key) return valueOf(kv.value);
  return undefined;
}

/** Sets (replacing any existing) attribute `key`. */
export function setAttribute(attrs: KeyValue[], key: string, value: AttributeInput | AnyValue): void {
  const v = isAnyValue(value) ? value : anyValue(value);
  for (const kv of attrs) {
    if (kv.key === key) {
      kv.value = v;
      return;
    }
  }
  attrs.push({ key, value: v });
}

/** Removes attribute `key`; true when it was there. */
export function removeAttribute(attrs: KeyValue[], key: string): boolean {
  const i = attrs.findIndex((kv) => kv.key === key);
  if (i < 0) return false;
  attrs.splice(i, 1);
  return true;
}

const VALUE_KEYS = new Set([
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
]);

function isAnyValue(v: unknown): v is AnyValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && VALUE_KEYS.has(keys[0] as string);
}

export function resource(attrs: { readonly [key: string]: AttributeInput } = {}): Resource {
  return { attributes: attributes(attrs), droppedAttributesCount: 0 };
}

export function scope(name = '', version = ''): InstrumentationScope {
  return { name, version, attributes: [], droppedAttributesCount: 0 };
}

/**
 * Nanoseconds since the Unix epoch, now, from the wall clock (millisecond resolution). Not the monotonic clock: a
 * device that sleeps or has its clock set must still stamp data with the real time.
 */
export function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Milliseconds (as from Date.now(), fractions allowed) to nanoseconds, exactly for the whole milliseconds. */
export function msToUnixNano(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
