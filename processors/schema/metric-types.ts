// The AIO metric types and what each becomes in OTLP. The names are the OpenTelemetry Rust API's instrument names
// (u64_counter, f64_up_down_counter, ...), so each maps onto the data its instrument would produce.
import { I64_MAX, I64_MIN, U64_MAX, parseInteger } from './numbers.ts';

export type NumberKind = 'u64' | 'i64' | 'f64';

export interface MetricType {
  shape: 'sum' | 'gauge' | 'histogram';
  /** Sums only: counters are monotonic, up-down counters are not. */
  monotonic: boolean;
  number: NumberKind;
}

export const METRIC_TYPES: Readonly<Record<string, MetricType>> = {
  u64_counter: { shape: 'sum', monotonic: true, number: 'u64' },
  f64_counter: { shape: 'sum', monotonic: true, number: 'f64' },
  i64_up_down_counter: { shape: 'sum', monotonic: false, number: 'i64' },
  f64_up_down_counter: { shape: 'sum', monotonic: false, number: 'f64' },
  u64_gauge: { shape: 'gauge', monotonic: false, number: 'u64' },
  i64_gauge: { shape: 'gauge', monotonic: false, number: 'i64' },
  f64_gauge: { shape: 'gauge', monotonic: false, number: 'f64' },
  f64_histogram: { shape: 'histogram', monotonic: false, number: 'f64' },
  u64_histogram: { shape: 'histogram', monotonic: false, number: 'u64' },
};

export function metricType(name: string): MetricType | undefined {
  return Object.hasOwn(METRIC_TYPES, name) ? METRIC_TYPES[name] : undefined;
}

export type ValueResult = { ok: true; value: number | bigint } | { ok: false; message: string };

/**
 * The point value of `value` (a JSON number; `raw` its source text) for a metric type: a bigint for u64/i64 sums and
 * gauges (OTLP asInt), a number otherwise. Integer types must be whole and in range; counters cannot go down.
 */
export function pointValue(t: MetricType, value: number, raw: string | undefined): ValueResult {
  if (t.number === 'f64') {
    // JSON has no Infinity, but a literal such as 1e400 parses to it.
    if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
    if (t.monotonic && value < 0) return { ok: false, message: 'a counter increment cannot be negative' };
    return { ok: true, value };
  }
  if (t.shape === 'histogram') {
    // A histogram point holds doubles, so the whole u64 range fits (rounded above 2^53, as any double).
    const r = parseInteger(value, raw, 0n, U64_MAX);
    return r.ok ? { ok: true, value: Number(r.value) } : r;
  }
  // OTLP's asInt is a signed 64-bit integer: u64 values above 2^63-1 cannot be carried.
  return t.number === 'u64' ? parseInteger(value, raw, 0n, I64_MAX) : parseInteger(value, raw, I64_MIN, I64_MAX);
}

/** The bucket counts of a histogram holding one value: buckets are (bounds[i-1], bounds[i]], the last unbounded. */
export function bucketCounts(bounds: readonly number[], value: number): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let i = bounds.findIndex((b) => value <= b);
  if (i < 0) i = bounds.length;
  counts[i] = 1;
  return counts;
}
