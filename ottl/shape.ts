// The shapes the Collector's grammar admits, checked on the parsed tree: a condition is boolean (a comparison, a
// bool, a converter call, and/or/not of those) and comparison and math operands are values, never conditions.
import type { Expr } from './ast.ts';
import { OttlError } from './errors.ts';

function isBooleanShaped(e: Expr): boolean {
  switch (e.type) {
    case 'compare':
    case 'logic':
    case 'not':
    case 'bool':
    case 'call':
      return true;
    case 'group':
      return isBooleanShaped(e.inner);
    default:
      return false;
  }
}

export function checkBoolean(e: Expr, src: string): void {
  if (e.type === 'logic') {
    checkBoolean(e.left, src);
    checkBoolean(e.right, src);
    return;
  }
  if (e.type === 'not' || e.type === 'group') return checkBoolean(e.type === 'not' ? e.operand : e.inner, src);
  if (!isBooleanShaped(e)) {
    const what = e.type === 'path' ? `path ${e.names.join('.')}` : 'this value';
    throw new OttlError(`${what} is not a condition; compare it (e.g. == "x")`, e.pos + 1, src);
  }
}

export function checkValue(e: Expr, src: string): void {
  const inner = e.type === 'group' ? e.inner : e;
  if (inner.type === 'compare' || inner.type === 'logic' || inner.type === 'not')
    throw new OttlError('a condition cannot be an operand here; compare values', e.pos + 1, src);
}
