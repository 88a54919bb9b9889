// OpenTelemetry names to Prometheus names, as the OpenTelemetry-to-Prometheus compatibility specification and the
// Collector's exporter (through Prometheus' otlptranslator) do it: metric names become tokens of [a-zA-Z0-9:] joined
// by `_`, with the unit (`s` -> `seconds`, `By/s` -> `bytes_per_second`) and type suffixes (`_total` for monotonic
// counters, `_ratio` for gauges of unit `1`) appended unless already present; label names get every other character
// replaced by `_`, runs of `_` collapsed, and `key_` before a leading digit.

/** The Collector's `translation_strategy` values (Prometheus' names). */
export const TRANSLATION_STRATEGIES = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
] as const;
export type TranslationStrategy = (typeof TRANSLATION_STRATEGIES)[number];

export type NameKind = 'gauge' | 'counter' | 'histogram' | 'summary' | 'other';

const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const INVALID_METRIC_CHARS = /[^a-zA-Z0-9:]+/;
const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]/g;
const startsWithDigit = (s: string): boolean => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;

/** `s` with every character outside [a-zA-Z0-9:] replaced by `_` and runs of `_` collapsed, without a leading `_`. */
function cleanUnit(unit: string): string {
  return unit
    .replace(/[^a-zA-Z0-9:]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_/, '');
}

/** The main and per-unit suffixes of a UCUM unit; annotations (`{requests}`) give none. */
export function unitSuffixes(unit: string): { main: string; per: string } {
  const [mainPart = '', perPart] = unit.split(/\/(.*)/s, 2);
  const m = mainPart.trim();
  const main = m !== '' && !/[{}]/.test(m) ? (UNITS[m] ?? m) : '';
  const p = perPart?.trim() ?? '';
  const per = p !== '' && !/[{}]/.test(p) ? `per_${PER_UNITS[p] ?? p}` : '';
  return { main, per };
}

export class MetricNamer {
  private readonly suffixes: boolean;
  private readonly escape: boolean;

  constructor(
    private readonly namespace: string,
    strategy: TranslationStrategy,
  ) {
    this.suffixes = strategy.endsWith('WithSuffixes');
    this.escape = strategy.startsWith('UnderscoreEscaping');
  }

  /** The Prometheus name of a metric; '' when nothing valid is left (the metric is then dropped, counted). */
  name(name: string, unit: string, kind: NameKind): string {
    if (!this.escape) return this.unescaped(name, unit, kind);
    if (!this.suffixes) {
      const base = name
        .split(/[^a-zA-Z0-9:_]+/)
        .filter(Boolean)
        .join('_');
      const ns = this.namespace
        .split(/[^a-zA-Z0-9:_]+/)
        .filter(Boolean)
        .join('_');
      const joined = ns !== '' ? `${ns}_${base}` : base;
      return valid(startsWithDigit(joined) ? `_${joined}` : joined);
    }
    let tokens = name.split(INVALID_METRIC_CHARS).filter(Boolean);
    const { main, per } = unitSuffixes(unit);
    const mainToken = cleanUnit(main);
    let perToken = cleanUnit(per);
    perToken = perToken === 'per_' ? '' : perToken.replace(/_$/, '');
    if (perToken !== '' && tokens.includes(perToken)) perToken = '';
    if (mainToken !== '' && !tokens.includes(mainToken))
      tokens.push(perToken !== '' ? mainToken.replace(/_$/, '') : mainToken);
    if (perToken !== '') tokens.push(perToken);
    if (kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
    if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
    if (this.namespace !== '') tokens.unshift(this.namespace);
    const joined = tokens.join('_');
    return valid(startsWithDigit(joined) ? `_${joined}` : joined);
  }

  // NoUTF8EscapingWithSuffixes / NoTranslation: the name as it is, suffixes appended when asked.
  private unescaped(name: string, unit: string, kind: NameKind): string {
    let n = this.namespace !== '' ? `${this.namespace}_${name}` : name;
    if (!this.suffixes) return n;
    const trim = (s: string, suffix: string) =>
      s.endsWith(suffix) && s.length > suffix.length + 1 ? s.slice(0, -(suffix.length + 1)) : s;
    const tail: string[] = [];
    if (unit === '1' && kind === 'gauge') {
      n = trim(n, 'ratio');
      tail.unshift('ratio');
    }
    if (kind === 'counter') {
      n = trim(n, 'total');
      tail.unshift('total');
    }
    const { main, per } = unitSuffixes(unit);
    if (per !== '') {
      n = trim(n, per);
      tail.unshift(per);
    }
    if (main !== '' && !n.endsWith(main)) n = `${n}_${main}`;
    return [n, ...tail].join('_');
  }
}

const valid = (name: string): string => (/^_*$/.test(name) ? '' : name);

/** A label name as Prometheus accepts it; '' when nothing valid is left. `__reserved__` names are kept. */
export function labelName(key: string, escape = true): string {
  if (key === '') return '';
  if (!escape) return /^_*$/.test(key) ? '' : key;
  let n = key.replace(INVALID_LABEL_CHARS, '_');
  if (!n.startsWith('__')) n = n.replace(/_+/g, '_');
  if (startsWithDigit(n)) n = `key_${n}`;
  return /^_*$/.test(n) ? '' : n;
}
