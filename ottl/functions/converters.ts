// The converters (pkg/ottl/ottlfuncs): functions that return a value and change nothing.
import { createHash } from 'node:crypto';
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { PMap, isList, stringLike, toAnyValue } from '../values.ts';
import { needInt, needString } from './coerce.ts';
import type { FunctionDef } from './types.ts';

const one = (name: string, type: 'getter' = 'getter') => [{ name, type }] as const;

function jsonToValue(j: unknown): Value {
  if (j === null) return null;
  if (Array.isArray(j)) return j.map(jsonToValue);
  switch (typeof j) {
    case 'string':
    case 'boolean':
      return j;
    // JSON numbers are doubles, as the Collector's ParseJSON reads them.
    case 'number':
      return j;
    case 'object': {
      const kvs = Object.entries(j as Record<string, unknown>).map(([key, v]) => ({
        key,
        value: toAnyValue(jsonToValue(v)),
      }));
      return new PMap(kvs);
    }
  }
  return null;
}

export const converters: FunctionDef[] = [
  {
    name: 'IsMatch',
    kind: 'converter',
    params: [
      { name: 'target', type: 'getter' },
      { name: 'pattern', type: 'string' },
    ],
    build: (a) => {
      const target = a.getter(0);
      const re = a.regex(1);
      return (ctx) => {
        const s = stringLike(target(ctx));
        return s === null ? false : re.test(s);
      };
    },
  },
  {
    name: 'Concat',
    kind: 'converter',
    params: [
      { name: 'vals', type: 'getters' },
      { name: 'delimiter', type: 'getter' },
    ],
    build: (a) => {
      const vals = a.getters(0);
      const delimiter = a.getter(1);
      return (ctx) => {
        const d = needString('Concat', delimiter(ctx));
        const parts: string[] = [];
        for (const g of vals) {
          const v = g(ctx);
          // Maps and lists are left out, as in the Collector (they could blow up the result's size).
          if (v instanceof PMap || isList(v)) continue;
          parts.push(stringLike(v) ?? '<nil>');
        }
        return parts.join(d);
      };
    },
  },
  {
    name: 'Split',
    kind: 'converter',
    params: [
      { name: 'target', type: 'getter' },
      { name: 'delimiter', type: 'string' },
    ],
    build: (a) => {
      const target = a.getter(0);
      const d = a.string(1) ?? '';
      return (ctx) => {
        const s = needString('Split', target(ctx));
        // Go's strings.Split with an empty separator splits into UTF-8 characters.
        return d === '' ? [...s] : s.split(d);
      };
    },
  },
  {
    name: 'ToLowerCase',
    kind: 'converter',
    params: one('target'),
    build: (a) => {
      const target = a.getter(0);
      return (ctx) => needString('ToLowerCase', target(ctx)).toLowerCase();
    },
  },
  {
    name: 'ToUpperCase',
    kind: 'converter',
    params: one('target'),
    build: (a) => {
      const target = a.getter(0);
      return (ctx) => needString('ToUpperCase', target(ctx)).toUpperCase();
    },
  },
  {
    name: 'Substring',
    kind: 'converter',
    params: [
      { name: 'target', type: 'getter' },
      { name: 'start', type: 'getter' },
      { name: 'length', type: 'getter' },
      { name: 'utf8_safe', type: 'bool', optional: true },
    ],
    build: (a) => {
      const [target, start, length] = [a.getter(0), a.getter(1), a.getter(2)];
      const safe = a.bool(3) ?? false;
      return (ctx) => {
        const s = needString('Substring', target(ctx));
        const from = needInt('Substring', start(ctx));
        const n = needInt('Substring', length(ctx));
        const bytes = Buffer.from(s, 'utf8');
        if (from < 0n || n < 0n || from + n > BigInt(bytes.length))
          throw new OttlRuntimeError(`Substring: start ${from} and length ${n} are out of range for "${s}"`);
        let [b, e] = [Number(from), Number(from + n)];
        // utf8_safe: a start inside a character moves to the next one, an end inside one back to its start.
        const inside = (i: number) => i < bytes.length && ((bytes[i] ?? 0) & 0xc0) === 0x80;
        if (safe) {
          while (inside(b)) b++;
          while (e > b && inside(e)) e--;
        }
        return bytes.subarray(b, Math.max(b, e)).toString('utf8');
      };
    },
  },
  {
    name: 'SHA256',
    kind: 'converter',
    params: one('value'),
    build: (a) => {
      const value = a.getter(0);
      return (ctx) =>
        createHash('sha256')
          .update(needString('SHA256', value(ctx)))
          .digest('hex');
    },
  },
  {
    name: 'ParseJSON',
    kind: 'converter',
    params: one('target'),
    build: (a) => {
      const target = a.getter(0);
      return (ctx) => {
        const s = needString('ParseJSON', target(ctx));
        let j: unknown;
        try {
          j = JSON.parse(s);
        } catch (err) {
          throw new OttlRuntimeError(`ParseJSON: ${(err as Error).message}`);
        }
        return jsonToValue(j);
      };
    },
  },
];
