// Checked conversions for setting a path: the Collector refuses (and the statement errors) when the type is wrong.
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { OTime, PMap, typeName } from '../values.ts';

function wrong(path: string, want: string, v: Value): never {
  throw new OttlRuntimeError(`${path} must be set to ${want}, got ${typeName(v)}`);
}

export function asString(path: string, v: Value): string {
  return typeof v === 'string' ? v : wrong(path, 'a string', v);
}

export function asInt(path: string, v: Value): bigint {
  return typeof v === 'bigint' ? v : wrong(path, 'an int', v);
}

/** The proto type of a number field: what range a value set into it must be in (nothing is wrapped silently). */
export type IntRange = 'uint32' | 'int32' | 'count';

const RANGES: Record<IntRange, [bigint, bigint]> = {
  uint32: [0n, 2n ** 32n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  // A uint64 count held as a JavaScript number (exact up to 2^53).
  count: [0n, BigInt(Number.MAX_SAFE_INTEGER)],
};

/** An int for a number field (a count, flags, an enum), refused outside the field's range. */
export function asSmallInt(path: string, v: Value, range: IntRange = 'uint32'): number {
  const n = asInt(path, v);
  const [min, max] = RANGES[range];
  if (n < min || n > max) throw new OttlRuntimeError(`${path}: ${n} is out of range (${min} to ${max})`);
  return Number(n);
}

/** Nanoseconds since the epoch for a fixed64 timestamp: 0 to 2^64-1. */
export function asUnixNano(path: string, v: Value): bigint {
  const n = v instanceof OTime ? v.ns : asInt(path, v);
  if (n < 0n || n >= 2n ** 64n) throw new OttlRuntimeError(`${path}: ${n} is not a time since the epoch`);
  return n;
}

export function asDouble(path: string, v: Value): number {
  return typeof v === 'number' ? v : wrong(path, 'a double', v);
}

export function asBool(path: string, v: Value): boolean {
  return typeof v === 'boolean' ? v : wrong(path, 'a bool', v);
}

export function asTime(path: string, v: Value): bigint {
  return v instanceof OTime ? v.ns : wrong(path, 'a time', v);
}

export function asMap(path: string, v: Value): PMap {
  return v instanceof PMap ? v : wrong(path, 'a map', v);
}

export function asId(path: string, v: Value, bytes: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return wrong(path, `${bytes} bytes`, v);
  if (v.length !== bytes) throw new OttlRuntimeError(`${path} must be ${bytes} bytes, got ${v.length}`);
  return new Uint8Array(v);
}

/** `0123...` as the bytes of an ID of `bytes` bytes; the Collector's trace_id.string setter. */
export function hexId(path: string, v: Value, bytes: number): Uint8Array {
  const s = asString(path, v);
  if (s.length !== bytes * 2 || !/^[0-9a-fA-F]*$/.test(s))
    throw new OttlRuntimeError(`${path} must be ${bytes * 2} hex digits, got "${s}"`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}
