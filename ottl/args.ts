// Matching a call's arguments to its function's parameters (positional, then `name = value`) and preparing each
// as its parameter type asks, at load time: literals checked, paths checked to be settable, regexes compiled.
import type { CallNode, Expr } from './ast.ts';
import type { TransformContext } from './contexts/index.ts';
import type { Env } from './env.ts';
import { fail } from './env.ts';
import { FUNCTIONS } from './functions/index.ts';
import { compileRegex } from './functions/regex.ts';
import type { Args, FunctionDef, Getter, Param, Setter } from './functions/types.ts';
import type { Value } from './values.ts';

function literalOf(e: Expr, type: 'string' | 'int' | 'bool'): string | bigint | boolean | undefined {
  if (type === 'string' && e.type === 'string') return e.value;
  if (type === 'int' && e.type === 'int') return e.value;
  if (type === 'bool' && e.type === 'bool') return e.value;
  return undefined;
}

/** The compile step's entry points (passed in, so that this file and compile.ts do not import each other). */
export interface Compilers {
  expr(e: Expr, env: Env): Getter;
  path(p: Expr & { type: 'path' }, env: Env): Setter & { settable: boolean };
}

function prepare(p: Param, e: Expr, env: Env, fnName: string, c: Compilers): unknown {
  const where = `${fnName}: argument ${p.name}`;
  switch (p.type) {
    case 'getter':
      return c.expr(e, env);
    case 'setter': {
      if (e.type !== 'path') return fail(env, `${where} must be a path`, e.pos);
      const s = c.path(e, env);
      if (!s.settable) fail(env, `${where}: path ${e.names.join('.')} cannot be set`, e.pos);
      return s;
    }
    case 'string':
    case 'int':
    case 'bool': {
      const v = literalOf(e, p.type);
      if (v === undefined)
        return fail(env, `${where} must be ${p.type === 'int' ? 'an' : 'a'} ${p.type} literal`, e.pos);
      return v;
    }
    case 'strings': {
      if (e.type !== 'list') return fail(env, `${where} must be a list of strings`, e.pos);
      return e.items.map((i) => (i.type === 'string' ? i.value : fail(env, `${where} must hold strings only`, i.pos)));
    }
    case 'getters':
      if (e.type !== 'list') return fail(env, `${where} must be a list`, e.pos);
      return e.items.map((i) => c.expr(i, env));
    case 'function':
      return unaryConverter(e, env, where);
  }
}

/** A converter named as a value (`SHA256` in replace_pattern) as a one-argument function. */
function unaryConverter(e: Expr, env: Env, where: string): (v: Value) => Value {
  const name = e.type === 'enum' ? e.name : e.type === 'path' && e.names.length === 1 ? e.names[0] : undefined;
  const def = name === undefined ? undefined : FUNCTIONS.get(name);
  if (
    !def ||
    def.kind !== 'converter' ||
    def.params.filter((p) => !p.optional).length !== 1 ||
    def.params[0]?.type !== 'getter'
  )
    return fail(env, `${where} must name a converter of one argument (such as SHA256)`, e.pos);
  let current: Value = null;
  const impl = def.build(makeArgsFrom(def, [() => current], env, e.pos));
  const none = {} as TransformContext;
  return (v) => {
    current = v;
    return impl(none);
  };
}

function makeArgsFrom(
  def: FunctionDef,
  prepared: unknown[],
  env: Env,
  pos: number,
  positions: number[] = [],
  exprs: (Expr | undefined)[] = [],
): Args {
  const at = (i: number) => positions[i] ?? pos;
  const get = <T>(i: number) => prepared[i] as T | undefined;
  const args: Args = {
    getter: (i) => get<Getter>(i) ?? (() => null),
    optGetter: (i) => get<Getter>(i),
    setter: (i) => get<Setter>(i) as Setter,
    string: (i) => get<string>(i),
    int: (i) => get<bigint>(i),
    bool: (i) => get<boolean>(i),
    strings: (i) => get<string[]>(i),
    getters: (i) => get<Getter[]>(i) ?? [],
    fn: (i) => get<(v: Value) => Value>(i),
    regex: (i, global) => {
      const p = get<string>(i) ?? '';
      try {
        return compileRegex(p, global);
      } catch (err) {
        return args.fail(i, `invalid regex "${p}": ${(err as Error).message}`);
      }
    },
    literal: (i) => {
      const e = exprs[i];
      return e && (e.type === 'string' || e.type === 'int' || e.type === 'float' || e.type === 'bool')
        ? e.value
        : undefined;
    },
    fail: (i, message) => fail(env, `${def.name}: ${message}`, at(i)),
  };
  return args;
}

export function makeArgs(def: FunctionDef, c: CallNode, env: Env, compilers: Compilers): Args {
  const slots: (Expr | undefined)[] = def.params.map(() => undefined);
  const positions: number[] = [];
  c.args.forEach((a, i) => {
    const at = a.name === undefined ? i : def.params.findIndex((p) => p.name === a.name);
    if (a.name !== undefined && at < 0)
      fail(env, `${def.name} has no parameter ${a.name} (it has ${def.params.map((p) => p.name).join(', ')})`, a.pos);
    if (at >= def.params.length)
      fail(env, `${def.name} takes at most ${def.params.length} argument${def.params.length === 1 ? '' : 's'}`, a.pos);
    if (slots[at] !== undefined) fail(env, `${def.name}: argument ${def.params[at]?.name ?? ''} given twice`, a.pos);
    slots[at] = a.value;
    positions[at] = a.pos;
  });
  const prepared = def.params.map((p, i) => {
    const e = slots[i];
    if (e === undefined) {
      if (!p.optional) fail(env, `${def.name} needs argument ${p.name}`, c.pos);
      return undefined;
    }
    return prepare(p, e, env, def.name, compilers);
  });
  return makeArgsFrom(def, prepared, env, c.pos, positions, slots);
}
