// Reading OTLP/JSON field values (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) from a parsed
// tree with type checks. A field that is absent or null has its default. Errors carry the path to the bad value,
// collected on the way out so that well-formed input pays nothing for it.
import { EMPTY_BYTES } from '../core/pdata/index.ts';

export type Obj = Readonly<Record<string, unknown>>;

export class JsonShapeError extends Error {
  readonly path: string[];
  constructor(path: string, message: string) {
    super(message);
    this.path = [path];
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `"${v.slice(0, 40)}…"` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // Only what JSON cannot hold is left; typeof spells undefined as String() would.
  return typeof v;
}

function fail(key: string, expected: string, v: unknown): never {
  throw new JsonShapeError(key, `expected ${expected}, got ${describe(v)}`);
}

/** Runs `fn` and, if it fails on a bad value, puts `segment` in front of the error's path. */
export function within<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof JsonShapeError) err.path.unshift(segment);
    throw err;
  }
}

export function asObject(v: unknown, key: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(key, 'an object', v);
  return v as Obj;
}

const EMPTY: Obj = Object.freeze({});

/** An embedded message; `read` also runs for an absent one, with an empty object, so defaults live in one place. */
export function message<T>(o: Obj, key: string, read: (o: Obj) => T): T {
  const v = asObject(o[key], key) ?? EMPTY;
  return within(key, () => read(v));
}

export function list<T>(o: Obj, key: string, read: (v: unknown) => T): T[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(key, 'an array', v);
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    try {
      out.push(read(x));
    } catch (err) {
      if (err instanceof JsonShapeError) err.path.unshift(`${key}[${i}]`);
      throw err;
    }
  }
  return out;
}

/** An array element that must be a message. */
export function element<T>(read: (o: Obj) => T): (v: unknown) => T {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new JsonShapeError('', `expected an object, got ${describe(v)}`);
    return read(v as Obj);
  };
}

export function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return fail(key, 'a string', v);
}

/** A string element of a repeated field. */
export function stringElement(v: unknown): string {
  return typeof v === 'string' ? v : fail('', 'a string', v);
}

export function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  return fail(key, 'true or false', v);
}

const INTEGER = /^-?\d+$/;

function integer(key: string, v: unknown, what: string): bigint | number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER.test(v)) return v.length < 16 ? Number(v) : BigInt(v);
  return fail(key, what, v);
}

function int32Range(key: string, v: unknown, min: number, max: number, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = Number(integer(key, v, what));
  if (n < min || n > max) fail(key, what, v);
  return n === 0 ? 0 : n; // "-0" is a zero, not a negative zero
}

export function uint32(o: Obj, key: string): number {
  return int32Range(key, o[key], 0, 0xffffffff, 'a uint32');
}

export function int32(o: Obj, key: string): number {
  return int32Range(key, o[key], -0x80000000, 0x7fffffff, 'an int32');
}

/** An enum: its number, or (more than the spec asks) its name in the proto. */
export function enumValue(o: Obj, key: string, names: ReadonlyMap<string, number>): number {
  const v = o[key];
  if (typeof v === 'string') {
    const n = names.get(v);
    if (n !== undefined) return n;
  }
  return int32Range(key, v, -0x80000000, 0x7fffffff, 'an enum number or name');
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function int64Range(key: string, v: unknown, min: bigint, max: bigint, what: string): bigint {
  const n = integer(key, v, what);
  const b = typeof n === 'bigint' ? n : BigInt(n);
  if (b < min || b > max) fail(key, what, v);
  return b;
}

/** fixed64 / uint64: a decimal string (the spec's form) or a number. */
export function uint64(o: Obj, key: string): bigint {
  const v = o[key];
  if (v === undefined || v === null) return 0n;
  return int64Range(key, v, 0n, U64_MAX, 'a uint64 (decimal string or number)');
}

/** int64 / sfixed64, present (for oneof members): a decimal string or a number. */
export function int64Value(key: string, v: unknown): bigint {
  return int64Range(key, v, I64_MIN, I64_MAX, 'an int64 (decimal string or number)');
}

export function int64(o: Obj, key: string): bigint {
  const v = o[key];
  if (v === undefined || v === null) return 0n;
  return int64Value(key, v);
}

/** A fixed64 / uint64 count, as a number (exact up to 2^53). */
export function count(o: Obj, key: string): number {
  return Number(uint64(o, key));
}

export function countValue(v: unknown): number {
  return Number(int64Range('', v, 0n, U64_MAX, 'a uint64 (decimal string or number)'));
}

const SPECIAL_DOUBLES: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A double: a number, "NaN", "Infinity", "-Infinity", or a number in a string (as proto3 JSON allows). */
export function doubleValue(key: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL_DOUBLES.get(v);
    if (special !== undefined) return special;
    if (DECIMAL.test(v)) return Number(v);
  }
  return fail(key, 'a number', v);
}

export function double(o: Obj, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  return doubleValue(key, v);
}

/** An `optional` double: undefined when absent, so presence survives. */
export function optionalDouble(o: Obj, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return doubleValue(key, v);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** A trace or span ID: hex in OTLP/JSON (not base64), empty or exactly `size` bytes. */
export function hexId(o: Obj, key: string, size: 8 | 16): Uint8Array {
  const v = o[key];
  if (v === undefined || v === null || v === '') return EMPTY_BYTES;
  if (typeof v !== 'string' || v.length !== size * 2 || !HEX.test(v)) return fail(key, `${size} bytes in hex`, v);
  return new Uint8Array(Buffer.from(v, 'hex'));
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Other bytes are base64 (standard or URL-safe, padding optional). */
export function base64Value(key: string, v: unknown): Uint8Array {
  if (typeof v !== 'string' || !BASE64.test(v) || v.replace(/=+$/, '').length % 4 === 1) return fail(key, 'base64', v);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

/** Names of proto enum values, prefix + suffix → number. */
export function enumNames(prefix: string, values: Record<string, number>): ReadonlyMap<string, number> {
  return new Map(Object.entries(values).map(([name, n]) => [`${prefix}${name}`, n]));
}
