import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex } from '../../core/pdata/index.ts';
import { ratioThreshold, shouldSample, traceIdSampled } from './sampler.ts';
import { randomId } from './span-builder.ts';

const ids = (n: number) => Array.from({ length: n }, () => randomId(16));

describe('sampler', () => {
  it('ratio 0 keeps nothing, ratio 1 keeps everything, even at the extremes of the trace ID', () => {
    const extremes = [fromHex('ffffffffffffffffffffffffffffffff'), fromHex('00000000000000000000000000000001')];
    for (const id of [...ids(2000), ...extremes]) {
      assert.equal(traceIdSampled(id, ratioThreshold(0)), false);
      assert.equal(traceIdSampled(id, ratioThreshold(1)), true);
    }
  });

  it('ratio 0.5 keeps about half of random trace IDs', () => {
    const n = 20_000;
    const kept = ids(n).filter((id) => traceIdSampled(id, ratioThreshold(0.5))).length;
    // Binomial(20000, 0.5) has a standard deviation of about 71: ±1000 is 14 of them.
    assert.ok(Math.abs(kept - n / 2) < 1000, `kept ${kept} of ${n}`);
    const tenth = ids(n).filter((id) => traceIdSampled(id, ratioThreshold(0.1))).length;
    assert.ok(Math.abs(tenth - n / 10) < 600, `kept ${tenth} of ${n} at 0.1`);
  });

  it('decides on the last 7 bytes of the trace ID, the same way every time', () => {
    const threshold = ratioThreshold(0.5);
    // Low 56 bits just below and at 2^55: the first byte (and the first 9) do not matter.
    assert.equal(traceIdSampled(fromHex('ffffffffffffffffff7fffffffffffff'), threshold), true);
    assert.equal(traceIdSampled(fromHex('00000000000000000080000000000000'), threshold), false);
    const id = randomId(16);
    const first = traceIdSampled(id, threshold);
    for (let i = 0; i < 10; i++) assert.equal(traceIdSampled(id, threshold), first);
  });

  it('follows the parent when there is one, whatever the ratio', () => {
    const id = fromHex('ffffffffffffffffffffffffffffffff');
    assert.equal(shouldSample(id, ratioThreshold(0), { sampled: true }), true);
    assert.equal(shouldSample(id, ratioThreshold(1), { sampled: false }), false);
    assert.equal(shouldSample(id, ratioThreshold(0), undefined), false);
    assert.equal(shouldSample(id, ratioThreshold(1), undefined), true);
  });
});
