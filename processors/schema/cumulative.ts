// Running totals for cumulative counters: each message's value is an increment, and the hub emits the sum per
// series since it first saw that series, with a start time fixed per series. The state lives in this processor
// instance only: it is per hub replica and lost on restart (the new start time tells backends the total reset).
// Bounded by max_series; beyond it the least recently updated series is evicted, and if it comes back it starts
// again from zero with a new start time.
import { I64_MAX, I64_MIN } from './numbers.ts';

interface Series {
  start: bigint;
  total: number | bigint;
}

export interface Accumulated {
  start: bigint;
  total: number | bigint;
  /** Takes this increment back out (downstream refused the data, so a redelivery must not count it twice). */
  undo: () => void;
}

export class CumulativeState {
  // A Map iterates in insertion order; moving a series to the end on each update makes the first one the least
  // recently updated, which is the one evicted.
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly maxSeries: number,
    private readonly onEvict: (count: number) => void,
  ) {}

  get size(): number {
    return this.series.size;
  }

  /** Adds `value` to series `key` (created at `time` if new) and returns the total to emit. */
  add(key: string, value: number | bigint, time: bigint): Accumulated {
    let s = this.series.get(key);
    if (s) this.series.delete(key);
    const total = s ? sum(s.total, value) : value;
    if (!s || total === undefined) {
      // New, or the total left the range OTLP can carry (asInt is a signed 64-bit integer, doubles overflow to
      // Infinity): start the series again, as a counter reset, with a new start time so backends see the reset.
      s = { start: time, total: value };
    } else {
      s.total = total;
    }
    this.series.set(key, s);
    this.evict();
    const series = s;
    return {
      start: s.start,
      total: s.total,
      undo: () => {
        // Only the same series object: one that was evicted or restarted since no longer holds this increment.
        if (this.series.get(key) !== series) return;
        series.total = sum(series.total, -value) ?? series.total;
      },
    };
  }

  private evict(): void {
    let evicted = 0;
    for (const key of this.series.keys()) {
      if (this.series.size <= this.maxSeries) break;
      this.series.delete(key);
      evicted++;
    }
    if (evicted > 0) this.onEvict(evicted);
  }
}

/** a + b, or undefined when the result cannot be carried (outside int64, or not finite). */
function sum(a: number | bigint, b: number | bigint): number | bigint | undefined {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a + b;
    return r < I64_MIN || r > I64_MAX ? undefined : r;
  }
  const r = Number(a) + Number(b);
  return Number.isFinite(r) ? r : undefined;
}
