// An AnyValue as text, as the Collector's pcommon spells values: doubles in their shortest exact form with Go's
// names for infinities and NaN, maps and slices as JSON. Bytes differ between users (hex in the debug output,
// base64 in Value.AsString), so the caller says how to write them.
import type { AnyValue } from './common.ts';

/** Shortest exact form, as Go's AsString prints doubles. */
export function doubleText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}

/** A value as JSON; `bytes` gives the text of a bytes value (quoted by this function). */
export function valueJson(v: AnyValue, bytes: (b: Uint8Array) => string): string {
  const json = (x: AnyValue): string => {
    if ('stringValue' in x) return JSON.stringify(x.stringValue);
    if ('boolValue' in x) return String(x.boolValue);
    if ('intValue' in x) return x.intValue.toString();
    if ('doubleValue' in x)
      return Number.isFinite(x.doubleValue) ? String(x.doubleValue) : JSON.stringify(doubleText(x.doubleValue));
    if ('bytesValue' in x) return JSON.stringify(bytes(x.bytesValue));
    if ('arrayValue' in x) return `[${x.arrayValue.values.map(json).join(',')}]`;
    if ('kvlistValue' in x)
      return `{${x.kvlistValue.values.map((kv) => `${JSON.stringify(kv.key)}:${json(kv.value)}`).join(',')}}`;
    return 'null';
  };
  return json(v);
}

const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/**
 * A value as text, as the Collector's Value.AsString gives it: strings as they are, numbers and booleans spelled
 * out, bytes in base64, maps and slices as JSON, an empty (or absent) value as the empty string.
 */
export function valueText(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('doubleValue' in v) return doubleText(v.doubleValue);
  if ('bytesValue' in v) return base64(v.bytesValue);
  if ('arrayValue' in v || 'kvlistValue' in v) return valueJson(v, base64);
  return '';
}
