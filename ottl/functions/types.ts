// How functions are declared: their parameters (what the compiler checks and prepares at load time) and a build
// step that turns the prepared arguments into the function's run-time closure.
import type { TransformContext } from '../contexts/types.ts';
import type { Value } from '../values.ts';

export type Getter = (ctx: TransformContext) => Value;

export interface Setter {
  get: Getter;
  set: (ctx: TransformContext, v: Value) => void;
}

/**
 * getter: any value; setter: a path that can be written; string / int / bool: a literal; strings: a list literal of
 * strings; getters: a list literal of values; function: the name of a one-argument converter (SHA256).
 */
export type ParamType = 'getter' | 'setter' | 'string' | 'int' | 'bool' | 'strings' | 'getters' | 'function';

export interface Param {
  name: string;
  type: ParamType;
  optional?: boolean;
}

/** The prepared arguments, by parameter index; undefined for an optional argument left out. */
export interface Args {
  getter(i: number): Getter;
  optGetter(i: number): Getter | undefined;
  setter(i: number): Setter;
  string(i: number): string | undefined;
  int(i: number): bigint | undefined;
  bool(i: number): boolean | undefined;
  strings(i: number): string[] | undefined;
  getters(i: number): Getter[];
  fn(i: number): ((v: Value) => Value) | undefined;
  /** A string literal compiled as a regex (RE2 spellings translated); refused at load time when invalid. */
  regex(i: number, global?: boolean): RegExp;
  /** The value of argument `i` when it was written as a string, int, float or bool literal (a getter may be one). */
  literal(i: number): Value | undefined;
  /** Refuses the statement at load time, pointing at argument `i`. */
  fail(i: number, message: string): never;
}

export interface FunctionDef {
  name: string;
  /** Editors change data and are a statement's root; converters return a value. */
  kind: 'editor' | 'converter';
  params: readonly Param[];
  build(args: Args): Getter;
}
