// Turns a parsed YAML document into plain values, expanding environment references in string values, and records
// where each path was written. Walking the nodes ourselves (rather than doc.toJS()) is what gives us the positions.
import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import { expandEnv, type Env } from './expand-env.ts';
import type { LocatedIssue, SourceLocation } from './issues.ts';

/** Positions by path: a map entry is at its key, a list item at the item. */
export interface LocNode {
  loc: SourceLocation;
  children?: Map<string | number, LocNode>;
  /** The environment variables a scalar's text refers to (`${env:NAME}`, `${NAME}`), set or not: what a user may change. */
  env?: string[];
}

/** Names of the `${env:NAME}` and `${NAME}` references in a scalar's text (`$$` is an escaped `$`, not a reference). */
function envNames(text: string): string[] {
  const refs = text.replaceAll('$$', '').matchAll(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?=\}|:-)/g);
  return [...refs].map((m) => m[1] ?? '');
}

// Aliases are expanded by copying; this bounds the "billion laughs" blow-up of aliases of aliases.
const MAX_ALIAS_NODES = 100_000;

type Path = (string | number)[];

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** Anything but an object: String() gives such a key its own text, where objects would all become "[object Object]". */
function isPlainKey(v: unknown): v is Primitive | ((...args: never[]) => unknown) {
  return typeof v !== 'object' || v === null;
}

export function buildTree(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  env: Env,
  used?: (ref: string, value: string) => void,
): { value: Record<string, unknown>; loc: LocNode; issues: LocatedIssue[] } {
  const issues: LocatedIssue[] = [];
  const active = new Set<Node>();
  let aliasNodes = 0;
  let aliasBudgetReported = false;

  const pos = (node: unknown, fallback: SourceLocation): SourceLocation => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return fallback;
    const { line, col } = lineCounter.linePos(range[0]);
    return { file, line, column: col };
  };
  const start: SourceLocation = { file, line: 1, column: 1 };

  const walk = (node: unknown, path: Path, at: SourceLocation, inAlias: boolean): { value: unknown; loc: LocNode } => {
    if (inAlias && ++aliasNodes > MAX_ALIAS_NODES) {
      if (!aliasBudgetReported) issues.push({ path, message: 'aliases expand to too large a document', location: at });
      aliasBudgetReported = true;
      return { value: null, loc: { loc: at } };
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target || active.has(target)) {
        issues.push({ path, message: `alias *${node.source} cannot be resolved`, location: pos(node, at) });
        return { value: null, loc: { loc: at } };
      }
      active.add(target);
      const r = walk(target, path, at, true);
      active.delete(target);
      return { value: r.value, loc: { ...r.loc, loc: at } };
    }
    if (isMap(node)) {
      const value: Record<string, unknown> = {};
      const children = new Map<string | number, LocNode>();
      for (const pair of node.items) {
        const keyAt = pos(pair.key, at);
        if (!isScalar(pair.key) || !isPlainKey(pair.key.value)) {
          issues.push({ path, message: 'map keys must be plain scalars', location: keyAt });
          continue;
        }
        const key = String(pair.key.value ?? '');
        if (Object.hasOwn(value, key)) {
          issues.push({ path, message: `duplicate key "${key}"`, location: keyAt });
          continue;
        }
        const r = walk(pair.value, [...path, key], keyAt, inAlias);
        // defineProperty, as `value[key] = ` with key `__proto__` would change the object's prototype instead.
        Object.defineProperty(value, key, { value: r.value, enumerable: true, writable: true, configurable: true });
        children.set(key, r.loc);
      }
      return { value, loc: { loc: at, children } };
    }
    if (isSeq(node)) {
      const children = new Map<string | number, LocNode>();
      const value = node.items.map((item, i) => {
        const r = walk(item, [...path, i], pos(item, at), inAlias);
        children.set(i, r.loc);
        return r.value;
      });
      return { value, loc: { loc: at, children } };
    }
    if (isScalar(node) && typeof node.value === 'string') {
      const r = expandEnv(node.value, env, node.type === Scalar.PLAIN, used);
      for (const message of r.errors) issues.push({ path, message, location: pos(node, at) });
      const names = envNames(node.value);
      return { value: r.value, loc: names.length > 0 ? { loc: at, env: names } : { loc: at } };
    }
    return { value: isScalar(node) ? node.value : null, loc: { loc: at } };
  };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { value: {}, loc: { loc: start, children: new Map() }, issues };
  }
  if (!isMap(contents)) {
    issues.push({ path: [], message: 'the top level of a config file must be a map', location: pos(contents, start) });
    return { value: {}, loc: { loc: start }, issues };
  }
  const r = walk(contents, [], pos(contents, start), false);
  return { value: r.value as Record<string, unknown>, loc: r.loc, issues };
}
