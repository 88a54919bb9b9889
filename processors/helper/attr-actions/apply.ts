// Runs compiled actions over one attribute list, in order, as the Collector's AttrProc.Process does. The list
// given is never changed: the first change copies it, and changed entries are new objects, so a list (or a
// resource) that other data shares is left as it was; the caller stores the list returned when it differs.
import type { ConsumeContext } from '../../../core/consumer.ts';
import type { AnyValue, KeyValue } from '../../../core/pdata/index.ts';
import type { Action, ValueSource } from './config.ts';
import { contextValue } from './from-context.ts';
import { convertValue, copyValue, hashValue } from './values.ts';

/** The attribute list being worked on, copied on the first change. */
class Working {
  list: KeyValue[];
  private copied = false;

  constructor(src: KeyValue[]) {
    this.list = src;
  }

  index(key: string): number {
    const l = this.list;
    for (let i = 0; i < l.length; i++) if ((l[i] as KeyValue).key === key) return i;
    return -1;
  }

  get(key: string): AnyValue | undefined {
    const i = this.index(key);
    return i < 0 ? undefined : (this.list[i] as KeyValue).value;
  }

  private own(): KeyValue[] {
    if (!this.copied) {
      this.list = this.list.slice();
      this.copied = true;
    }
    return this.list;
  }

  /** Replaces entry `i` (or appends when `i` is -1). */
  put(i: number, key: string, value: AnyValue): void {
    const l = this.own();
    if (i < 0) l.push({ key, value });
    else l[i] = { key, value };
  }

  remove(i: number): void {
    this.own().splice(i, 1);
  }
}

function sourceValue(w: Working, s: ValueSource, ctx: ConsumeContext): AnyValue | undefined {
  if ('value' in s) return copyValue(s.value);
  if ('fromAttribute' in s) {
    const v = w.get(s.fromAttribute);
    return v === undefined ? undefined : copyValue(v);
  }
  const text = contextValue(ctx, s.fromContext);
  return text === undefined ? undefined : { stringValue: text };
}

/** The keys `pattern` finds a match in, read before anything changes (the list shrinks as they are deleted). */
function matchingKeys(w: Working, pattern: RegExp | undefined): string[] {
  if (!pattern) return [];
  const keys: string[] = [];
  for (const kv of w.list) if (pattern.test(kv.key)) keys.push(kv.key);
  return keys;
}

function run(w: Working, a: Action, ctx: ConsumeContext): void {
  switch (a.kind) {
    case 'insert':
    case 'update':
    case 'upsert': {
      const v = sourceValue(w, a.source, ctx);
      if (v === undefined) return;
      const i = w.index(a.key);
      if ((a.kind === 'insert' && i >= 0) || (a.kind === 'update' && i < 0)) return;
      w.put(i, a.key, v);
      return;
    }
    case 'delete': {
      const keys = matchingKeys(w, a.pattern);
      if (a.key !== undefined) keys.unshift(a.key);
      for (const k of keys) {
        const i = w.index(k);
        if (i >= 0) w.remove(i);
      }
      return;
    }
    case 'hash': {
      const keys = matchingKeys(w, a.pattern);
      if (a.key !== undefined) keys.unshift(a.key);
      // A key named and matched by the pattern is hashed once per mention, as in the Collector.
      for (const k of keys) {
        const i = w.index(k);
        if (i >= 0) w.put(i, k, hashValue((w.list[i] as KeyValue).value));
      }
      return;
    }
    case 'extract': {
      const v = w.get(a.key);
      if (v === undefined || !('stringValue' in v)) return;
      const m = a.pattern.exec(v.stringValue);
      if (!m) return;
      a.names.forEach((name, g) => w.put(w.index(name), name, { stringValue: m[g + 1] ?? '' }));
      return;
    }
    case 'convert': {
      const i = w.index(a.key);
      if (i < 0) return;
      const from = (w.list[i] as KeyValue).value;
      const to = convertValue(from, a.to);
      if (to !== undefined && to !== from) w.put(i, a.key, to);
      return;
    }
  }
}

/** Applies `actions` to `attrs`: the same list when nothing changed, else a new one. */
export function applyActions(actions: readonly Action[], attrs: KeyValue[], ctx: ConsumeContext): KeyValue[] {
  const w = new Working(attrs);
  for (const a of actions) run(w, a, ctx);
  return w.list;
}
