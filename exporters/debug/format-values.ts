// How single values read in the debug output, close to the Collector's text so that output can be compared.
import type { AnyValue, KeyValue } from '../../core/pdata/index.ts';
import { doubleText, toHex, valueJson } from '../../core/pdata/index.ts';

const NS_PER_S = 1_000_000_000n;

/** RFC 3339 in UTC with all nine fraction digits, so nanosecond timestamps survive and columns line up. */
export function timestamp(ns: bigint): string {
  const t = ns < 0n ? 0n : ns;
  const seconds = t / NS_PER_S;
  const fraction = (t % NS_PER_S).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

/** Go's `%f`: six decimals; infinities and NaN spelled as Go spells them. */
export function fixed(n: number | undefined): string {
  if (n === undefined) return '';
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return n.toFixed(6);
}

/** Shortest exact form, as Go's AsString prints doubles. */
export const double = doubleText;

export function hex(bytes: Uint8Array): string {
  return toHex(bytes);
}

export function valueType(v: AnyValue): string {
  if ('stringValue' in v) return 'Str';
  if ('boolValue' in v) return 'Bool';
  if ('intValue' in v) return 'Int';
  if ('doubleValue' in v) return 'Double';
  if ('bytesValue' in v) return 'Bytes';
  if ('arrayValue' in v) return 'Slice';
  if ('kvlistValue' in v) return 'Map';
  return 'Empty';
}

const json = (v: AnyValue): string => valueJson(v, toHex);

/** The value without its type: strings as they are, slices and maps as JSON, bytes as hex. */
export function valueText(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('doubleValue' in v) return double(v.doubleValue);
  if ('bytesValue' in v) return toHex(v.bytesValue);
  if ('arrayValue' in v || 'kvlistValue' in v || 'boolValue' in v || 'intValue' in v) return json(v);
  return '';
}

/** `Str(x)`, `Int(5)`, `Map({...})`, `Empty()`. */
export function typedValue(v: AnyValue | undefined): string {
  const value = v ?? {};
  return `${valueType(value)}(${valueText(value)})`;
}

/** `k=v k2=v2`, for one-line output. */
export function inlineAttributes(attrs: readonly KeyValue[], sep = ' '): string {
  return attrs.map((kv) => `${kv.key}=${valueText(kv.value)}`).join(sep);
}

/** A one-line entry must stay one line whatever the data holds. */
export function oneLine(s: string): string {
  return s.replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** Like Go's time.Duration (`1.5ms`), but seconds are not split into minutes: spans are mostly short. */
export function duration(ns: bigint): string {
  if (ns < 0n) return `-${duration(-ns)}`;
  const n = Number(ns);
  if (n < 1e3) return `${n}ns`;
  if (n < 1e6) return `${trim(n / 1e3, 3)}µs`;
  if (n < 1e9) return `${trim(n / 1e6, 6)}ms`;
  return `${trim(n / 1e9, 9)}s`;
}

// As many decimals as keep nanoseconds, none that are zero.
function trim(n: number, decimals: number): string {
  return n.toFixed(decimals).replace(/\.?0+$/, '');
}

const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_CODES = ['Unset', 'Ok', 'Error'];
const TEMPORALITIES = ['Unspecified', 'Delta', 'Cumulative'];
const SEVERITY_LEVELS = ['Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'];

function named(names: readonly string[], n: number): string {
  return names[n] ?? `Unknown(${n})`;
}

export const spanKindName = (k: number): string => named(SPAN_KINDS, k);
export const statusCodeName = (c: number): string => named(STATUS_CODES, c);
export const temporalityName = (t: number): string => named(TEMPORALITIES, t);

/** `Info`, `Info2` ... as the Collector names severity numbers. */
export function severityName(n: number): string {
  if (n === 0) return 'Unspecified';
  const level = SEVERITY_LEVELS[Math.floor((n - 1) / 4)];
  if (level === undefined || !Number.isInteger(n) || n < 0) return 'Unknown';
  const step = (n - 1) % 4;
  return step === 0 ? level : `${level}${step + 1}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The payload as text when it is valid UTF-8, else undefined (print it as hex). */
export function payloadText(payload: Uint8Array): string | undefined {
  try {
    return utf8.decode(payload);
  } catch {
    return undefined;
  }
}
