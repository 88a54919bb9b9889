// The matching of names and attribute values that include / exclude do, as the Collector's filterset and
// filtermatcher packages do it: strict is equality, regexp finds the pattern anywhere in the text.
import type { AnyValue, KeyValue } from '../../core/pdata/index.ts';
import { valueJson } from '../../core/pdata/index.ts';
import { compileGoRegexp } from '../helper/attr-actions/go-regexp.ts';
import { configValue } from '../helper/attr-actions/values.ts';
import type { AttributeMatch, MatchType } from './match-config.ts';

export interface StringSet {
  matches(s: string): boolean;
}

function regexp(p: string): RegExp {
  const r = compileGoRegexp(p);
  // The config was checked when loaded (match-config.ts).
  if (!r.ok) throw new Error(`${JSON.stringify(p)}: ${r.message}`);
  return r.re;
}

export function stringSet(type: MatchType, items: readonly string[]): StringSet {
  if (type === 'strict') {
    const set = new Set(items);
    return { matches: (s) => set.has(s) };
  }
  const res = items.map(regexp);
  return { matches: (s) => res.some((re) => re.test(s)) };
}

/** A double as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it: never in exponent form. */
export function fixedText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + Number(s.slice(e + 1));
  const text =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${text}` : text;
}

/** The text a regexp attribute match reads: strings, bools, ints and doubles; undefined (no match) otherwise. */
function matchText(v: AnyValue): string | undefined {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('doubleValue' in v) return fixedText(v.doubleValue);
  return undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Strict equality of a configured value and an attribute's, types included, except that a whole number matches an
 * int or a double of that value (YAML `1.0` arrives as 1, so the type written cannot be told apart).
 */
function strictEquals(want: AnyValue, got: AnyValue): boolean {
  if ('stringValue' in want) return 'stringValue' in got && got.stringValue === want.stringValue;
  if ('boolValue' in want) return 'boolValue' in got && got.boolValue === want.boolValue;
  if ('intValue' in want)
    return (
      ('intValue' in got && got.intValue === want.intValue) ||
      ('doubleValue' in got && got.doubleValue === Number(want.intValue))
    );
  if ('doubleValue' in want) return 'doubleValue' in got && got.doubleValue === want.doubleValue;
  return valueJson(want, hex) === valueJson(got, hex) && Object.keys(want)[0] === Object.keys(got)[0];
}

export type AttributesMatcher = (attrs: readonly KeyValue[]) => boolean;

/** All of `list` must match (the Collector's AttributesMatcher); an empty list matches everything. */
export function attributesMatcher(type: MatchType, list: readonly AttributeMatch[]): AttributesMatcher {
  const checks = list.map(({ value }): ((v: AnyValue) => boolean) => {
    if (value === undefined || value === null) return () => true;
    if (type === 'regexp') {
      // matchIssues refused a non-string value under regexp.
      const re = regexp(value as string);
      return (v) => {
        const text = matchText(v);
        return text !== undefined && re.test(text);
      };
    }
    const want = configValue(value);
    return (v) => strictEquals(want, v);
  });
  const keys = list.map((a) => a.key);
  return (attrs) => {
    for (let i = 0; i < keys.length; i++) {
      const kv = attrs.find((a) => a.key === keys[i]);
      if (!kv || !(checks[i] as (v: AnyValue) => boolean)(kv.value)) return false;
    }
    return true;
  };
}
