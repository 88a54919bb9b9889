// Exact numbers from JSON text. JSON.parse turns every number into a double, which rounds integers above 2^53:
// a nanosecond timestamp (~1.75e18) or a large u64/i64 value would silently change. These helpers work on the
// number's source text (see processors/helper/raw-numbers.ts) so that what the publisher wrote is what goes out.

export const U64_MAX = 2n ** 64n - 1n;
export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

// Anything longer is out of every 64-bit range (unless it is all zeros, which is handled first); the cap also keeps
// `10n ** exponent` from building a huge bigint for a literal such as 1e999999.
const MAX_DIGITS = 40;

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The exact integer a JSON number literal denotes, 'fraction' when it is not a whole number, 'range' when it has
 * more than 40 digits before the point. `1.0`, `1e3` and `17548512e11` are whole numbers; `1.5` is not.
 */
export function exactInteger(raw: string): bigint | 'fraction' | 'range' {
  const m = NUMBER.exec(raw);
  if (!m) return 'fraction';
  const [, sign = '', int = '', frac = '', expText = '0'] = m;
  let digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return 0n;
  let exp = Number(expText) - frac.length;
  // Trailing zeros move into the exponent, so 1.50e1 and 15 look alike.
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  if (exp < 0) return 'fraction';
  if (digits.length + exp > MAX_DIGITS) return 'range';
  const value = BigInt(digits) * 10n ** BigInt(exp);
  return sign === '-' ? -value : value;
}

export type TimestampResult = { ok: true; value: bigint } | { ok: false; message: string };

/**
 * A timestamp in Unix nanoseconds: a JSON number (its source text `raw`, so nothing is rounded) or a string of
 * decimal digits. Must be a whole number from 0 to 2^64-1 (OTLP's fixed64).
 */
export function parseTimestamp(value: unknown, raw: string | undefined): TimestampResult {
  let n: bigint | 'fraction' | 'range';
  if (typeof value === 'number') {
    n = exactInteger(raw ?? String(value));
  } else if (typeof value === 'string') {
    if (!/^\d{1,40}$/.test(value))
      return { ok: false, message: 'must be a number or a string of decimal digits (Unix nanoseconds)' };
    n = BigInt(value);
  } else {
    return { ok: false, message: 'must be a number or a string of decimal digits (Unix nanoseconds)' };
  }
  if (n === 'fraction') return { ok: false, message: 'must be a whole number of nanoseconds' };
  if (n === 'range' || n < 0n || n > U64_MAX) return { ok: false, message: 'must be from 0 to 2^64-1 nanoseconds' };
  return { ok: true, value: n };
}

export type IntegerResult = { ok: true; value: bigint } | { ok: false; message: string };

/** A whole number within [min, max], from a JSON number's source text. */
export function parseInteger(value: number, raw: string | undefined, min: bigint, max: bigint): IntegerResult {
  const n = exactInteger(raw ?? String(value));
  if (n === 'fraction') return { ok: false, message: 'must be a whole number for an integer metric type' };
  if (n === 'range' || n < min || n > max) return { ok: false, message: `must be from ${min} to ${max}` };
  return { ok: true, value: n };
}
