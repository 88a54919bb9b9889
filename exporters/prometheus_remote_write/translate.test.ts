import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeHistogram } from './translate.ts';

const point = (scale: number, offset: number, bucketCounts: number[]) => ({
  attributes: [],
  startTimeUnixNano: 0n,
  timeUnixNano: 0n,
  count: bucketCounts.reduce((a, b) => a + b, 0),
  sum: 1,
  scale,
  zeroCount: 0,
  zeroThreshold: 0,
  positive: { offset, bucketCounts },
  negative: { offset: 0, bucketCounts: [] },
  flags: 0,
  exemplars: [],
});

describe('native histograms from exponential histograms', () => {
  it("keeps the scale as the schema and moves bucket i to Prometheus' i + 1", () => {
    const h = nativeHistogram(point(3, -2, [1, 0, 4]), 5);
    assert.equal(h.schema, 3);
    assert.deepEqual(h.positive, { offset: -1, counts: [1, 0, 4] });
    assert.equal(h.timestamp, 5);
  });

  it('merges buckets pairwise per step down to schema 8 when the scale is finer', () => {
    // Scale 9 to 8: indices -3, -2, -1, 0 fall in -2, -1, -1, 0.
    const h = nativeHistogram(point(9, -3, [1, 1, 1, 1]), 0);
    assert.equal(h.schema, 8);
    assert.deepEqual(h.positive, { offset: -1, counts: [1, 2, 1] });
    const twoSteps = nativeHistogram(point(10, 0, [1, 2, 3, 4, 5]), 0);
    assert.deepEqual(twoSteps.positive, { offset: 1, counts: [10, 5] });
    assert.equal(twoSteps.count, 15);
  });
});
