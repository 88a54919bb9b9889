// Bytes from the official OpenTelemetry JS metrics serializers, built from a real MeterProvider's collection, decode
// to what the SDK aggregated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { DataPoint, ExponentialHistogram, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { AggregationType, DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { KeyValue, Metric } from '../core/pdata/index.ts';
import { getAttribute, valueOf } from '../core/pdata/index.ts';
import { decodeRequest, decodeRequestJson } from './index.ts';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function collect() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'interop-metrics' }),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('interop-meter', '4.5.6', { schemaUrl: 'https://example.com/schema' });
  const requests = meter.createCounter('requests', {
    description: 'served requests',
    unit: '{request}',
    valueType: ValueType.INT,
  });
  requests.add(3, { route: '/a' });
  requests.add(4, { route: '/a' });
  requests.add(1, { route: '/b' });
  meter.createCounter('bytes', { unit: 'By' }).add(2.5);
  meter.createUpDownCounter('queue', { valueType: ValueType.INT }).add(-7);
  const latency = meter.createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
  for (const v of [5, 50, 500]) latency.record(v, { route: '/a' });
  const exp = meter.createHistogram('latency.exp', { unit: 's' });
  for (const v of [1, 4, 4.5, 1000]) exp.record(v);
  meter.createObservableGauge('temperature', { unit: 'Cel' }).addCallback((r) => r.observe(21.5, { room: 'lab' }));
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  return resourceMetrics;
}

const nanos = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const attrsOf = (kvs: KeyValue[]) => Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));

describe('official OTel JS metrics serializers → decodeRequest', async () => {
  const resourceMetrics = await collect();
  const decoded = decodeRequest('metrics', ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!);
  const sdkMetrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const ours = decoded.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
  const named = (name: string): Metric => ours.find((m) => m.name === name)!;

  it('gives the resource, scope, schema URL and every metric', () => {
    assert.equal(getAttribute(decoded.resourceMetrics[0]!.resource.attributes, 'service.name'), 'interop-metrics');
    const sm = decoded.resourceMetrics[0]!.scopeMetrics[0]!;
    assert.deepStrictEqual(
      [sm.scope.name, sm.scope.version, sm.schemaUrl],
      ['interop-meter', '4.5.6', 'https://example.com/schema'],
    );
    assert.deepStrictEqual(ours.map((m) => m.name).sort(), sdkMetrics.map((m) => m.descriptor.name).sort());
    assert.equal(ours.length, 6);
  });

  it('gives each metric the SDK descriptor, type, temporality and monotonicity', () => {
    const r = named('requests');
    assert.deepStrictEqual([r.description, r.unit], ['served requests', '{request}']);
    assert.deepStrictEqual([r.sum!.aggregationTemporality, r.sum!.isMonotonic], [2, true]);
    assert.equal(named('queue').sum!.isMonotonic, false);
    assert.equal(named('bytes').unit, 'By');
    assert.ok(named('latency').histogram);
    assert.ok(named('latency.exp').exponentialHistogram);
    assert.ok(named('temperature').gauge);
  });

  /** Every SDK point has a decoded point with the same attributes, times and value. */
  function checkPoints(
    sdk: MetricData,
    check: (ours: Record<string, unknown>, sdkPoint: DataPoint<unknown>) => void,
  ): void {
    const m = named(sdk.descriptor.name);
    const points = (m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram)!.dataPoints;
    assert.equal(points.length, sdk.dataPoints.length, sdk.descriptor.name);
    for (const p of sdk.dataPoints as DataPoint<unknown>[]) {
      const match = points.find((q) => JSON.stringify(attrsOf(q.attributes)) === JSON.stringify(p.attributes));
      assert.ok(match, `${sdk.descriptor.name} ${JSON.stringify(p.attributes)}`);
      assert.equal(match.startTimeUnixNano, nanos(p.startTime));
      assert.equal(match.timeUnixNano, nanos(p.endTime));
      check(match as unknown as Record<string, unknown>, p);
    }
  }

  it('gives sums and gauges their values, as int or double as the instrument declared', () => {
    for (const sdk of sdkMetrics.filter(
      (m) => m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE,
    )) {
      checkPoints(sdk, (p, s) => {
        if (sdk.descriptor.valueType === ValueType.INT)
          assert.deepStrictEqual([p.asInt, p.asDouble], [BigInt(s.value as number), undefined]);
        else assert.deepStrictEqual([p.asDouble, p.asInt], [s.value, undefined]);
      });
    }
    assert.deepStrictEqual(
      named('requests')
        .sum!.dataPoints.map((p) => p.asInt)
        .sort(),
      [1n, 7n],
    );
    assert.equal(named('queue').sum!.dataPoints[0]!.asInt, -7n);
    assert.equal(named('temperature').gauge!.dataPoints[0]!.asDouble, 21.5);
  });

  it('gives histograms their buckets, bounds, count, sum, min and max', () => {
    checkPoints(sdkMetrics.find((m) => m.descriptor.name === 'latency')!, (p, s) => {
      const v = s.value as Histogram;
      assert.deepStrictEqual(p.bucketCounts, v.buckets.counts);
      assert.deepStrictEqual(p.explicitBounds, v.buckets.boundaries);
      assert.deepStrictEqual([p.count, p.sum, p.min, p.max], [v.count, v.sum, v.min, v.max]);
    });
    assert.deepStrictEqual(named('latency').histogram!.dataPoints[0]!.bucketCounts, [1, 1, 1]);
  });

  it('gives exponential histograms their scale, zero count and bucket offsets and counts', () => {
    checkPoints(sdkMetrics.find((m) => m.descriptor.name === 'latency.exp')!, (p, s) => {
      const v = s.value as ExponentialHistogram;
      assert.deepStrictEqual(
        [p.count, p.sum, p.min, p.max, p.scale, p.zeroCount],
        [v.count, v.sum, v.min, v.max, v.scale, v.zeroCount],
      );
      assert.deepStrictEqual(p.positive, { offset: v.positive.offset, bucketCounts: v.positive.bucketCounts });
      assert.deepStrictEqual(p.negative, { offset: v.negative.offset, bucketCounts: v.negative.bucketCounts });
    });
    const p = named('latency.exp').exponentialHistogram!.dataPoints[0]!;
    assert.equal(p.count, 4);
    assert.ok(p.positive.bucketCounts.length > 1 && p.positive.offset !== 0, 'a real bucket layout, not just defaults');
  });

  it('decodes the official JSON of the same collection to the same data', () => {
    const text = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(resourceMetrics));
    assert.deepStrictEqual(decodeRequestJson('metrics', text), decoded);
  });
});
