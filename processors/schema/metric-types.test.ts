// Every AIO metric type, in both temporalities, and the histogram buckets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, metricDataType } from '../../core/pdata/index.ts';
import { DEFAULT_HISTOGRAM_BOUNDS } from './config.ts';
import { bucketCounts } from './metric-types.ts';
import { histogramPoints, harness, msg, points } from '../../test/helpers/schema-processor-harness.ts';

const T = 1754851200000000000n;
const item = (type: string, value: string) => `{"name":"${type}","type":"${type}","value":${value},"timestamp":${T}}`;

// type, value written, expected OTLP shape, monotonic, asInt / asDouble
const SUMS_AND_GAUGES: [string, string, 'sum' | 'gauge', boolean | undefined, bigint | number][] = [
  ['u64_counter', '7', 'sum', true, 7n],
  ['f64_counter', '0.25', 'sum', true, 0.25],
  ['i64_up_down_counter', '-3', 'sum', false, -3n],
  ['f64_up_down_counter', '-1.5', 'sum', false, -1.5],
  ['u64_gauge', '12', 'gauge', undefined, 12n],
  ['i64_gauge', '-12', 'gauge', undefined, -12n],
  ['f64_gauge', '12', 'gauge', undefined, 12],
];

for (const temporality of ['delta', 'cumulative'] as const) {
  describe(`metric types (counter_temporality: ${temporality})`, () => {
    for (const [type, value, shape, monotonic, expected] of SUMS_AND_GAUGES) {
      it(`${type} becomes a ${monotonic === undefined ? '' : monotonic ? 'monotonic ' : 'non-monotonic '}${shape} of ${typeof expected === 'bigint' ? 'int' : 'double'} points`, async (t) => {
        const h = await harness(t, 'metrics', { counter_temporality: temporality });
        await h.send(msg(`{"metrics":[${item(type, value)}]}`));
        const [m] = h.metrics();
        assert.equal(metricDataType(m!), shape);
        const [p] = points(m);
        if (typeof expected === 'bigint') assert.equal(p!.asInt, expected);
        else assert.equal(p!.asDouble, expected);
        assert.equal(p!.timeUnixNano, T);
        if (shape === 'sum') {
          assert.equal(m!.sum!.isMonotonic, monotonic);
          assert.equal(
            m!.sum!.aggregationTemporality,
            temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
          );
          // A delta covers the message's instant; a new cumulative series starts at its first point.
          assert.equal(p!.startTimeUnixNano, T);
        } else {
          assert.equal(p!.startTimeUnixNano, 0n);
        }
      });
    }

    it('f64_histogram and u64_histogram become delta histograms holding one value', async (t) => {
      const h = await harness(t, 'metrics', { counter_temporality: temporality });
      await h.send(msg(`{"metrics":[${item('f64_histogram', '42.5')},${item('u64_histogram', '10001')}]}`));
      const [f, u] = h.metrics();
      for (const m of [f, u]) assert.equal(m!.histogram!.aggregationTemporality, AggregationTemporality.DELTA);
      const [fp] = histogramPoints(f);
      assert.deepEqual(
        { ...fp, attributes: undefined },
        {
          attributes: undefined,
          startTimeUnixNano: T,
          timeUnixNano: T,
          count: 1,
          sum: 42.5,
          min: 42.5,
          max: 42.5,
          explicitBounds: [...DEFAULT_HISTOGRAM_BOUNDS],
          bucketCounts: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          exemplars: [],
          flags: 0,
        },
      );
      const [up] = histogramPoints(u);
      assert.equal(up!.sum, 10001);
      assert.equal(up!.bucketCounts.at(-1), 1, 'above the last bound: the overflow bucket');
    });
  });
}

describe('histogram buckets', () => {
  it('puts a value in the first bucket whose upper bound is at least the value (bounds are inclusive)', () => {
    const b = [0, 5, 10];
    assert.deepEqual(bucketCounts(b, -1), [1, 0, 0, 0]);
    assert.deepEqual(bucketCounts(b, 0), [1, 0, 0, 0]);
    assert.deepEqual(bucketCounts(b, 0.1), [0, 1, 0, 0]);
    assert.deepEqual(bucketCounts(b, 5), [0, 1, 0, 0]);
    assert.deepEqual(bucketCounts(b, 10), [0, 0, 1, 0]);
    assert.deepEqual(bucketCounts(b, 10.5), [0, 0, 0, 1]);
    assert.deepEqual(bucketCounts([], 3), [1]);
  });

  it('uses configured bounds, and leaves out the sum of a negative value (as the OTLP proto asks)', async (t) => {
    const h = await harness(t, 'metrics', { histogram_bounds: [-10, 0, 10] });
    await h.send(msg({ metrics: [{ name: 'h', type: 'f64_histogram', value: -2.5 }] }));
    const [p] = histogramPoints(h.metrics()[0]);
    assert.deepEqual(p!.explicitBounds, [-10, 0, 10]);
    assert.deepEqual(p!.bucketCounts, [0, 1, 0, 0]);
    assert.equal(p!.sum, undefined);
    assert.equal(p!.min, -2.5);
    assert.equal(p!.max, -2.5);
  });

  it('refuses a negative or fractional u64_histogram value', async (t) => {
    const h = await harness(t, 'metrics');
    await h.send(
      msg({
        metrics: [
          { name: 'h', type: 'u64_histogram', value: -1 },
          { name: 'h', type: 'u64_histogram', value: 0.5 },
        ],
      }),
    );
    assert.equal(await h.dropped('invalid_value'), 2);
    assert.equal(h.sent.length, 0);
  });
});
