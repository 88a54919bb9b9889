// Indexing: reading `x["a"][0]` and writing through it. Maps take string keys, lists int keys; reading past a
// missing map key gives nil, and writing through one creates the map on the way, as in the Collector.
import type { KeyValue } from '../core/pdata/index.ts';
import { OttlRuntimeError } from './errors.ts';
import type { Value } from './values.ts';
import { PList, PMap, fromAnyValue, isList, listItems, toAnyValue, typeName } from './values.ts';

function listIndex(len: number, k: bigint): number {
  if (k < 0n || k >= BigInt(len)) throw new OttlRuntimeError(`index ${k} out of range (length ${len})`);
  return Number(k);
}

export function index(v: Value, k: Value): Value {
  if (v === null) return null;
  if (v instanceof PMap) {
    if (typeof k !== 'string') throw new OttlRuntimeError(`a map is indexed by a string, not ${typeName(k)}`);
    return v.get(k) ?? null;
  }
  if (isList(v)) {
    if (typeof k !== 'bigint') throw new OttlRuntimeError(`a list is indexed by an int, not ${typeName(k)}`);
    const items = listItems(v);
    return items[listIndex(items.length, k)] ?? null;
  }
  throw new OttlRuntimeError(`cannot index ${typeName(v)}`);
}

export function setIndexed(root: Value, keys: readonly Value[], v: Value): void {
  let cur = root;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as Value;
    const last = i === keys.length - 1;
    if (cur instanceof PMap && typeof k === 'string') {
      if (last) return cur.set(k, toAnyValue(v));
      const kv = cur.raw(k);
      if (kv === undefined) {
        const values: KeyValue[] = [];
        cur.set(k, { kvlistValue: { values } });
        cur = new PMap(values);
      } else cur = fromAnyValue(kv.value);
    } else if (cur instanceof PList && typeof k === 'bigint') {
      const at = listIndex(cur.values.length, k);
      if (last) {
        cur.values[at] = toAnyValue(v);
        return;
      }
      cur = fromAnyValue(cur.values[at]);
    } else {
      throw new OttlRuntimeError(`cannot set through ${typeName(cur)} with key ${typeName(k)}`);
    }
  }
}
