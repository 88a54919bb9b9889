// Comparison with the Collector's typed semantics (LANGUAGE.md's comparison rules): numbers compare across int and
// double; strings, bytes, bools (false < true), times and durations within their type; maps and lists only for
// (in)equality; nil equals only nil. Values of different types are never equal and never ordered (every ordering is false).
import type { CompareOp } from './ast.ts';
import type { Value } from './values.ts';
import { ODuration, OTime, PMap, isList, toPlain } from './values.ts';
import { isDeepStrictEqual } from 'node:util';

function order(op: CompareOp, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

const cmp = <T extends string | number | bigint>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function equalityOnly(op: CompareOp, equal: boolean): boolean {
  if (op === '==') return equal;
  if (op === '!=') return !equal;
  return false;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function compare(a: Value, b: Value, op: CompareOp): boolean {
  if (a === null || b === null) return equalityOnly(op, a === b);
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b !== 'number' && typeof b !== 'bigint') return equalityOnly(op, false);
    if (typeof a === 'bigint' && typeof b === 'bigint') return order(op, cmp(a, b));
    const x = Number(a);
    const y = Number(b);
    // NaN is neither ordered nor equal, as in Go.
    if (Number.isNaN(x) || Number.isNaN(y)) return op === '!=';
    return order(op, cmp(x, y));
  }
  if (typeof a === 'string') return typeof b === 'string' ? order(op, cmp(a, b)) : equalityOnly(op, false);
  // Bools are ordered, false before true (LANGUAGE.md: "normal, T>F").
  if (typeof a === 'boolean')
    return typeof b === 'boolean' ? order(op, Number(a) - Number(b)) : equalityOnly(op, false);
  if (a instanceof Uint8Array) return b instanceof Uint8Array ? order(op, compareBytes(a, b)) : equalityOnly(op, false);
  if (a instanceof OTime) return b instanceof OTime ? order(op, cmp(a.ns, b.ns)) : equalityOnly(op, false);
  if (a instanceof ODuration) return b instanceof ODuration ? order(op, cmp(a.ns, b.ns)) : equalityOnly(op, false);
  const bothMaps = a instanceof PMap && b instanceof PMap;
  const bothLists = isList(a) && isList(b);
  if (!bothMaps && !bothLists) return equalityOnly(op, false);
  return equalityOnly(op, isDeepStrictEqual(toPlain(a), toPlain(b)));
}
