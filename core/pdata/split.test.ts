import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resource, scope } from './common.ts';
import type { Logs } from './logs.ts';
import { forEachLogRecord, logRecord, logRecordCount, logs } from './logs.ts';
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  Metrics,
  SummaryDataPoint,
} from './metrics.ts';
import {
  AggregationTemporality,
  dataPointCount,
  dataPointsOf,
  forEachMetric,
  metric,
  metrics,
  numberPoint,
} from './metrics.ts';
import {
  mergeData,
  mergeLogs,
  mergeMetrics,
  mergeTraces,
  splitData,
  splitLogs,
  splitMetrics,
  splitTraces,
} from './split.ts';
import type { Traces } from './traces.ts';
import { forEachSpan, span, spanCount, traces } from './traces.ts';

const spans = (...names: string[]) => names.map((name) => span({ name }));
const spanNames = (t: Traces) => {
  const out: string[] = [];
  forEachSpan(t, (s) => out.push(s.name));
  return out;
};

/** Two resources, the first with two scopes, five spans in all, every container distinguishable. */
function sample(): Traces {
  const a = traces(spans('a1', 'a2'), resource({ host: 'a' }), scope('s1', '1'));
  a.resourceSpans[0]!.schemaUrl = 'https://r/a';
  a.resourceSpans[0]!.scopeSpans[0]!.schemaUrl = 'https://s/1';
  a.resourceSpans[0]!.scopeSpans.push({ scope: scope('s2'), schemaUrl: 'https://s/2', spans: spans('a3') });
  const b = traces(spans('b1', 'b2'), resource({ host: 'b' }), scope('s3'));
  return mergeTraces([a, b]);
}

await test('merge', async (suite) => {
  await suite.test('concatenates resource arrays in order without copying', () => {
    const a = traces(spans('1')),
      b = traces(spans('2', '3'));
    const m = mergeTraces([a, b]);
    assert.deepEqual(spanNames(m), ['1', '2', '3']);
    assert.equal(m.resourceSpans[0], a.resourceSpans[0]);
    assert.equal(m.resourceSpans[1], b.resourceSpans[0]);
    const ml = mergeLogs([logs([logRecord()]), logs([logRecord(), logRecord()])]);
    assert.equal(logRecordCount(ml), 3);
    const mm = mergeMetrics([
      metrics([metric({ name: 'x', gauge: { dataPoints: [numberPoint(1, 1n)] } })]),
      metrics([]),
    ]);
    assert.equal(mm.resourceMetrics.length, 2);
    assert.equal(dataPointCount(mm), 1);
  });

  await suite.test('dispatches by signal', () => {
    const m = mergeData('logs', [logs([logRecord()]), logs([logRecord()])]);
    assert.equal(logRecordCount(m), 2);
    assert.deepEqual(mergeData('traces', []), { resourceSpans: [] });
  });
});

await test('splitTraces', async (suite) => {
  await suite.test('returns data that already fits as the only piece, unchanged', () => {
    const t = sample();
    const pieces = splitTraces(t, 5);
    assert.equal(pieces.length, 1);
    assert.equal(pieces[0], t);
  });

  await suite.test('refuses a size that is not a positive integer', () => {
    assert.throws(() => splitTraces(sample(), 0), RangeError);
    assert.throws(() => splitTraces(sample(), 1.5), RangeError);
  });

  await suite.test('keeps order, resource, scope and schema URLs, and at most max spans a piece', () => {
    const t = sample();
    const pieces = splitTraces(t, 2);
    assert.deepEqual(pieces.map(spanNames), [['a1', 'a2'], ['a3', 'b1'], ['b2']]);
    const [p0, p1, p2] = pieces as [Traces, Traces, Traces];
    assert.deepEqual(p0.resourceSpans[0]!.resource, resource({ host: 'a' }));
    assert.equal(p0.resourceSpans[0]!.schemaUrl, 'https://r/a');
    assert.equal(p0.resourceSpans[0]!.scopeSpans[0]!.schemaUrl, 'https://s/1');
    assert.equal(p0.resourceSpans[0]!.scopeSpans[0]!.scope.name, 's1');
    assert.equal(p1.resourceSpans.length, 2);
    assert.equal(p1.resourceSpans[0]!.schemaUrl, 'https://r/a');
    assert.equal(p1.resourceSpans[0]!.scopeSpans[0]!.scope.name, 's2');
    assert.equal(p1.resourceSpans[0]!.scopeSpans[0]!.schemaUrl, 'https://s/2');
    assert.deepEqual(p1.resourceSpans[1]!.resource, resource({ host: 'b' }));
    assert.equal(p2.resourceSpans[0]!.scopeSpans[0]!.scope.name, 's3');
  });

  await suite.test('gives each piece its own containers and moves the spans', () => {
    const t = traces(spans('1', '2', '3'), resource({ host: 'a' }), scope('s'));
    const [p0, p1] = splitTraces(t, 2) as [Traces, Traces];
    const r0 = p0.resourceSpans[0]!,
      r1 = p1.resourceSpans[0]!;
    assert.notEqual(r0, r1);
    assert.notEqual(r0.resource, r1.resource);
    assert.notEqual(r0.scopeSpans[0]!.scope, r1.scopeSpans[0]!.scope);
    assert.notEqual(r0.resource, t.resourceSpans[0]!.resource);
    assert.equal(r0.scopeSpans[0]!.spans[0], t.resourceSpans[0]!.scopeSpans[0]!.spans[0]);
    r0.resource.attributes.push({ key: 'changed', value: { boolValue: true } });
    r0.scopeSpans[0]!.scope.name = 'changed';
    assert.deepEqual(r1.resource, resource({ host: 'a' }));
    assert.equal(r1.scopeSpans[0]!.scope.name, 's');
    assert.equal(spanCount(t), 3, 'the input is not changed');
  });

  await suite.test('keeps resources and scopes that hold no spans', () => {
    const t = mergeTraces([
      traces(spans('1', '2')),
      { resourceSpans: [{ resource: resource({ e: 1 }), scopeSpans: [], schemaUrl: '' }] },
    ]);
    t.resourceSpans[0]!.scopeSpans.push({ scope: scope('empty'), schemaUrl: '', spans: [] });
    const pieces = splitTraces(t, 1);
    assert.equal(pieces.length, 2);
    const all = mergeTraces(pieces);
    assert.ok(all.resourceSpans.some((r) => r.scopeSpans.some((s) => s.scope.name === 'empty')));
    assert.ok(all.resourceSpans.some((r) => r.resource.attributes[0]?.key === 'e'));
  });

  await suite.test('preserves every span and its order for any size', () => {
    const t = sample();
    for (let max = 1; max <= 6; max++) {
      const pieces = splitData('traces', t, max);
      assert.deepEqual(pieces.flatMap(spanNames), ['a1', 'a2', 'a3', 'b1', 'b2'], `max ${max}`);
      assert.equal(pieces.length, Math.ceil(5 / max));
      for (const p of pieces) assert.ok(spanCount(p) <= max && spanCount(p) > 0);
    }
  });
});

await test('splitLogs', async (suite) => {
  await suite.test('splits by log record, keeping resource and scope', () => {
    const ld = logs(
      ['a', 'b', 'c'].map((severityText) => logRecord({ severityText })),
      resource({ svc: 'x' }),
      scope('lib'),
    );
    const pieces = splitLogs(ld, 2);
    const texts = pieces.map((p) => {
      const out: string[] = [];
      forEachLogRecord(p, (r, s, res) => {
        assert.equal(s.scope.name, 'lib');
        assert.deepEqual(res.resource, resource({ svc: 'x' }));
        out.push(r.severityText);
      });
      return out;
    });
    assert.deepEqual(texts, [['a', 'b'], ['c']]);
    const [p0, p1] = pieces as [Logs, Logs];
    assert.notEqual(p0.resourceLogs[0]!.resource, p1.resourceLogs[0]!.resource);
    assert.equal(splitData('logs', ld, 1).length, 3);
  });
});

const base = { attributes: [], startTimeUnixNano: 0n, flags: 0 };
const histPoint = (t: bigint): HistogramDataPoint => ({
  ...base,
  timeUnixNano: t,
  count: 2,
  sum: 3,
  bucketCounts: [1, 1],
  explicitBounds: [1],
  exemplars: [],
});
const expPoint = (t: bigint): ExponentialHistogramDataPoint => ({
  ...base,
  timeUnixNano: t,
  count: 1,
  scale: 2,
  zeroCount: 0,
  zeroThreshold: 0,
  positive: { offset: 0, bucketCounts: [1] },
  negative: { offset: 0, bucketCounts: [] },
  exemplars: [],
});
const summaryPoint = (t: bigint): SummaryDataPoint => ({
  ...base,
  timeUnixNano: t,
  count: 1,
  sum: 1,
  quantileValues: [],
});

/** One metric of each type with three points each, at times 1..3. */
function everyType(): Metric[] {
  const meta = () => [{ key: 'm', value: { stringValue: 'v' } }];
  const common = (name: string) => ({ name, description: `${name} desc`, unit: 'By', metadata: meta() });
  const nums = () => [1n, 2n, 3n].map((t) => numberPoint(Number(t), t));
  const ts = [1n, 2n, 3n];
  return [
    metric({ ...common('g'), gauge: { dataPoints: nums() } }),
    metric({
      ...common('s'),
      sum: { dataPoints: nums(), aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true },
    }),
    metric({
      ...common('h'),
      histogram: { dataPoints: ts.map(histPoint), aggregationTemporality: AggregationTemporality.CUMULATIVE },
    }),
    metric({
      ...common('e'),
      exponentialHistogram: { dataPoints: ts.map(expPoint), aggregationTemporality: AggregationTemporality.DELTA },
    }),
    metric({ ...common('q'), summary: { dataPoints: ts.map(summaryPoint) } }),
  ];
}

const pointIds = (md: Metrics) => {
  const out: string[] = [];
  forEachMetric(md, (m) => {
    for (const p of dataPointsOf(m)) out.push(`${m.name}${p.timeUnixNano}`);
  });
  return out;
};

await test('splitMetrics', async (suite) => {
  await suite.test('splits every point type at a boundary into metrics with the same fields', () => {
    for (const m of everyType()) {
      const md = metrics([m], resource({ host: 'h' }), scope('lib'));
      const pieces = splitMetrics(md, 2);
      assert.deepEqual(pieces.map(pointIds), [[`${m.name}1`, `${m.name}2`], [`${m.name}3`]], m.name);
      const [a, b] = pieces.map((p) => p.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!) as [Metric, Metric];
      for (const part of [a, b]) {
        const { gauge: _g, sum: _s, histogram: _h, exponentialHistogram: _e, summary: _q, ...fields } = part;
        const { gauge: _g2, sum: _s2, histogram: _h2, exponentialHistogram: _e2, summary: _q2, ...want } = m;
        assert.deepEqual(fields, want, m.name);
        const typeKey = (['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const).find((k) => m[k]);
        assert.ok(typeKey && part[typeKey], `${m.name} keeps its type`);
        const { dataPoints: _p, ...rest } = part[typeKey];
        const { dataPoints: _p2, ...restWant } = m[typeKey]!;
        assert.deepEqual(rest, restWant, `${m.name} keeps temporality and monotonicity`);
      }
      assert.notEqual(a, b);
      assert.notEqual(a.metadata, b.metadata);
      assert.notEqual(dataPointsOf(a), dataPointsOf(b));
      assert.equal(dataPointsOf(a)[0], dataPointsOf(m)[0], 'points are moved, not copied');
    }
  });

  await suite.test('preserves every point and its order across metrics and types for any size', () => {
    const md = mergeMetrics([metrics(everyType().slice(0, 3)), metrics(everyType().slice(3), resource({ r: 2 }))]);
    const want = pointIds(md);
    assert.equal(want.length, 15);
    for (let max = 1; max <= 16; max++) {
      const pieces = splitData('metrics', md, max);
      assert.deepEqual(pieces.flatMap(pointIds), want, `max ${max}`);
      assert.equal(pieces.length, Math.ceil(15 / max));
      for (const p of pieces) assert.ok(dataPointCount(p) <= max);
    }
  });

  await suite.test('moves metrics without points along with the piece being filled', () => {
    const md = metrics([
      metric({ name: 'a', gauge: { dataPoints: [numberPoint(1, 1n), numberPoint(2, 2n)] } }),
      metric({ name: 'empty' }),
      metric({ name: 'b', gauge: { dataPoints: [numberPoint(3, 3n)] } }),
    ]);
    const pieces = splitMetrics(md, 2);
    const names = pieces.map((p) =>
      p.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name))),
    );
    assert.deepEqual(names, [['a', 'empty'], ['b']]);
  });
});
