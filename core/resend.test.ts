import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metrics, Traces } from './pdata/index.ts';
import { dataPointCount, logRecord, logs, message, metric, metrics, numberPoint, span, traces } from './pdata/index.ts';
import { pickItems } from './pdata/pick.ts';
import { splitData } from './pdata/split.ts';
import { cutParts, keyedParts, RetryKey, Share } from './resend.ts';

const gauge = (
  name: string,
  points: number,
): Metrics['resourceMetrics'][number]['scopeMetrics'][number]['metrics'][number] =>
  metric({ name, gauge: { dataPoints: Array.from({ length: points }, (_, i) => numberPoint(i, BigInt(i))) } });

describe('pickItems', () => {
  it('keeps the items in the ranges, in order, in new containers with the same leaves', () => {
    const src = logs(['a', 'b', 'c', 'd', 'e'].map((n) => logRecord({ severityText: n })));
    const got = pickItems(
      src,
      [
        [0, 1],
        [3, 5],
      ],
      5,
    );
    const records = got.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
    assert.deepEqual(
      records.map((l) => l.severityText),
      ['a', 'd', 'e'],
    );
    assert.equal(records[0], src.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]);
    assert.notEqual(got.resourceLogs[0], src.resourceLogs[0]);
    assert.deepEqual(got.resourceLogs[0]?.resource, src.resourceLogs[0]?.resource);
  });

  it('cuts a metric whose data points straddle a range, and leaves out containers with nothing picked', () => {
    const src: Metrics = {
      resourceMetrics: [
        ...metrics([gauge('m1', 3), gauge('m2', 2)]).resourceMetrics,
        ...metrics([gauge('m3', 1)]).resourceMetrics,
      ],
    };
    const got = pickItems(src, [[2, 4]], 6);
    const ms = got.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    assert.deepEqual(
      ms.map((m) => [m.name, m.gauge?.dataPoints.map((p) => p.asDouble)]),
      [
        ['m1', [2]],
        ['m2', [0]],
      ],
    );
    assert.equal(got.resourceMetrics.length, 1);
    assert.equal(dataPointCount(got), 2);
  });

  it('picks spans and messages', () => {
    const t: Traces = traces(['s0', 's1', 's2'].map((name) => span({ name })));
    assert.deepEqual(
      pickItems(t, [[1, 2]], 3).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name))),
      ['s1'],
    );
    const m = { messages: ['t0', 't1', 't2'].map((topic) => message({ topic, payload: '' })) };
    assert.deepEqual(
      pickItems(
        m,
        [
          [0, 1],
          [2, 3],
        ],
        3,
      ).messages.map((x) => x.topic),
      ['t0', 't2'],
    );
  });

  it('keeps a container without items with the item after it, or with the last range at the end', () => {
    const empty = () => ({ ...logs([]).resourceLogs[0]! });
    const src = {
      resourceLogs: [
        empty(),
        ...logs([logRecord({ severityText: 'a' })]).resourceLogs,
        empty(),
        ...logs([logRecord({ severityText: 'b' })]).resourceLogs,
        empty(),
      ],
    };
    assert.equal(pickItems(src, [[0, 1]], 2).resourceLogs.length, 2);
    assert.equal(pickItems(src, [[1, 2]], 2).resourceLogs.length, 3);
  });
});

describe('cutParts', () => {
  it('lays contributions end to end and cuts them where splitData cuts the merged data', () => {
    const [k1, k2] = [new RetryKey(), new RetryKey()];
    const s1 = new Share(k1, 5);
    const s2 = new Share(k2, 2);
    const pieces = cutParts(
      [[{ items: 5, share: s1 }], [{ items: 3 }], [{ items: 2, share: s2 }], [{ items: 4 }]],
      [4, 4, 4, 2],
    );
    assert.deepEqual(pieces, [
      [{ items: 4, share: s1 }],
      [{ items: 1, share: s1 }, { items: 3 }],
      [{ items: 2, share: s2 }, { items: 2 }],
      undefined,
    ]);
    const merged = logs(Array.from({ length: 14 }, () => logRecord()));
    assert.equal(splitData('logs', merged, 4).length, pieces.length);
    // Pieces of any sizes, as a split by encoded bytes would make.
    assert.deepEqual(cutParts([[{ items: 5, share: s1 }], [{ items: 3 }]], [1, 6, 1]), [
      [{ items: 1, share: s1 }],
      [{ items: 4, share: s1 }, { items: 2 }],
      undefined,
    ]);
  });

  it('merges runs of the same share and of items without a key', () => {
    const s = new Share(new RetryKey(), 3);
    assert.deepEqual(cutParts([[{ items: 1 }], [{ items: 2 }], [{ items: 3, share: s }]], [6]), [
      [{ items: 3 }, { items: 3, share: s }],
    ]);
  });
});

describe('keyedParts', () => {
  it('is undefined without a key, one share under a key, and the given parts when they add up', () => {
    const k = new RetryKey();
    assert.equal(keyedParts(undefined, 3), undefined);
    assert.equal(keyedParts({ parts: [{ items: 3 }] }, 3), undefined);
    const [p] = keyedParts({ retryKey: k }, 3) ?? [];
    assert.equal(p?.share?.key, k);
    assert.equal(p?.items, 3);
    const parts = [{ items: 3, share: new Share(k, 3) }];
    assert.equal(keyedParts({ parts, retryKey: k }, 3), parts);
    assert.equal(keyedParts({ parts }, 4), undefined);
  });
});
