// The compile step: a parsed statement or condition into closures, resolving every path, function, enum and
// argument at load time so that a config naming an unknown path, function or enum, or calling a function with the
// wrong arguments, is refused with the column before any data flows.
import type { CallNode, Expr, PathNode } from './ast.ts';
import { compare } from './compare.ts';
import type { ContextName, SignalName } from './contexts/index.ts';
import { ENUMS, SIGNAL_CONTEXTS, resolvePath } from './contexts/index.ts';
import type { Env } from './env.ts';
import { fail, truth } from './env.ts';
import { OttlRuntimeError } from './errors.ts';
import { makeArgs } from './args.ts';
import { FUNCTIONS } from './functions/index.ts';
import type { Getter, Setter } from './functions/types.ts';
import { index, setIndexed } from './keys.ts';
import { arithmetic, negate } from './math.ts';
import { PMap, toAnyValue } from './values.ts';

export function compilePath(p: PathNode, env: Env): Setter & { settable: boolean } {
  const r = resolvePath(p.names, env.context, env.requirePrefix);
  if (!r.ok) return fail(env, r.error, p.pos);
  const { field } = r;
  const path = p.names.join('.');
  const keyed = field.keyed;
  if (keyed && p.keys.length === 1 && p.keys[0]?.type === 'string') {
    const key = p.keys[0].value;
    return { get: (ctx) => keyed.get(ctx, key), settable: true, set: (ctx, v) => keyed.set(ctx, key, v) };
  }
  if (p.keys.length > 0 && !field.indexable)
    fail(env, `path ${path} cannot be indexed${keyed ? ' but by one string key' : ''}`, p.keys[0]?.pos ?? p.pos);
  const keys = p.keys.map((k) => compileExpr(k, env));
  if (keys.length === 0) {
    const set = field.set;
    return {
      get: field.get,
      settable: set !== undefined,
      set: (ctx, v) => {
        if (!set) throw new OttlRuntimeError(`path ${path} cannot be set`);
        set(ctx, v);
      },
    };
  }
  const only = p.keys[0];
  if (p.keys.length === 1 && only?.type === 'string') {
    // The common case, attributes["k"]: straight to the map, no key closures per item.
    const key = only.value;
    return {
      get: (ctx) => {
        const m = field.get(ctx);
        return m instanceof PMap ? (m.get(key) ?? null) : index(m, key);
      },
      settable: field.set !== undefined,
      set: (ctx, v) => {
        const m = field.get(ctx);
        if (m instanceof PMap) m.set(key, toAnyValue(v));
        else setIndexed(m, [key], v);
      },
    };
  }
  return {
    get: (ctx) => keys.reduce((v, k) => index(v, k(ctx)), field.get(ctx)),
    // Writing through keys changes the live map the path reads; a read-only path's value is a copy.
    settable: field.set !== undefined,
    set: (ctx, v) =>
      setIndexed(
        field.get(ctx),
        keys.map((k) => k(ctx)),
        v,
      ),
  };
}

export function compileCall(c: CallNode, env: Env, kind: 'editor' | 'converter'): Getter {
  const def = FUNCTIONS.get(c.name);
  if (!def || def.kind !== kind) {
    const known = [...FUNCTIONS.values()]
      .filter((f) => f.kind === kind)
      .map((f) => f.name)
      .join(', ');
    return fail(env, `unknown ${kind} ${c.name} (known: ${known})`, c.pos);
  }
  const impl = def.build(makeArgs(def, c, env, { expr: compileExpr, path: compilePath }));
  if (c.keys.length === 0) return impl;
  const keys = c.keys.map((k) => compileExpr(k, env));
  return (ctx) => keys.reduce((v, k) => index(v, k(ctx)), impl(ctx));
}

function compileLogic(e: Expr & { type: 'logic' | 'not' | 'compare' }, env: Env): Getter {
  if (e.type === 'not') {
    const inner = compileExpr(e.operand, env);
    return (ctx) => !truth(inner(ctx), 'not');
  }
  const l = compileExpr(e.left, env);
  const r = compileExpr(e.right, env);
  if (e.type === 'compare') {
    const op = e.op;
    return (ctx) => compare(l(ctx), r(ctx), op);
  }
  if (e.op === 'and') return (ctx) => truth(l(ctx), 'and') && truth(r(ctx), 'and');
  return (ctx) => truth(l(ctx), 'or') || truth(r(ctx), 'or');
}

export function compileExpr(e: Expr, env: Env): Getter {
  switch (e.type) {
    case 'string':
    case 'int':
    case 'float':
    case 'bool':
    case 'bytes': {
      const v = e.value;
      return () => v;
    }
    case 'nil':
      return () => null;
    case 'enum': {
      const v = ENUMS[env.signal].get(e.name);
      if (v === undefined) {
        const known = [...ENUMS[env.signal].keys()].join(', ');
        return fail(env, `unknown enum ${e.name} for ${env.signal} (known: ${known})`, e.pos);
      }
      return () => v;
    }
    case 'path':
      return compilePath(e, env).get;
    case 'call':
      return compileCall(e, env, 'converter');
    case 'list': {
      const items = e.items.map((i) => compileExpr(i, env));
      return (ctx) => items.map((g) => g(ctx));
    }
    case 'map': {
      const entries = e.entries.map((en) => ({ key: en.key, get: compileExpr(en.value, env) }));
      return (ctx) => new PMap(entries.map((en) => ({ key: en.key, value: toAnyValue(en.get(ctx)) })));
    }
    case 'math': {
      const [l, r, op] = [compileExpr(e.left, env), compileExpr(e.right, env), e.op];
      return (ctx) => arithmetic(op, l(ctx), r(ctx));
    }
    case 'neg': {
      const inner = compileExpr(e.operand, env);
      return (ctx) => negate(inner(ctx));
    }
    case 'group':
      return compileExpr(e.inner, env);
    case 'compare':
    case 'logic':
    case 'not':
      return compileLogic(e, env);
  }
}

/** Checks that `context` belongs to `signal`. */
export function checkContext(context: ContextName, signal: SignalName): string | undefined {
  if (!SIGNAL_CONTEXTS[signal].includes(context))
    return `${context} is not a context of ${signal} (those are ${SIGNAL_CONTEXTS[signal].join(', ')})`;
  return undefined;
}
