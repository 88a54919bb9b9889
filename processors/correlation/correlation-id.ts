// The correlation ID of a message: a field of its JSON payload, read as the original exporter read it
// (correlation.rs), with the same reasons and the same order of checks when there is none.
import { jsonPointer, rawNumbers } from '../helper/raw-numbers.ts';
import type { Found } from './json-field.ts';
import { ABSENT, scanField } from './json-field.ts';

export type MissingReason = 'empty_payload' | 'invalid_utf8' | 'invalid_json' | 'missing_field' | 'unsupported_type';

export type Extraction = { ok: true; id: string } | { ok: false; reason: MissingReason };

// fatal: invalid UTF-8 is a reason of its own rather than text with U+FFFD in it. A leading byte order mark is
// skipped (the decoder's default), where the original read it as a character and then failed on invalid_json.
const decoder = new TextDecoder('utf-8', { fatal: true });

const INTEGER = /^-?\d+$/;

/** `" meta..trace.id "` → `['meta', 'trace', 'id']`: trimmed, split on dots, empty segments ignored. */
export function fieldSegments(fieldName: string): string[] {
  return fieldName
    .trim()
    .split('.')
    .filter((s) => s !== '');
}

export function extractCorrelationId(payload: Uint8Array, path: readonly string[]): Extraction {
  if (payload.byteLength === 0) return { ok: false, reason: 'empty_payload' };
  let text: string;
  try {
    text = decoder.decode(payload);
  } catch {
    return { ok: false, reason: 'invalid_utf8' };
  }
  // Most payloads are answered by the scanner; JSON.parse decides the rest (invalid ones among them).
  const scanned = scanField(text, path);
  if (scanned !== undefined) return scanned === ABSENT ? { ok: false, reason: 'missing_field' } : fromText(scanned);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  const found = locate(json, path);
  if (found === undefined || found.value === null) return { ok: false, reason: 'missing_field' };
  const v = found.value;
  if (typeof v === 'string') return { ok: true, id: v };
  if (typeof v === 'boolean') return { ok: true, id: String(v) };
  // The path walked only objects to reach a number, so its pointer names that number (one value per pointer).
  if (typeof v === 'number') return numberId(v, () => rawNumbers(text, path.length).get(jsonPointer(path)));
  return { ok: false, reason: 'unsupported_type' };
}

/** What the scanner found, read as the parsed document's value would be (see extractCorrelationId). */
function fromText(f: Found): Extraction {
  switch (f.kind) {
    case 'string':
      return { ok: true, id: f.raw.includes('\\') ? (JSON.parse(f.raw) as string) : f.raw.slice(1, -1) };
    case 'number':
      return numberId(Number(f.raw), () => f.raw);
    case 'true':
    case 'false':
      return { ok: true, id: f.kind };
    case 'null':
      return { ok: false, reason: 'missing_field' };
    default:
      return { ok: false, reason: 'unsupported_type' };
  }
}

/** The value at `path` of object keys (own keys only: `constructor` is not a field of `{}`), or undefined. */
function locate(json: unknown, path: readonly string[]): { value: unknown } | undefined {
  if (path.length === 0) return undefined;
  let current = json;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key))
      return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return { value: current };
}

/** `raw`: the number's source text, when it can be had. */
function numberId(v: number, raw: () => string | undefined): Extraction {
  // serde_json refuses a number too large for a double as a whole-document error; JSON.parse makes it Infinity.
  if (!Number.isFinite(v)) return { ok: false, reason: 'invalid_json' };
  // A safe integer is exactly what was written, whatever the literal's form (5, 5.0, 5e0): the text need not be
  // scanned. Most IDs are such numbers.
  if (Number.isSafeInteger(v)) return { ok: true, id: Object.is(v, -0) ? '-0' : String(v) };
  const text = raw();
  // An integer literal is kept as written, however long (serde_json kept every i64 and u64 exact).
  if (text !== undefined && INTEGER.test(text)) return { ok: true, id: text };
  // A fraction or exponent is a double, printed shortest round-trip as Rust's Display does (1.0 → "1"); Rust
  // prints the sign of negative zero, JavaScript's String() does not.
  return { ok: true, id: Object.is(v, -0) ? '-0' : String(v) };
}
