// Run-time argument checks, with the Collector's getter semantics: StringGetter wants a string, StringLikeGetter
// formats numbers, bools and bytes, IntLikeGetter and FloatLikeGetter parse strings.
import { OttlRuntimeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { OTime, PMap, stringLike, typeName } from '../values.ts';

export function needString(fn: string, v: Value): string {
  if (typeof v !== 'string') throw new OttlRuntimeError(`${fn}: expected a string but got ${typeName(v)}`);
  return v;
}

export function needStringLike(fn: string, v: Value): string {
  const s = stringLike(v);
  if (s === null) throw new OttlRuntimeError(`${fn}: expected a string but got nil`);
  return s;
}

export function needInt(fn: string, v: Value): bigint {
  if (typeof v !== 'bigint') throw new OttlRuntimeError(`${fn}: expected an int but got ${typeName(v)}`);
  return v;
}

export function needMap(fn: string, v: Value): PMap {
  if (!(v instanceof PMap)) throw new OttlRuntimeError(`${fn}: expected a map but got ${typeName(v)}`);
  return v;
}

export function needTime(fn: string, v: Value): OTime {
  if (!(v instanceof OTime)) throw new OttlRuntimeError(`${fn}: expected a time but got ${typeName(v)}`);
  return v;
}
