// OTTL's run-time values. Scalars are plain JavaScript (int64 as bigint, float64 as number, bytes as Uint8Array);
// maps and lists read from telemetry are live views (PMap, PList) so editors change the data in place; maps and
// lists built by a statement are a PMap over fresh key-values and a plain array.
import type { AnyValue, KeyValue } from '../core/pdata/index.ts';
import { toHex } from '../core/pdata/index.ts';
import { OttlRuntimeError } from './errors.ts';

/** A map: the live key-values of an attributes list or kvlist value. */
export class PMap {
  constructor(readonly kvs: KeyValue[]) {}
  get(key: string): Value | undefined {
    for (const kv of this.kvs) if (kv.key === key) return fromAnyValue(kv.value);
    return undefined;
  }
  /** The AnyValue of `key` itself, for changing it in place. */
  raw(key: string): KeyValue | undefined {
    for (const kv of this.kvs) if (kv.key === key) return kv;
    return undefined;
  }
  set(key: string, v: AnyValue): void {
    const kv = this.raw(key);
    if (kv) kv.value = v;
    else this.kvs.push({ key, value: v });
  }
  delete(key: string): void {
    const i = this.kvs.findIndex((kv) => kv.key === key);
    if (i >= 0) this.kvs.splice(i, 1);
  }
}

/** A list read from telemetry: the live values of an array value. */
export class PList {
  constructor(readonly values: AnyValue[]) {}
}

/** A point in time, in nanoseconds since the Unix epoch. */
export class OTime {
  constructor(readonly ns: bigint) {}
}

/** A length of time in nanoseconds (time - time). */
export class ODuration {
  constructor(readonly ns: bigint) {}
}

export type Value = null | string | boolean | bigint | number | Uint8Array | PMap | PList | Value[] | OTime | ODuration;

export function fromAnyValue(v: AnyValue | undefined): Value {
  if (v === undefined) return null;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('bytesValue' in v) return v.bytesValue;
  if ('kvlistValue' in v) return new PMap(v.kvlistValue.values);
  if ('arrayValue' in v) return new PList(v.arrayValue.values);
  return null;
}

/** The AnyValue for a value, copying maps and lists so the result shares nothing with the source. */
export function toAnyValue(v: Value): AnyValue {
  if (v === null) return {};
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: v };
    case 'number':
      return { doubleValue: v };
  }
  if (v instanceof Uint8Array) return { bytesValue: new Uint8Array(v) };
  if (v instanceof PMap) return { kvlistValue: { values: structuredClone(v.kvs) } };
  if (v instanceof PList) return { arrayValue: { values: structuredClone(v.values) } };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  if (v instanceof OTime) throw new OttlRuntimeError('a time cannot be stored in telemetry; use UnixNano(...)');
  throw new OttlRuntimeError('a duration cannot be stored in telemetry');
}

export function isList(v: Value): v is PList | Value[] {
  return Array.isArray(v) || v instanceof PList;
}

export function listItems(v: PList | Value[]): Value[] {
  return Array.isArray(v) ? v : v.values.map(fromAnyValue);
}

export function typeName(v: Value): string {
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
  }
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PMap) return 'map';
  if (isList(v)) return 'list';
  if (v instanceof OTime) return 'time';
  return 'duration';
}

/** A plain JSON-able JavaScript value (maps as objects), for String() of maps and lists and for equality. */
export function toPlain(v: Value): unknown {
  if (v instanceof PMap) return Object.fromEntries(v.kvs.map((kv) => [kv.key, toPlain(fromAnyValue(kv.value))]));
  if (isList(v)) return listItems(v).map(toPlain);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof OTime || v instanceof ODuration) return v.ns.toString();
  return v;
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64) for the common range: no exponent, shortest digits. */
export function formatDouble(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 17 });
}

/**
 * The string form of a value, as the Collector's StringLikeGetter gives it: ints and doubles formatted, bools
 * `true`/`false`, bytes as hex, maps and lists as JSON; nil stays nil.
 */
export function stringLike(v: Value): string | null {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'number':
      return formatDouble(v);
  }
  if (v instanceof Uint8Array) return toHex(v);
  if (v instanceof OTime) return new Date(Number(v.ns / 1_000_000n)).toISOString();
  if (v instanceof ODuration) return `${v.ns}ns`;
  return JSON.stringify(toPlain(v));
}
