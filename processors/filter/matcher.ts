// Evaluates the filter's conditions for one item: true when any condition of the item's context holds. A condition
// that fails is handled by its group's error_mode: propagate throws (the whole batch fails), ignore logs and counts
// it as not matching, silent only counts it as not matching.
import type { ContextName, TransformContext } from '../../ottl/index.ts';
import type { Group } from '../helper/ottl-config.ts';

export interface Matcher {
  has(c: ContextName): boolean;
  test(c: ContextName, ctx: TransformContext): boolean;
}

/** Called for a failing condition whose group is not `propagate`; `propagate` rethrows from `fail`. */
export type OnError = (group: Group, text: string, err: unknown) => void;

export function matcher(groups: readonly Group[], onError: OnError): Matcher {
  const by = new Map<ContextName, Group[]>();
  for (const g of groups) if (g.conditions.length > 0) by.set(g.context, [...(by.get(g.context) ?? []), g]);
  return {
    has: (c) => by.has(c),
    test: (c, ctx) => {
      for (const g of by.get(c) ?? []) {
        for (const cond of g.conditions) {
          try {
            if (cond.test(ctx)) return true;
          } catch (err) {
            onError(g, cond.text, err);
          }
        }
      }
      return false;
    },
  };
}
