// The items of a batch that lie in given ranges, for a fan-out that sends a branch only the part of a retried batch
// it has not accepted yet (core/resend.ts). Like splitting, it gives the result its own resource, scope and metric
// containers and shares the leaf records with the source.
import type { SignalData } from './signals.ts';
import type { Shape } from './split.ts';
import { LOGS, METRICS, TRACES } from './split.ts';

/** Items [from, to), counted as itemCount counts them (a metric counts its data points). */
export type ItemRange = readonly [from: number, to: number];

/**
 * Walks sorted, disjoint ranges as the position in the data only grows. A container or a leaf without items has no
 * position of its own: it goes with the item that follows it, or with the last range when nothing follows.
 */
class Cursor {
  private r = 0;

  constructor(
    private readonly ranges: readonly ItemRange[],
    private readonly total: number,
  ) {}

  /** The ranges overlapping [from, to), clipped to it. */
  *overlaps(from: number, to: number): Generator<ItemRange> {
    while (this.r < this.ranges.length && (this.ranges[this.r] as ItemRange)[1] <= from) this.r++;
    for (let i = this.r; i < this.ranges.length; i++) {
      const [a, b] = this.ranges[i] as ItemRange;
      if (a >= to) break;
      yield [Math.max(a, from), Math.min(b, to)];
    }
  }

  /** Whether something without items at `pos` is kept. */
  keeps(pos: number): boolean {
    if (pos >= this.total) return this.ranges.at(-1)?.[1] === this.total;
    return this.overlaps(pos, pos + 1).next().done !== true;
  }
}

function pick<D, R, S, L>(shape: Shape<D, R, S, L>, data: D, ranges: readonly ItemRange[], total: number): D {
  const out = shape.empty();
  const at = new Cursor(ranges, total);
  let pos = 0;
  for (const srcR of shape.resources(data)) {
    let dstR: R | undefined;
    const openR = (): R => {
      if (!dstR) {
        dstR = shape.copyResource(srcR);
        shape.resources(out).push(dstR);
      }
      return dstR;
    };
    if (shape.scopes(srcR).length === 0 && at.keeps(pos)) openR();
    for (const srcS of shape.scopes(srcR)) {
      let dstS: S | undefined;
      const openS = (): L[] => {
        if (!dstS) {
          dstS = shape.copyScope(srcS);
          shape.scopes(openR()).push(dstS);
        }
        return shape.leaves(dstS);
      };
      if (shape.leaves(srcS).length === 0 && at.keeps(pos)) openS();
      for (const leaf of shape.leaves(srcS)) {
        const w = shape.weight(leaf);
        if (w === 0 && at.keeps(pos)) openS().push(leaf);
        for (const [a, b] of at.overlaps(pos, pos + w)) {
          openS().push(b - a === w ? leaf : shape.slice(leaf, a - pos, b - pos));
        }
        pos += w;
      }
    }
  }
  return out;
}

/**
 * The items of `data` in `ranges` (sorted, disjoint, within its `total` items), in order. Containers are new; leaf
 * records are shared with `data` unless a range cuts a metric's data points.
 */
export function pickItems<T extends SignalData>(data: T, ranges: readonly ItemRange[], total: number): T {
  return pickAny(data, ranges, total) as T;
}

function pickAny(data: SignalData, ranges: readonly ItemRange[], total: number): SignalData {
  if ('resourceSpans' in data) return pick(TRACES, data, ranges, total);
  if ('resourceMetrics' in data) return pick(METRICS, data, ranges, total);
  if ('resourceLogs' in data) return pick(LOGS, data, ranges, total);
  return { messages: ranges.flatMap(([a, b]) => data.messages.slice(a, b)) };
}
