// The value side of the actions, as the Collector's attraction package does it: a config value as an attribute
// value, SHA-256 hashing, and conversion between int, double and string.
import { hash } from 'node:crypto';
import type { AnyValue, AttributeInput } from '../../../core/pdata/index.ts';
import { anyValue, valueText } from '../../../core/pdata/index.ts';

export type ConvertedType = 'int' | 'double' | 'string';

/**
 * A value from the YAML config as an attribute value (pcommon's FromRaw): whole numbers become ints (YAML's `1.0`
 * arrives as the number 1, so it is an int here where the Collector would make it a double), lists arrays, maps
 * kvlists, null the empty value. YAML gives only strings, numbers, booleans, null, lists and maps.
 */
export function configValue(v: unknown): AnyValue {
  return anyValue(v as AttributeInput);
}

/**
 * A copy of `v` that shares nothing mutable with it (bytes aside, which nothing changes in place): every record an
 * action writes gets its own value, so a processor further on that edits one in place edits only that one.
 */
export function copyValue(v: AnyValue): AnyValue {
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(copyValue) } };
  if ('kvlistValue' in v)
    return { kvlistValue: { values: v.kvlistValue.values.map((kv) => ({ key: kv.key, value: copyValue(kv.value) })) } };
  return { ...v };
}

/**
 * The bytes the Collector hashes: a string's UTF-8, a bool as one byte, an int or double as 8 little-endian bytes;
 * undefined for the other kinds, which hash to the empty string (as in the Collector).
 */
function hashInput(v: AnyValue): string | Uint8Array | undefined {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return Uint8Array.of(v.boolValue ? 1 : 0);
  if ('intValue' in v) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, v.intValue));
    return b;
  }
  if ('doubleValue' in v) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v.doubleValue);
    return b;
  }
  return undefined;
}

/**
 * Hashes of recent strings: the values hashed (user IDs, e-mail addresses) repeat from item to item, and a lookup
 * costs far less than a SHA-256. Bounded by entries and by the length of what it keeps; emptied when full.
 */
const MEMO_ENTRIES = 4096;
const MEMO_MAX_LENGTH = 256;
const memo = new Map<string, string>();

function sha256Hex(input: string | Uint8Array): string {
  if (typeof input !== 'string' || input.length > MEMO_MAX_LENGTH) return hash('sha256', input, 'hex');
  let h = memo.get(input);
  if (h === undefined) {
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    h = hash('sha256', input, 'hex');
    memo.set(input, h);
  }
  return h;
}

/** The hex SHA-256 of the value, as a string value (the Collector's `hash` action since v0.75.0). */
export function hashValue(v: AnyValue): AnyValue {
  const input = hashInput(v);
  // An empty string hashes to the empty string too: the Collector hashes only non-empty input.
  if (input === undefined || input.length === 0) return { stringValue: '' };
  return { stringValue: sha256Hex(input) };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, nothing else. */
const GO_INT = /^[+-]?[0-9]+$/;
/** strconv.ParseFloat's decimal forms and its names for infinity and NaN (hexadecimal floats are not accepted). */
const GO_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const GO_FLOAT_WORDS: Readonly<Record<string, number>> = {
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  nan: NaN,
};

function parseGoInt(s: string): bigint | undefined {
  if (!GO_INT.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

function parseGoFloat(s: string): number | undefined {
  const word = GO_FLOAT_WORDS[s.toLowerCase()];
  if (word !== undefined) return word;
  if (!GO_FLOAT.test(s)) return undefined;
  const n = Number(s);
  // ParseFloat fails with ErrRange on overflow; the Collector then leaves the value as it was.
  return Number.isFinite(n) ? n : undefined;
}

/**
 * `v` converted as the Collector's `convert` action does, or undefined when it cannot be (the value is then left
 * as it is): a double to int truncates, a bool is 1 or 0, a string must parse entirely; anything becomes a string.
 */
export function convertValue(v: AnyValue, to: ConvertedType): AnyValue | undefined {
  switch (to) {
    case 'string':
      return 'stringValue' in v ? v : { stringValue: valueText(v) };
    case 'int': {
      if ('intValue' in v) return v;
      if ('boolValue' in v) return { intValue: v.boolValue ? 1n : 0n };
      if ('doubleValue' in v) {
        // Go's int64() of NaN, an infinity or a double out of range is platform-defined: leave those alone.
        const t = Math.trunc(v.doubleValue);
        if (!Number.isFinite(t) || t < -(2 ** 63) || t >= 2 ** 63) return undefined;
        return { intValue: BigInt(t) };
      }
      if ('stringValue' in v) {
        const n = parseGoInt(v.stringValue);
        return n === undefined ? undefined : { intValue: n };
      }
      return undefined;
    }
    case 'double': {
      if ('doubleValue' in v) return v;
      if ('intValue' in v) return { doubleValue: Number(v.intValue) };
      if ('boolValue' in v) return { doubleValue: v.boolValue ? 1 : 0 };
      if ('stringValue' in v) {
        const n = parseGoFloat(v.stringValue);
        return n === undefined ? undefined : { doubleValue: n };
      }
      return undefined;
    }
  }
}
