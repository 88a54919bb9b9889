// Field builders shared by the contexts, and the resource and scope contexts themselves.
import type { KeyValue } from '../../core/pdata/index.ts';
import { toHex } from '../../core/pdata/index.ts';
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { OTime, PMap } from '../values.ts';
import type { IntRange } from './setters.ts';
import { asInt, asMap, asSmallInt, asString, asTime, asUnixNano } from './setters.ts';
import type { Field, FieldTable, TransformContext } from './types.ts';

/** The member `key` of the context; the processors always fill in the members a compiled path can reach. */
export function member<K extends keyof TransformContext>(
  ctx: TransformContext,
  key: K,
): NonNullable<TransformContext[K]> {
  const m = ctx[key];
  if (m === undefined) throw new OttlRuntimeError(`no ${key} in this context`);
  return m;
}

/** A map of key-values: readable as a live map, indexable, and replaced as a whole by a map value. */
export function mapField(path: string, kvs: (ctx: TransformContext) => KeyValue[]): Field {
  return {
    indexable: true,
    get: (ctx) => new PMap(kvs(ctx)),
    set: (ctx, v) => {
      const list = kvs(ctx);
      const copy = structuredClone(asMap(path, v).kvs);
      list.splice(0, list.length, ...copy);
    },
  };
}

export function stringField<T>(path: string, of: (ctx: TransformContext) => T, key: keyof T & string): Field {
  return {
    get: (ctx) => of(ctx)[key] as string,
    set: (ctx, v) => {
      (of(ctx) as Record<string, unknown>)[key] = asString(path, v);
    },
  };
}

/** A number field written as an OTLP int (counts, flags, enums): read as an int. */
export function intField<T>(
  path: string,
  of: (ctx: TransformContext) => T,
  key: keyof T & string,
  range: IntRange = 'uint32',
): Field {
  return {
    get: (ctx) => BigInt(of(ctx)[key] as number),
    set: (ctx, v) => {
      (of(ctx) as Record<string, unknown>)[key] = asSmallInt(path, v, range);
    },
  };
}

/** A Unix-nanosecond timestamp, as `<name>_unix_nano` (int) and `<name>` (time). */
export function timeFields<T>(name: string, of: (ctx: TransformContext) => T, key: keyof T & string): FieldTable {
  const rec = (ctx: TransformContext) => of(ctx) as Record<string, unknown>;
  return {
    [`${name}_unix_nano`]: {
      get: (ctx) => rec(ctx)[key] as bigint,
      set: (ctx, v) => {
        rec(ctx)[key] = asUnixNano(`${name}_unix_nano`, asInt(`${name}_unix_nano`, v));
      },
    },
    [name]: {
      get: (ctx) => new OTime(rec(ctx)[key] as bigint),
      set: (ctx, v) => {
        rec(ctx)[key] = asUnixNano(name, asTime(name, v));
      },
    },
  };
}

/** trace_id / span_id style fields: bytes, and `.string` as lower-case hex. */
export function idFields<T>(
  name: string,
  bytes: number,
  of: (ctx: TransformContext) => T,
  key: keyof T & string,
  fromValue: (path: string, v: Value, n: number) => Uint8Array,
  fromHex: (path: string, v: Value, n: number) => Uint8Array,
): FieldTable {
  const rec = (ctx: TransformContext) => of(ctx) as Record<string, unknown>;
  return {
    [name]: {
      get: (ctx) => rec(ctx)[key] as Uint8Array,
      set: (ctx, v) => {
        rec(ctx)[key] = fromValue(name, v, bytes);
      },
    },
    [`${name}.string`]: {
      get: (ctx) => toHex(rec(ctx)[key] as Uint8Array),
      set: (ctx, v) => {
        rec(ctx)[key] = fromHex(`${name}.string`, v, bytes);
      },
    },
  };
}

const res = (ctx: TransformContext) => ctx.resource;
const scope = (ctx: TransformContext) => member(ctx, 'scope');

export const resourceFields: FieldTable = {
  attributes: mapField('resource.attributes', (ctx) => ctx.resource.attributes),
  dropped_attributes_count: intField('resource.dropped_attributes_count', res, 'droppedAttributesCount'),
};

export const scopeFields: FieldTable = {
  name: stringField('scope.name', scope, 'name'),
  version: stringField('scope.version', scope, 'version'),
  attributes: mapField('scope.attributes', (ctx) => scope(ctx).attributes),
  dropped_attributes_count: intField('scope.dropped_attributes_count', scope, 'droppedAttributesCount'),
};
