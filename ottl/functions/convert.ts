// The type converters: Int, Double, String and Len, with the Collector's rules for what converts and what gives nil.
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { PMap, isList, stringLike } from '../values.ts';
import type { FunctionDef } from './types.ts';

const one = (name: string) => [{ name, type: 'getter' }] as const;

/** UTF-8 length in bytes, as Go's len(string). */
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** `v` when it fits an int64, else null (strconv.ParseInt's range error; a double past the range has no int). */
const inInt64 = (v: bigint): bigint | null => (v === BigInt.asIntN(64, v) ? v : null);

function parseIntLike(s: string): bigint | null {
  return /^[-+]?\d+$/.test(s.trim()) ? inInt64(BigInt(s.trim())) : null;
}

export const typeConverters: FunctionDef[] = [
  {
    name: 'Int',
    kind: 'converter',
    params: one('value'),
    build: (a) => {
      const value = a.getter(0);
      return (ctx): Value => {
        const v = value(ctx);
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number') return Number.isFinite(v) ? inInt64(BigInt(Math.trunc(v))) : null;
        if (typeof v === 'boolean') return v ? 1n : 0n;
        if (typeof v === 'string') return parseIntLike(v);
        return null;
      };
    },
  },
  {
    name: 'Double',
    kind: 'converter',
    params: one('value'),
    build: (a) => {
      const value = a.getter(0);
      return (ctx): Value => {
        const v = value(ctx);
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint') return Number(v);
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') {
          const t = v.trim();
          return t !== '' && Number.isFinite(Number(t)) ? Number(t) : null;
        }
        return null;
      };
    },
  },
  {
    name: 'String',
    kind: 'converter',
    params: one('value'),
    build: (a) => {
      const value = a.getter(0);
      return (ctx) => stringLike(value(ctx));
    },
  },
  {
    name: 'Len',
    kind: 'converter',
    params: one('target'),
    build: (a) => {
      const target = a.getter(0);
      return (ctx) => {
        const v = target(ctx);
        if (typeof v === 'string') return BigInt(utf8Length(v));
        if (v instanceof PMap) return BigInt(v.kvs.length);
        if (isList(v)) return BigInt(Array.isArray(v) ? v.length : v.values.length);
        if (v instanceof Uint8Array) return BigInt(v.length);
        throw new OttlRuntimeError(`Len: cannot take the length of ${v === null ? 'nil' : typeof v}`);
      };
    },
  },
];
