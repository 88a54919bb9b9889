// Arithmetic (+ - * /) as the Collector's math expressions: int with int stays int (division truncates, by zero is
// an error), a double on either side makes a double; time - time is a duration, time +/- duration a time.
import type { MathOp } from './ast.ts';
import { OttlRuntimeError } from './errors.ts';
import type { Value } from './values.ts';
import { ODuration, OTime, typeName } from './values.ts';

function ints(op: MathOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0n) throw new OttlRuntimeError('division by zero');
      return a / b;
  }
}

function doubles(op: MathOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new OttlRuntimeError('division by zero');
      return a / b;
  }
}

function times(op: MathOp, a: Value, b: Value): Value | undefined {
  if (a instanceof OTime && b instanceof OTime && op === '-') return new ODuration(a.ns - b.ns);
  if (a instanceof OTime && b instanceof ODuration && (op === '+' || op === '-'))
    return new OTime(op === '+' ? a.ns + b.ns : a.ns - b.ns);
  if (a instanceof ODuration && b instanceof ODuration && (op === '+' || op === '-'))
    return new ODuration(op === '+' ? a.ns + b.ns : a.ns - b.ns);
  return undefined;
}

export function arithmetic(op: MathOp, a: Value, b: Value): Value {
  // Wrapped to int64 as Go's arithmetic wraps, so the result always fits an OTLP int.
  if (typeof a === 'bigint' && typeof b === 'bigint') return BigInt.asIntN(64, ints(op, a, b));
  const numeric = (v: Value) => typeof v === 'bigint' || typeof v === 'number';
  if (numeric(a) && numeric(b)) return doubles(op, Number(a), Number(b));
  const t = times(op, a, b);
  if (t !== undefined) return t;
  throw new OttlRuntimeError(`cannot compute ${typeName(a)} ${op} ${typeName(b)}`);
}

export function negate(v: Value): Value {
  if (typeof v === 'bigint') return BigInt.asIntN(64, -v);
  if (typeof v === 'number') return -v;
  if (v instanceof ODuration) return new ODuration(-v.ns);
  throw new OttlRuntimeError(`cannot negate ${typeName(v)}`);
}
