// Cumulative counters: running totals per series, a fixed start time per series, bounded by max_series, and
// increments taken back out when downstream refuses them (so a redelivery does not count twice).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRetryable, retryableError } from '../../core/errors.ts';
import { CumulativeState } from './cumulative.ts';
import { EVICTED } from './self-metrics.ts';
import { harness, msg, points } from '../../test/helpers/schema-processor-harness.ts';

const counter = (
  value: number,
  ts: number,
  attributes: { key: string; value: string }[] = [],
  type = 'u64_counter',
  name = 'parts',
) => ({
  name,
  type,
  value,
  timestamp: ts,
  attributes,
});

describe('cumulative counters', () => {
  it('sums each series across messages, with the start time of its first point', async (t) => {
    const h = await harness(t, 'metrics');
    const a = [{ key: 'line', value: 'a' }];
    const b = [{ key: 'line', value: 'b' }];
    await h.send(msg({ metrics: [counter(5, 1000, a), counter(1, 1500, b)] }));
    await h.send(msg({ metrics: [counter(3, 2000, a)] }));
    await h.send(msg({ metrics: [counter(2, 3000, a), counter(4, 3000, b)] }));
    const got = h.sent.flatMap((_, i) =>
      points(h.metrics(i)[0]).map((p) => [p.attributes[0]!.value, p.startTimeUnixNano, p.timeUnixNano, p.asInt]),
    );
    assert.deepEqual(got, [
      [{ stringValue: 'a' }, 1000n, 1000n, 5n],
      [{ stringValue: 'b' }, 1500n, 1500n, 1n],
      [{ stringValue: 'a' }, 1000n, 2000n, 8n],
      [{ stringValue: 'a' }, 1000n, 3000n, 10n],
      [{ stringValue: 'b' }, 1500n, 3000n, 5n],
    ]);
  });

  it('keeps apart series that differ in name, type, attribute values or topic, but not in attribute order', async (t) => {
    const h = await harness(t, 'metrics');
    const ab = [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ];
    const ba = [
      { key: 'b', value: '2' },
      { key: 'a', value: '1' },
    ];
    await h.send(
      msg({
        metrics: [
          counter(1, 1, ab),
          counter(1, 2, ba),
          counter(1, 3, ab, 'i64_up_down_counter'),
          counter(1, 4, ab, 'u64_counter', 'other'),
        ],
      }),
    );
    await h.send(msg({ metrics: [counter(1, 5, ab)] }, { topic: 'another/topic' }));
    const totals = h.sent.flatMap((_, i) => h.metrics(i).flatMap((m) => points(m).map((p) => p.asInt)));
    assert.deepEqual(totals, [1n, 2n, 1n, 1n, 1n]);
  });

  it('sums doubles and up-down counters (which may go down)', async (t) => {
    const h = await harness(t, 'metrics');
    await h.send(
      msg({
        metrics: [
          counter(0.5, 1, [], 'f64_counter'),
          counter(0.25, 2, [], 'f64_counter'),
          counter(3, 1, [], 'i64_up_down_counter'),
          counter(-5, 2, [], 'i64_up_down_counter'),
        ],
      }),
    );
    const [f, i] = h.metrics();
    assert.deepEqual(
      points(f).map((p) => p.asDouble),
      [0.5, 0.75],
    );
    assert.deepEqual(
      points(i).map((p) => p.asInt),
      [3n, -2n],
    );
  });

  it('takes a refused batch back out of the totals, so the redelivered message counts once', async (t) => {
    const h = await harness(t, 'metrics');
    await h.send(msg({ metrics: [counter(5, 1)] }));
    h.fail(retryableError('exporter down'));
    const err = await h.send(msg({ metrics: [counter(3, 2)] })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isRetryable(err));
    h.fail(undefined);
    await h.send(msg({ metrics: [counter(3, 2)] }));
    assert.deepEqual(
      points(h.metrics()[0]).map((p) => p.asInt),
      [8n],
    );
  });

  it('evicts the least recently updated series beyond max_series, counts it, and restarts it from zero', async (t) => {
    const h = await harness(t, 'metrics', { max_series: 2 });
    const s = (name: string, v: number, ts: number) => counter(v, ts, [], 'u64_counter', name);
    await h.send(msg({ metrics: [s('a', 1, 1), s('b', 1, 2)] }));
    await h.send(msg({ metrics: [s('a', 1, 3)] })); // a is now more recent than b
    await h.send(msg({ metrics: [s('c', 1, 4)] })); // evicts b
    await h.send(msg({ metrics: [s('a', 1, 5), s('b', 1, 6)] })); // b comes back from zero and evicts c
    const [a, b] = h.metrics();
    assert.deepEqual(
      points(a).map((p) => [p.startTimeUnixNano, p.asInt]),
      [[1n, 3n]],
    );
    assert.deepEqual(
      points(b).map((p) => [p.startTimeUnixNano, p.asInt]),
      [[6n, 1n]],
    );
    assert.equal(await h.settings.telemetry.value(EVICTED), 2);
    assert.equal(
      h.settings.logger.lines.filter((l) => String(l.msg).startsWith('evicted cumulative series')).length,
      1,
    );
  });

  it('restarts a series whose total would leave the int64 range OTLP can carry', () => {
    const state = new CumulativeState(10, () => undefined);
    state.add('k', 2n ** 62n, 1n);
    assert.deepEqual(
      { ...state.add('k', 2n ** 62n - 1n, 2n), undo: undefined },
      { start: 1n, total: 2n ** 63n - 1n, undo: undefined },
    );
    assert.deepEqual({ ...state.add('k', 1n, 3n), undo: undefined }, { start: 3n, total: 1n, undo: undefined });
  });

  it('keeps no state in delta mode: each point is its own increment', async (t) => {
    const h = await harness(t, 'metrics', { counter_temporality: 'delta' });
    await h.send(msg({ metrics: [counter(5, 1), counter(3, 2)] }));
    assert.deepEqual(
      points(h.metrics()[0]).map((p) => [p.startTimeUnixNano, p.timeUnixNano, p.asInt]),
      [
        [1n, 1n, 5n],
        [2n, 2n, 3n],
      ],
    );
  });
});
