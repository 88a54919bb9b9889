// The editors (pkg/ottl/ottlfuncs): functions that change telemetry and are a statement's root.
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { PMap, fromAnyValue, isList, listItems, toAnyValue } from '../values.ts';
import { needMap } from './coerce.ts';
import { replacingEditors } from './replace.ts';
import type { Args, FunctionDef } from './types.ts';

const map = { name: 'target', type: 'getter' } as const;

function nonNegative(a: Args, i: number, what: string): number {
  const n = a.int(i) ?? 0n;
  if (n < 0n) a.fail(i, `${what} cannot be negative`);
  return Number(n);
}

/**
 * Cuts a string to at most `limit` UTF-8 bytes, the marker included; `safe` never splits a character (a split one
 * would be replaced by U+FFFD when read back, since JavaScript strings cannot hold invalid UTF-8).
 */
function truncateUtf8(s: string, limit: number, safe: boolean, marker: string): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= limit) return s;
  let end = limit - Buffer.byteLength(marker, 'utf8');
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  if (safe) while (end > 0 && ((b[end] ?? 0) & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8') + marker;
}

export const editors: FunctionDef[] = [
  {
    name: 'set',
    kind: 'editor',
    params: [
      { name: 'target', type: 'setter' },
      { name: 'value', type: 'getter' },
    ],
    build: (a) => {
      const target = a.setter(0);
      const value = a.getter(1);
      return (ctx) => {
        const v = value(ctx);
        // As the Collector: setting nil leaves the target as it was.
        if (v !== null) target.set(ctx, v);
        return null;
      };
    },
  },
  {
    name: 'delete_key',
    kind: 'editor',
    params: [map, { name: 'key', type: 'string' }],
    build: (a) => {
      const target = a.getter(0);
      const key = a.string(1) ?? '';
      return (ctx) => {
        needMap('delete_key', target(ctx)).delete(key);
        return null;
      };
    },
  },
  {
    name: 'delete_matching_keys',
    kind: 'editor',
    params: [map, { name: 'pattern', type: 'string' }],
    build: (a) => {
      const target = a.getter(0);
      const re = a.regex(1);
      return (ctx) => {
        const m = needMap('delete_matching_keys', target(ctx));
        const keep = m.kvs.filter((kv) => !re.test(kv.key));
        m.kvs.splice(0, m.kvs.length, ...keep);
        return null;
      };
    },
  },
  {
    name: 'keep_keys',
    kind: 'editor',
    params: [map, { name: 'keys', type: 'strings' }],
    build: (a) => {
      const target = a.getter(0);
      const keys = new Set(a.strings(1));
      return (ctx) => {
        const m = needMap('keep_keys', target(ctx));
        const keep = m.kvs.filter((kv) => keys.has(kv.key));
        m.kvs.splice(0, m.kvs.length, ...keep);
        return null;
      };
    },
  },
  {
    name: 'limit',
    kind: 'editor',
    params: [map, { name: 'limit', type: 'int' }, { name: 'priority_keys', type: 'strings', optional: true }],
    build: (a) => {
      const target = a.getter(0);
      const limit = nonNegative(a, 1, 'limit');
      const priority = new Set(a.strings(2) ?? []);
      if (priority.size > limit) a.fail(2, `${priority.size} priority keys do not fit in limit ${limit}`);
      return (ctx) => {
        const m = needMap('limit', target(ctx));
        if (m.kvs.length <= limit) return null;
        const first = m.kvs.filter((kv) => priority.has(kv.key));
        const rest = m.kvs.filter((kv) => !priority.has(kv.key)).slice(0, limit - first.length);
        const kept = new Set([...first, ...rest]);
        // Kept in their original order.
        m.kvs.splice(0, m.kvs.length, ...m.kvs.filter((kv) => kept.has(kv)));
        return null;
      };
    },
  },
  {
    name: 'truncate_all',
    kind: 'editor',
    params: [
      map,
      { name: 'limit', type: 'int' },
      { name: 'utf8_safe', type: 'bool', optional: true },
      { name: 'truncation_marker', type: 'string', optional: true },
    ],
    build: (a) => {
      const target = a.getter(0);
      const limit = nonNegative(a, 1, 'limit');
      const safe = a.bool(2) ?? true;
      const marker = a.string(3) ?? '';
      if (Buffer.byteLength(marker, 'utf8') > limit) a.fail(3, 'truncation_marker is longer than limit');
      return (ctx) => {
        for (const kv of needMap('truncate_all', target(ctx)).kvs)
          if ('stringValue' in kv.value)
            kv.value = { stringValue: truncateUtf8(kv.value.stringValue, limit, safe, marker) };
        return null;
      };
    },
  },
  {
    name: 'merge_maps',
    kind: 'editor',
    params: [map, { name: 'source', type: 'getter' }, { name: 'strategy', type: 'string' }],
    build: (a) => {
      const target = a.getter(0);
      const source = a.getter(1);
      const strategy = a.string(2) ?? '';
      if (!['insert', 'update', 'upsert'].includes(strategy))
        a.fail(2, `strategy must be insert, update or upsert, not "${strategy}"`);
      return (ctx) => {
        const t = needMap('merge_maps', target(ctx));
        const s = source(ctx);
        // A source that is not a map (a missing attribute) merges nothing, as in the Collector.
        if (!(s instanceof PMap)) return null;
        for (const kv of structuredClone(s.kvs)) {
          const has = t.raw(kv.key) !== undefined;
          if ((strategy === 'insert' && !has) || (strategy === 'update' && has) || strategy === 'upsert')
            t.set(kv.key, kv.value);
        }
        return null;
      };
    },
  },
  {
    name: 'append',
    kind: 'editor',
    params: [
      { name: 'target', type: 'setter' },
      { name: 'value', type: 'getter', optional: true },
      { name: 'values', type: 'getters', optional: true },
    ],
    build: (a) => {
      const target = a.setter(0);
      const value = a.optGetter(1);
      const values = a.getters(2);
      if (value === undefined && values.length === 0) a.fail(0, 'append needs value or values');
      return (ctx) => {
        const add: Value[] = [];
        if (value) add.push(value(ctx));
        for (const g of values) add.push(g(ctx));
        const cur = target.get(ctx);
        const before: Value[] = cur === null ? [] : isList(cur) ? listItems(cur) : [cur];
        if (cur instanceof PMap) throw new OttlRuntimeError('append: the target is a map, not a list');
        // Values stored in telemetry come back from their AnyValue so that maps and lists are copied once.
        target.set(
          ctx,
          [...before, ...add].map((v) => fromAnyValue(toAnyValue(v))),
        );
        return null;
      };
    },
  },
  ...replacingEditors,
];
