// Writing OTLP/JSON field values. Defaults are left out, as protobuf's JSON mapping does (JSON.stringify drops
// `undefined`): an absent field means its default to every reader. Members of a oneof and `optional` fields are
// written whenever they are set.
import { toHex } from '../core/pdata/index.ts';

export type Json = Record<string, unknown>;

/** A string field, left out when empty. */
export function s(v: string): string | undefined {
  return v === '' ? undefined : v;
}

/** A 32-bit integer or enum field, left out when zero. */
export function n(v: number): number | undefined {
  return v === 0 ? undefined : v;
}

export function b(v: boolean): true | undefined {
  return v ? true : undefined;
}

/** A 64-bit integer: a decimal string, as the spec asks, so that no reader rounds it. */
export function u64(v: bigint): string | undefined {
  return v === 0n ? undefined : v.toString();
}

/** A count (fixed64 in the proto) is a decimal string too. */
export function c(v: number): string | undefined {
  return v === 0 ? undefined : String(v);
}

/** A double that JSON cannot spell as a number is the proto3 JSON string for it. */
export function dv(v: number): number | string {
  if (Number.isFinite(v)) return v === 0 && 1 / v < 0 ? '-0' : v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A double with implicit presence: left out when +0. */
export function d(v: number): number | string | undefined {
  return v === 0 && 1 / v > 0 ? undefined : dv(v);
}

/** A double with explicit presence. */
export function od(v: number | undefined): number | string | undefined {
  return v === undefined ? undefined : dv(v);
}

/** Trace and span IDs are hex in OTLP/JSON. */
export function id(v: Uint8Array): string | undefined {
  return v.length === 0 ? undefined : toHex(v);
}

/** Other bytes are base64. */
export function base64(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

/** A repeated field, left out when empty. */
export function l<T, J>(items: readonly T[], fn: (item: T) => J): J[] | undefined {
  return items.length === 0 ? undefined : items.map(fn);
}
