// Go's time.Format, so blob name formats copied from a Collector config (`2006/01/02/logs_15_04_05.json`) give the
// same names. The layout is read as Go's nextStdChunk reads it: the reference time Mon Jan 2 15:04:05 MST 2006,
// each element recognised where Go recognises it and everything else copied. Time zones are IANA names (as Go's
// time.LoadLocation); empty or `Local` is the process's zone, as Go's Local.

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A wall clock in a zone: what Format needs. */
export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  weekday: number; // 0 = Sunday
  yearDay: number; // 1-366
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** Seconds east of UTC. */
  offset: number;
  /**
   * The zone's letter abbreviation where Intl knows one (`UTC`, `EST`), else empty: `MST` then prints tzdata's numeric
   * name (`+04`). Intl has no abbreviation for many zones that tzdata names (Europe/Berlin's CET): those print `+01`.
   */
  zoneName: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneOf(tz: string): string | undefined {
  return tz === '' || tz === 'Local' ? undefined : tz;
}

/** A message when Go's time.LoadLocation would refuse the zone, else undefined. */
export function checkTimezone(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zoneOf(tz) });
    return undefined;
  } catch {
    return `unknown time zone "${tz}": expected an IANA name such as UTC or Europe/Berlin, or empty for local time`;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zoneOf(tz),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
      era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock at `ms` (epoch milliseconds) in `tz`; `nanos` below the millisecond may be added by the caller. */
export function wallClock(ms: number, tz: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(ms)) parts[p.type] = p.value;
  const era = parts.era === 'BC' ? -1 : 1;
  const year = era > 0 ? Number(parts.year) : 1 - Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const [hour, minute, second] = [Number(parts.hour), Number(parts.minute), Number(parts.second)];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offset = Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 1000);
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  const jan1 = new Date(Date.UTC(year, 0, 1));
  jan1.setUTCFullYear(year);
  const name = parts.timeZoneName ?? '';
  return {
    year,
    month,
    day,
    weekday: date.getUTCDay(),
    yearDay: Math.round((date.getTime() - jan1.getTime()) / 86_400_000) + 1,
    hour,
    minute,
    second,
    nanosecond: (((ms % 1000) + 1000) % 1000) * 1_000_000,
    offset,
    // Intl spells zones without an abbreviation `GMT+1`; Go has none for them and prints the offset instead.
    zoneName: offset === 0 && /^(UTC|GMT)$/.test(name) ? 'UTC' : /^[A-Z]{2,5}$/.test(name) ? name : '',
  };
}

const pad = (n: number, width: number, ch = '0'): string => {
  const s = String(Math.abs(n)).padStart(width, ch);
  return n < 0 ? `-${s}` : s;
};

type Chunk = { literal: string } | { std: string; digits?: number };

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const startsLower = (s: string, i: number): boolean => i < s.length && s[i]! >= 'a' && s[i]! <= 'z';

/** The first element at or after `i`: [index where it starts, the element, its length], or undefined. */
function nextStd(layout: string, i0: number): [number, Chunk, number] | undefined {
  for (let i = i0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (s: string): boolean => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return [i, { std: 'January' }, 7];
          if (!startsLower(layout, i + 3)) return [i, { std: 'Jan' }, 3];
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return [i, { std: 'Monday' }, 6];
          if (!startsLower(layout, i + 3)) return [i, { std: 'Mon' }, 3];
        }
        if (at('MST')) return [i, { std: 'MST' }, 3];
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') return [i, { std: `0${n}` }, 2];
        if (at('002')) return [i, { std: '002' }, 3];
        break;
      }
      case '1':
        if (at('15')) return [i, { std: '15' }, 2];
        return [i, { std: '1' }, 1];
      case '2':
        if (at('2006')) return [i, { std: '2006' }, 4];
        return [i, { std: '2' }, 1];
      case '_':
        if (layout[i + 1] === '2') {
          // `_2006` is a literal underscore followed by the year.
          if (layout.startsWith('2006', i + 1)) return [i + 1, { std: '2006' }, 4];
          return [i, { std: '_2' }, 2];
        }
        if (at('__2')) return [i, { std: '__2' }, 3];
        break;
      case '3':
      case '4':
      case '5':
        return [i, { std: c }, 1];
      case 'P':
        if (at('PM')) return [i, { std: 'PM' }, 2];
        break;
      case 'p':
        if (at('pm')) return [i, { std: 'pm' }, 2];
        break;
      case '-':
      case 'Z':
        for (const z of ['070000', '07:00:00', '0700', '07:00', '07'])
          if (at(c + z)) return [i, { std: c + z }, z.length + 1];
        break;
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (layout[j] === d) j++;
          // Only a run of zeros or nines that ends the digits is a fraction of a second.
          if (!isDigit(layout, j)) return [i, { std: `${c}${d}`, digits: j - i - 1 }, j - i];
        }
        break;
      }
    }
  }
  return undefined;
}

function zone(t: WallClock, std: string): string {
  const iso = std.startsWith('Z');
  if (iso && t.offset === 0) return 'Z';
  const zs = Math.abs(t.offset);
  const sign = t.offset < 0 ? '-' : '+';
  const hh = pad(Math.floor(zs / 3600), 2);
  const mm = pad(Math.floor(zs / 60) % 60, 2);
  const ss = pad(zs % 60, 2);
  switch (std.slice(1)) {
    case '070000':
      return `${sign}${hh}${mm}${ss}`;
    case '07:00:00':
      return `${sign}${hh}:${mm}:${ss}`;
    case '0700':
      return `${sign}${hh}${mm}`;
    case '07:00':
      return `${sign}${hh}:${mm}`;
    default:
      return `${sign}${hh}`;
  }
}

/** tzdata's name for a zone without a letter abbreviation (`+04`, `+0545`), which Go prints for `MST`. */
function numericAbbreviation(offset: number): string {
  const zs = Math.abs(offset);
  const mm = Math.floor(zs / 60) % 60;
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(zs / 3600), 2)}${mm ? pad(mm, 2) : ''}`;
}

function element(t: WallClock, c: { std: string; digits?: number }): string {
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  switch (c.std) {
    case 'January':
      return MONTHS[t.month - 1]!;
    case 'Jan':
      return MONTHS[t.month - 1]!.slice(0, 3);
    case 'Monday':
      return DAYS[t.weekday]!;
    case 'Mon':
      return DAYS[t.weekday]!.slice(0, 3);
    case 'MST':
      return t.zoneName || numericAbbreviation(t.offset);
    case '01':
      return pad(t.month, 2);
    case '02':
      return pad(t.day, 2);
    case '03':
      return pad(h12, 2);
    case '04':
      return pad(t.minute, 2);
    case '05':
      return pad(t.second, 2);
    case '06':
      return pad(((t.year % 100) + 100) % 100, 2);
    case '002':
      return pad(t.yearDay, 3);
    case '__2':
      return pad(t.yearDay, 3, ' ');
    case '15':
      return pad(t.hour, 2);
    case '1':
      return String(t.month);
    case '2006':
      return pad(t.year, 4);
    case '2':
      return String(t.day);
    case '_2':
      return pad(t.day, 2, ' ');
    case '3':
      return String(h12);
    case '4':
      return String(t.minute);
    case '5':
      return String(t.second);
    case 'PM':
      return t.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return t.hour >= 12 ? 'pm' : 'am';
  }
  if (c.std.startsWith('-') || c.std.startsWith('Z')) return zone(t, c.std);
  // Fractions: `.000` keeps every digit asked for, `.999` drops trailing zeros (and the dot when nothing is left).
  const digits = String(t.nanosecond).padStart(9, '0').slice(0, c.digits);
  if (c.std[1] === '0') return c.std[0]! + digits;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? '' : c.std[0]! + trimmed;
}

/** Go's `t.Format(layout)`. */
export function formatGoTime(t: WallClock, layout: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const next = nextStd(layout, i);
    if (!next) return out + layout.slice(i);
    const [start, chunk, length] = next;
    out += layout.slice(i, start) + element(t, chunk as { std: string; digits?: number });
    i = start + length;
  }
}
