// Merging config documents and their positions, as the Collector's confmap does: maps merge, anything else is
// replaced; a key written `a::b::c` is the path a > b > c (what makes `yaml:` URIs and `--set` reach into a config).
import type { LocNode } from './yaml-tree.ts';

const SEPARATOR = '::';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// defineProperty, as `o[key] = ` with key `__proto__` would change the object's prototype instead.
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

export function merge(
  a: unknown,
  aLoc: LocNode | undefined,
  b: unknown,
  bLoc: LocNode,
): { value: unknown; loc: LocNode } {
  if (!isMap(a) || !isMap(b) || !aLoc?.children || !bLoc.children) return { value: b, loc: bLoc };
  const children = new Map(aLoc.children);
  for (const key of Object.keys(b)) {
    const bChildLoc = bLoc.children.get(key);
    if (!bChildLoc) continue;
    const m = Object.hasOwn(a, key)
      ? merge(a[key], aLoc.children.get(key), b[key], bChildLoc)
      : { value: b[key], loc: bChildLoc };
    setOwn(a, key, m.value);
    children.set(key, m.loc);
  }
  return { value: a, loc: { loc: bLoc.loc, children } };
}

/**
 * Turns every map key holding `::` into nested maps, merged with what the map has at the first key. Maps inside lists
 * are left as written, as the Collector's confmap leaves them.
 */
export function splitKeyPaths(value: unknown, loc: LocNode): { value: unknown; loc: LocNode } {
  if (!loc.children) return { value, loc };
  if (!isMap(value)) return { value, loc };
  const out: Record<string, unknown> = {};
  let outLoc: LocNode = { loc: loc.loc, children: new Map() };
  for (const key of Object.keys(value)) {
    const childLoc = loc.children.get(key);
    if (!childLoc) continue;
    const child = splitKeyPaths(value[key], childLoc);
    const parts = key.includes(SEPARATOR) ? key.split(SEPARATOR) : [key];
    // The innermost key holds the value; each outer one a map of one key, all at where the key was written.
    let nested = child;
    for (let i = parts.length - 1; i > 0; i--) {
      const v: Record<string, unknown> = {};
      setOwn(v, parts[i] ?? '', nested.value);
      nested = { value: v, loc: { loc: childLoc.loc, children: new Map([[parts[i] ?? '', nested.loc]]) } };
    }
    const wrapper: Record<string, unknown> = {};
    setOwn(wrapper, parts[0] ?? '', nested.value);
    const m = merge(out, outLoc, wrapper, { loc: loc.loc, children: new Map([[parts[0] ?? '', nested.loc]]) });
    outLoc = m.loc;
  }
  return { value: out, loc: outLoc };
}
