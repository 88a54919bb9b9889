// A log body as text, as the Collector's Value.AsString gives it: strings as they are, numbers and booleans
// spelled out, bytes in base64, maps and slices as JSON, an empty body as the empty string.
import type { AnyValue } from '../../core/pdata/index.ts';
import { doubleText, valueJson } from '../../core/pdata/index.ts';

const base64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export function bodyText(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('doubleValue' in v) return doubleText(v.doubleValue);
  if ('bytesValue' in v) return base64(v.bytesValue);
  if ('arrayValue' in v || 'kvlistValue' in v) return valueJson(v, base64);
  return '';
}
