// The exporter against a real Prometheus (Debian's 2.42, remote-write receiver on, exemplar storage on): every
// metric type arrives with the names, labels, values and timestamps the compatibility specification gives, what
// remote write 1.0 cannot carry is counted, staleness markers end a series, and a sample Prometheus refuses (out of
// order) costs only itself: the rest of its request is delivered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Metric } from '../../core/pdata/index.ts';
import {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  attributes,
  exemplar,
  fromHex,
  metric,
  metrics,
  numberPoint,
  resource,
  scope,
} from '../../core/pdata/index.ts';
import { FAST_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { eventually } from '../../test/helpers/hub.ts';
import type { Prometheus } from '../../test/helpers/prometheus.ts';
import { startPrometheus } from '../../test/helpers/prometheus.ts';
import { prometheusRemoteWriteFactory } from './factory.ts';

const NANOS = 1_000_000n;
const res = resource({
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'i-1',
  'host.name': 'h1',
});

function allTypes(tMs: number): Metric[] {
  const t = BigInt(tMs) * NANOS;
  const counterPoint = numberPoint(42n, t, attributes({ 'http.route': '/pay' }));
  counterPoint.exemplars.push(
    exemplar({
      asDouble: 1,
      timeUnixNano: t,
      traceId: fromHex('0af7651916cd43dd8448eb211c80319c'),
      spanId: fromHex('b7ad6b7169203331'),
    }),
  );
  return [
    metric({
      name: 'room.temperature',
      unit: 'Cel',
      gauge: { dataPoints: [numberPoint(21.5, t, attributes({ room: 'a.b' }))] },
    }),
    metric({
      name: 'http.requests',
      unit: '{request}',
      sum: { dataPoints: [counterPoint], aggregationTemporality: AggregationTemporality.CUMULATIVE, isMonotonic: true },
    }),
    metric({
      name: 'queue.depth',
      unit: '{item}',
      sum: {
        dataPoints: [numberPoint(7, t)],
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        isMonotonic: false,
      },
    }),
    metric({
      name: 'http.server.request.duration',
      unit: 's',
      histogram: {
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: [
          {
            attributes: [],
            startTimeUnixNano: 0n,
            timeUnixNano: t,
            count: 6,
            sum: 2.5,
            bucketCounts: [2, 3, 1],
            explicitBounds: [0.1, 1],
            exemplars: [],
            flags: 0,
          },
        ],
      },
    }),
    metric({
      name: 'rpc.latency',
      unit: 'ms',
      summary: {
        dataPoints: [
          {
            attributes: [],
            startTimeUnixNano: 0n,
            timeUnixNano: t,
            count: 5,
            sum: 100,
            quantileValues: [
              { quantile: 0.5, value: 10 },
              { quantile: 0.99, value: 40 },
            ],
            flags: 0,
          },
        ],
      },
    }),
    metric({
      name: 'bytes.sent',
      unit: 'By',
      sum: { dataPoints: [numberPoint(5, t)], aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true },
    }),
  ];
}

describe('prometheus_remote_write exporter against Prometheus 2.42', () => {
  let prom: Prometheus;
  before(async () => {
    prom = await startPrometheus(['exemplar-storage']);
  });
  after(() => prom.stop());

  it('writes every metric type with the specified names, labels, values and timestamps', async () => {
    const { exporter, telemetry } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: prom.writeUrl,
      external_labels: { site: 'plant-1' },
      retry_on_failure: FAST_RETRY,
    });
    const tMs = Date.now() - 5_000;
    try {
      await exporter.metrics.consume(metrics(allTypes(tMs), res, scope('lib', '1.0')));
    } finally {
      await exporter.shutdown?.();
    }
    const at = tMs / 1000;
    const one = async (q: string) => {
      const r = await prom.query(q, at);
      assert.equal(r.length, 1, `${q}: ${JSON.stringify(r)}\n${prom.logs()}`);
      return r[0]!;
    };
    const g = await one('room_temperature_celsius');
    assert.equal(g.value[1], '21.5');
    assert.equal(g.value[0], at);
    assert.deepEqual(g.metric, {
      __name__: 'room_temperature_celsius',
      room: 'a.b',
      job: 'shop/checkout',
      instance: 'i-1',
      otel_scope_name: 'lib',
      otel_scope_version: '1.0',
      site: 'plant-1',
    });
    assert.equal((await one('http_requests_total{http_route="/pay"}')).value[1], '42');
    assert.equal((await one('queue_depth')).value[1], '7');
    assert.equal((await one('http_server_request_duration_seconds_bucket{le="0.1"}')).value[1], '2');
    assert.equal((await one('http_server_request_duration_seconds_bucket{le="1"}')).value[1], '5');
    assert.equal((await one('http_server_request_duration_seconds_bucket{le="+Inf"}')).value[1], '6');
    assert.equal((await one('http_server_request_duration_seconds_sum')).value[1], '2.5');
    assert.equal((await one('http_server_request_duration_seconds_count')).value[1], '6');
    assert.equal((await one('rpc_latency_milliseconds{quantile="0.99"}')).value[1], '40');
    assert.equal((await one('rpc_latency_milliseconds_count')).value[1], '5');
    const info = await one('target_info');
    assert.deepEqual(info.metric, {
      __name__: 'target_info',
      host_name: 'h1',
      job: 'shop/checkout',
      instance: 'i-1',
      site: 'plant-1',
    });
    assert.deepEqual(await prom.query('bytes_sent_bytes_total', at), [], 'delta sums are left out');
    assert.equal(
      await telemetry.value('otelhub_exporter_prometheus_remote_write_dropped_points_total', {
        reason: 'delta_temporality',
      }),
      1,
    );
    const ex = JSON.stringify(await prom.exemplars('http_requests_total', at - 60, at + 60));
    assert.match(ex, /"trace_id":"0af7651916cd43dd8448eb211c80319c"/);
  });

  it('ends a series with a staleness marker for a point with no recorded value', async () => {
    const { exporter } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: prom.writeUrl,
      retry_on_failure: FAST_RETRY,
    });
    const t0 = Date.now() - 20_000;
    const point = (tMs: number, flags: number) => {
      const p = numberPoint(1, BigInt(tMs) * NANOS, attributes({ k: 'stale' }));
      p.flags = flags;
      return metrics([metric({ name: 'door.open', gauge: { dataPoints: [p] } })], res);
    };
    try {
      await exporter.metrics.consume(point(t0, 0));
      await exporter.metrics.consume(point(t0 + 5_000, FLAG_NO_RECORDED_VALUE));
    } finally {
      await exporter.shutdown?.();
    }
    assert.equal((await prom.query('door_open{k="stale"}', (t0 + 1_000) / 1000)).length, 1);
    assert.deepEqual(await prom.query('door_open{k="stale"}', (t0 + 6_000) / 1000), [], 'stale after the marker');
  });

  it('drops only the samples Prometheus refuses (out of order) and delivers the rest of their request', async () => {
    const { exporter, telemetry } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: prom.writeUrl,
      retry_on_failure: FAST_RETRY,
    });
    const now = Date.now() - 2_000;
    const gauge = (name: string, tMs: number) =>
      metric({ name, gauge: { dataPoints: [numberPoint(3, BigInt(tMs) * NANOS)] } });
    try {
      await exporter.metrics.consume(metrics([gauge('late.one', now)], res));
      // late.one at an older time than it already has: out of order; fresh.one is fine.
      await exporter.metrics.consume(metrics([gauge('late.one', now - 60_000), gauge('fresh.one', now)], res));
    } finally {
      await exporter.shutdown?.();
    }
    assert.equal((await prom.query('fresh_one', now / 1000)).length, 1);
    // One point refused on its own and dropped, counted; its request's other point delivered.
    assert.equal(await telemetry.value('otelhub_exporter_dropped_items_total'), 1);
  });

  it('keeps what it took in its wal while Prometheus is away, and sends it after a restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'otelhub-prw-wal-'));
    const tMs = Date.now() - 3_000;
    // A resource of its own: the target_info of `res` is at later times in this Prometheus already.
    const data = metrics(
      [metric({ name: 'wal.kept', gauge: { dataPoints: [numberPoint(9, BigInt(tMs) * NANOS)] } })],
      resource({ 'service.name': 'wal-test' }),
    );
    try {
      // Nothing listens on port 1: the export is taken (written to the wal) and cannot be sent.
      const first = await startExporter(prometheusRemoteWriteFactory, {
        endpoint: 'http://127.0.0.1:1/api/v1/write',
        wal: { directory },
        retry_on_failure: FAST_RETRY,
      });
      await first.exporter.metrics.consume(data);
      await first.exporter.shutdown?.();
      assert.deepEqual(await prom.query('wal_kept', tMs / 1000), []);
      const second = await startExporter(prometheusRemoteWriteFactory, {
        endpoint: prom.writeUrl,
        wal: { directory },
        retry_on_failure: FAST_RETRY,
      });
      try {
        await eventually(async () => (await prom.query('wal_kept', tMs / 1000)).length === 1, 'the wal replayed');
      } finally {
        await second.exporter.shutdown?.();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('leaves exponential histograms out, counted and said once, when Prometheus has native histograms off', async () => {
    const { exporter, telemetry, settings } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: prom.writeUrl,
      retry_on_failure: FAST_RETRY,
    });
    const tMs = Date.now() - 1_000;
    try {
      await exporter.metrics.consume(
        metrics(
          [
            expHistogram('latency.exp', tMs),
            metric({ name: 'beside.exp', gauge: { dataPoints: [numberPoint(4, BigInt(tMs) * NANOS)] } }),
          ],
          resource({ 'service.name': 'exp-off' }),
        ),
      );
      await exporter.metrics.consume(
        metrics([expHistogram('latency.exp', tMs + 1)], resource({ 'service.name': 'exp-off' })),
      );
    } finally {
      await exporter.shutdown?.();
    }
    assert.equal((await prom.query('beside_exp', tMs / 1000)).length, 1, 'the gauge beside it arrived');
    assert.equal(
      await telemetry.value('otelhub_exporter_prometheus_remote_write_dropped_points_total', {
        reason: 'exponential_histogram',
      }),
      2,
    );
    assert.equal(settings.logger.lines.filter((l) => /native histograms switched off/.test(String(l.msg))).length, 1);
  });

  it('writes exponential histograms as native histograms to a Prometheus that has them on', async () => {
    const native = await startPrometheus(['native-histograms']);
    const { exporter } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: native.writeUrl,
      retry_on_failure: FAST_RETRY,
    });
    const tMs = Date.now() - 1_000;
    try {
      await exporter.metrics.consume(metrics([expHistogram('latency.native', tMs)], res));
      const [r] = (await native.query('latency_native_seconds', tMs / 1000)) as unknown as {
        histogram: [number, { count: string; sum: string; buckets: [number, string, string, string][] }];
      }[];
      assert.ok(r, native.logs());
      assert.equal(r.histogram[1].count, '7');
      assert.equal(r.histogram[1].sum, '30');
      // Scale 0 (base 2): OpenTelemetry's bucket 0 is (1, 2]; the zero bucket holds 1.
      const byBounds = Object.fromEntries(r.histogram[1].buckets.map(([, lo, hi, n]) => [`${lo},${hi}`, n]));
      assert.deepEqual(
        { '1,2': byBounds['1,2'], '2,4': byBounds['2,4'], '4,8': byBounds['4,8'] },
        { '1,2': '1', '2,4': '2', '4,8': '3' },
      );
    } finally {
      await exporter.shutdown?.();
      await native.stop();
    }
  });
});

function expHistogram(name: string, tMs: number): Metric {
  return metric({
    name,
    unit: 's',
    exponentialHistogram: {
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPoints: [
        {
          attributes: [],
          startTimeUnixNano: 0n,
          timeUnixNano: BigInt(tMs) * NANOS,
          count: 7,
          sum: 30,
          scale: 0,
          zeroCount: 1,
          zeroThreshold: 0,
          positive: { offset: 0, bucketCounts: [1, 2, 3] },
          negative: { offset: 0, bucketCounts: [] },
          flags: 0,
          exemplars: [],
        },
      ],
    },
  });
}
