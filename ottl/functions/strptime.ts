// Time(): strptime-style formats as the Collector's ctime directives (%Y-%m-%dT%H:%M:%S%z and so on), parsed into
// nanoseconds since the epoch. A `location` (IANA name) applies when the string carries no offset; UTC otherwise.

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const alt = (names: string[], short: boolean) => names.map((n) => (short ? n.slice(0, 3) : n)).join('|');

interface Directive {
  re: string;
  apply?: (f: Fields, s: string) => void;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm?: boolean;
  offsetMinutes?: number;
}

const num = (key: keyof Fields, digits: string): Directive => ({
  re: `(\\d{${digits}})`,
  apply: (f, s) => {
    (f as unknown as Record<string, number>)[key] = Number(s);
  },
});

const frac = (digits: number): Directive => ({
  re: `(\\d{${digits}})`,
  apply: (f, s) => {
    f.nanos = Number(s) * 10 ** (9 - digits);
  },
});

const DIRECTIVES: Record<string, Directive | string> = {
  Y: num('year', '4'),
  y: { re: '(\\d{2})', apply: (f, s) => void (f.year = 2000 + Number(s) - (Number(s) >= 69 ? 100 : 0)) },
  m: { re: '(\\d{1,2})', apply: (f, s) => void (f.month = Number(s)) },
  d: num('day', '1,2'),
  e: { re: ' ?(\\d{1,2})', apply: (f, s) => void (f.day = Number(s)) },
  b: { re: `(${alt(MONTHS, true)})`, apply: (f, s) => void (f.month = monthOf(s)) },
  h: { re: `(${alt(MONTHS, true)})`, apply: (f, s) => void (f.month = monthOf(s)) },
  B: { re: `(${alt(MONTHS, false)})`, apply: (f, s) => void (f.month = monthOf(s)) },
  a: { re: `(?:${alt(DAYS, true)})` },
  A: { re: `(?:${alt(DAYS, false)})` },
  H: num('hour', '1,2'),
  I: num('hour', '1,2'),
  p: { re: '(AM|PM)', apply: (f, s) => void (f.pm = s.toUpperCase() === 'PM') },
  M: num('minute', '2'),
  S: num('second', '2'),
  L: frac(3),
  f: frac(6),
  s: frac(9),
  o: { re: ' ?(\\d{1,2})', apply: (f, s) => void (f.month = Number(s)) },
  q: { re: '(\\d{1,2})', apply: (f, s) => void (f.month = Number(s)) },
  g: num('day', '1,2'),
  l: num('hour', '1,2'),
  P: { re: '(am|pm)', apply: (f, s) => void (f.pm = s.toLowerCase() === 'pm') },
  z: offset('(Z|[+-]\\d{4}(?:\\d{2})?)'),
  i: offset('([+-]\\d{2})'),
  j: offset('([+-]\\d{2}:\\d{2})'),
  k: offset('([+-]\\d{2}:\\d{2}:\\d{2})'),
  w: offset('([+-]\\d{6})'),
  // Go reads a zone abbreviation its location does not define as a zone of offset 0, and the default location
  // (UTC) defines none but UTC: "12:34:56 HST" is 12:34:56 UTC in the Collector, and here.
  Z: { re: '([A-Za-z]{1,5})', apply: (f) => void (f.offsetMinutes = 0) },
  F: '%Y-%m-%d',
  T: '%H:%M:%S',
  D: '%m/%d/%y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
  n: { re: '\\n' },
  t: { re: '\\t' },
  '%': { re: '%' },
};

/** A UTC offset: `Z`, or a sign and HH, HHMM, HH:MM, HHMMSS or HH:MM:SS. */
function offset(re: string): Directive {
  return {
    re,
    apply: (f, s) => {
      if (s.toUpperCase() === 'Z') return void (f.offsetMinutes = 0);
      const sign = s.startsWith('-') ? -1 : 1;
      const d = s.slice(1).replaceAll(':', '');
      f.offsetMinutes =
        sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4) || '0') + Number(d.slice(4, 6) || '0') / 60);
    },
  };
}

function monthOf(s: string): number {
  return MONTHS.findIndex((m) => m.startsWith(s.toLowerCase().slice(0, 3))) + 1;
}

export interface CompiledFormat {
  re: RegExp;
  appliers: ((f: Fields, s: string) => void)[];
}

/** Compiles a format; throws (at load time) on an unknown directive. */
export function compileFormat(format: string): CompiledFormat {
  const appliers: ((f: Fields, s: string) => void)[] = [];
  const build = (fmt: string): string => {
    let out = '';
    for (let i = 0; i < fmt.length; i++) {
      const c = fmt[i] as string;
      if (c !== '%') {
        out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        continue;
      }
      const d = fmt[++i] ?? '';
      const dir = DIRECTIVES[d];
      if (dir === undefined) throw new Error(`unsupported directive %${d} in time format "${format}"`);
      if (typeof dir === 'string') out += build(dir);
      else {
        out += dir.re;
        if (dir.apply) appliers.push(dir.apply);
      }
    }
    return out;
  };
  return { re: new RegExp(`^${build(format)}$`, 'i'), appliers };
}

/** The UTC offset of `zone` at `utcMs`, in minutes. */
function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** Nanoseconds since the epoch, or undefined when `s` does not match the format. */
export function parseTime(s: string, fmt: CompiledFormat, zone: string | undefined): bigint | undefined {
  const m = fmt.re.exec(s);
  if (!m) return undefined;
  const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 };
  fmt.appliers.forEach((apply, i) => apply(f, m[i + 1] ?? ''));
  if (f.pm !== undefined) f.hour = (f.hour % 12) + (f.pm ? 12 : 0);
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 24 || f.minute > 59 || f.second > 60)
    return undefined;
  let ms = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  if (f.offsetMinutes !== undefined) ms -= f.offsetMinutes * 60000;
  else if (zone !== undefined) {
    const guess = ms - zoneOffsetMinutes(zone, ms) * 60000;
    ms -= zoneOffsetMinutes(zone, guess) * 60000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(f.nanos);
}

/** Throws when `zone` is not an IANA time zone the runtime knows. */
export function checkZone(zone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
}
