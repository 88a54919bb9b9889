// Durations are written as in the Collector (Go's time.ParseDuration) and used as milliseconds, the unit of Node's
// timers. Arithmetic is done on integer nanoseconds where possible so `1.1s` is exactly 1100, not 1100.0000000000002.

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 MICRO SIGN, what Go prints
  μs: 1e3, // U+03BC GREEK SMALL LETTER MU, what keyboards often produce
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * The longest delay Node's timers honour: setTimeout fires at once (with a warning) for anything longer, which would
 * turn a long interval into a busy loop or a long timeout into none. Durations that become timers are checked
 * against it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

// Go refuses durations beyond int64 nanoseconds; matching it keeps configs portable between the two.
const MAX_NS = 2 ** 63;
const MAX_FRACTION_DIGITS = 9;

const EXPECTED = 'expected a number and a unit such as "300ms", "1.5s" or "1h30m"';

const PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)?/;

function invalid(s: string, why: string): Error {
  return new Error(`invalid duration "${s}": ${why}`);
}

/** Parses a Go-style duration (`300ms`, `1.5s`, `1h30m`, `10us`, `0`) into milliseconds. */
export function parseDuration(s: string): number {
  if (typeof s !== 'string') throw new Error(`invalid duration: expected a string, got ${typeof s}`);
  let rest = s;
  if (rest.startsWith('+')) rest = rest.slice(1);
  else if (rest.startsWith('-')) throw invalid(s, 'negative durations are not allowed');
  if (rest === '0') return 0;
  if (rest === '') throw invalid(s, EXPECTED);
  let ns = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    const whole = m?.[1] ?? '';
    const fraction = m?.[2];
    const unit = m?.[3];
    if (!m || (whole === '' && (fraction === undefined || fraction === ''))) {
      throw invalid(s, EXPECTED);
    }
    if (unit === undefined) {
      const word = /^[^\d\s.+-]+/.exec(rest.slice(m[0].length))?.[0];
      throw invalid(
        s,
        word ? `unknown unit "${word}" (use ns, us, ms, s, m or h)` : 'missing unit (ns, us, ms, s, m or h)',
      );
    }
    const digits = (fraction ?? '').slice(0, MAX_FRACTION_DIGITS);
    const mantissa = Number(whole + digits);
    ns += (mantissa * (UNIT_NS[unit] ?? 0)) / 10 ** digits.length;
    if (!(ns < MAX_NS)) throw invalid(s, 'too large');
    rest = rest.slice(m[0].length);
  }
  return ns / 1e6;
}

function trimFraction(n: number): string {
  // toFixed(9) avoids exponent notation for tiny remainders; trailing zeros carry no information.
  return n.toFixed(9).replace(/\.?0+$/, '');
}

/** Formats milliseconds the way Go prints durations but without zero parts: 200 → `200ms`, 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format duration ${ms}`);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  let ns = Math.round(ms * 1e6);
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimFraction(ns / 1e3)}us`;
  if (ns < 1e9) return `${trimFraction(ns / 1e6)}ms`;
  let out = '';
  const h = Math.floor(ns / 3600e9);
  if (h > 0) out += `${h}h`;
  ns -= h * 3600e9;
  const m = Math.floor(ns / 60e9);
  if (m > 0) out += `${m}m`;
  ns -= m * 60e9;
  if (ns > 0) out += `${trimFraction(ns / 1e9)}s`;
  return out;
}
