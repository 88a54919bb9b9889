// What compiling one statement needs to know, and the error helpers shared by the compile step.
import type { ContextName, SignalName } from './contexts/index.ts';
import { OttlError, OttlRuntimeError } from './errors.ts';
import type { Value } from './values.ts';
import { typeName } from './values.ts';

export interface Env {
  src: string;
  signal: SignalName;
  context: ContextName;
  /** Every path must name its context (the context was inferred). */
  requirePrefix: boolean;
}

/** Refuses the statement at load time, pointing at the 0-based offset `pos`. */
export function fail(env: Env, message: string, pos: number): never {
  throw new OttlError(message, pos + 1, env.src);
}

/** A condition's value, which must be a bool. */
export function truth(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') throw new OttlRuntimeError(`${what} gave ${typeName(v)}, not a bool`);
  return v;
}
