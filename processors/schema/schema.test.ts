// The seed's example payloads, end to end through the processor: every field of the result.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import type { Metrics } from '../../core/pdata/index.ts';
import { AggregationTemporality, SeverityNumber } from '../../core/pdata/index.ts';
import { SCOPE_NAME } from './schema.ts';
import { RECEIVED, TOPIC, attrs, harness, msg, points } from '../../test/helpers/schema-processor-harness.ts';

// Verbatim from the AIO documentation (seed 000), timestamps included: 1754851200000000000 is above 2^53.
const SEED_METRICS = `{
  "metrics": [
    {
      "name": "temperature",
      "description": "The temperature reading from sensor",
      "type": "f64_gauge",
      "value": 72.5,
      "timestamp": 1754851200000000000,
      "attributes": [
        { "key": "factoryId", "value": "factory1" },
        { "key": "location", "value": "warehouse" }
      ]
    }
  ]
}`;

const SEED_LOGS = `{
  "logs": [
    {
      "value": "Device temperature sensor initialized",
      "level": "info",
      "timestamp": 1754851200000000000,
      "attributes": [
        { "key": "deviceId", "value": "sensor001" },
        { "key": "component", "value": "temperature-sensor" }
      ]
    }
  ]
}`;

describe('schema processor: the documented examples', () => {
  it('converts the metrics example into one gauge point with every field', async (t) => {
    const h = await harness(t, 'metrics', { resource_attributes: { 'service.name': 'gateway', site: 3 } });
    await h.send(msg(SEED_METRICS));
    assert.equal(h.sent.length, 1);
    const rm = (h.sent[0]!.data as Metrics).resourceMetrics;
    assert.equal(rm.length, 1);
    assert.deepEqual(attrs(rm[0]!.resource.attributes), {
      'service.name': 'gateway',
      site: 3n,
      'service.instance.id': hostname(),
    });
    assert.equal(rm[0]!.scopeMetrics[0]!.scope.name, SCOPE_NAME);
    const [m, ...rest] = h.metrics();
    assert.equal(rest.length, 0);
    assert.equal(m!.name, 'temperature');
    assert.equal(m!.description, 'The temperature reading from sensor');
    assert.equal(m!.unit, '');
    assert.ok(m!.gauge && !m!.sum && !m!.histogram);
    const [p] = points(m);
    assert.equal(p!.asDouble, 72.5);
    assert.equal(p!.asInt, undefined);
    assert.equal(p!.timeUnixNano, 1754851200000000000n);
    assert.equal(p!.startTimeUnixNano, 0n);
    assert.deepEqual(attrs(p!.attributes), { factoryId: 'factory1', location: 'warehouse', 'mqtt.topic': TOPIC });
    assert.equal(await h.converted(), 1);
    assert.equal(await h.dropped(), 0);
  });

  it('converts the logs example into one record with every field', async (t) => {
    const h = await harness(t, 'logs');
    await h.send(msg(SEED_LOGS));
    const [r, ...rest] = h.records();
    assert.equal(rest.length, 0);
    assert.deepEqual(r!.body, { stringValue: 'Device temperature sensor initialized' });
    assert.equal(r!.severityNumber, SeverityNumber.INFO);
    assert.equal(r!.severityText, 'info');
    assert.equal(r!.timeUnixNano, 1754851200000000000n);
    assert.equal(r!.observedTimeUnixNano, RECEIVED);
    assert.deepEqual(attrs(r!.attributes), {
      deviceId: 'sensor001',
      component: 'temperature-sensor',
      'mqtt.topic': TOPIC,
    });
    assert.equal(await h.converted(), 1);
  });

  it('maps every level, case-insensitively, keeping the text as written', async (t) => {
    const h = await harness(t, 'logs');
    const levels = ['trace', 'DEBUG', 'Info', 'warn', 'error', 'FATAL'];
    await h.send(msg({ logs: levels.map((level) => ({ value: level, level })) }));
    assert.deepEqual(
      h.records().map((r) => [r.severityText, r.severityNumber]),
      [
        ['trace', 1],
        ['DEBUG', 5],
        ['Info', 9],
        ['warn', 13],
        ['error', 17],
        ['FATAL', 21],
      ],
    );
  });

  it('converts a payload with both arrays in each pipeline, each taking its own', async (t) => {
    const both = `{"metrics":${SEED_METRICS.slice(SEED_METRICS.indexOf('['), SEED_METRICS.lastIndexOf(']') + 1)},"logs":${SEED_LOGS.slice(SEED_LOGS.indexOf('['), SEED_LOGS.lastIndexOf(']') + 1)}}`;
    const m = await harness(t, 'metrics');
    const l = await harness(t, 'logs');
    await m.send(msg(both));
    await l.send(msg(both));
    assert.equal(m.metrics().length, 1);
    assert.equal(l.records().length, 1);
    assert.equal((await m.dropped()) + (await l.dropped()), 0);
  });

  it('takes the receive time for a missing timestamp, and reads timestamps exactly in every form', async (t) => {
    const h = await harness(t, 'metrics');
    const g = (ts: string) => `{"name":"g","type":"i64_gauge","value":1${ts === '' ? '' : `,"timestamp":${ts}`}}`;
    await h.send(
      msg(
        `{"metrics":[${[g(''), g('18446744073709551615'), g('"1754851200000000001"'), g('1.754851200000000002e18'), g('0')].join(',')}]}`,
      ),
    );
    assert.deepEqual(
      points(h.metrics()[0]).map((p) => p.timeUnixNano),
      [RECEIVED, 18446744073709551615n, 1754851200000000001n, 1754851200000000002n, RECEIVED],
    );
  });

  it('keeps u64 and i64 values exact beyond 2^53', async (t) => {
    const h = await harness(t, 'metrics');
    await h.send(
      msg(
        '{"metrics":[{"name":"a","type":"u64_gauge","value":9223372036854775807},{"name":"b","type":"i64_gauge","value":-9223372036854775808}]}',
      ),
    );
    assert.deepEqual(
      h.metrics().map((m) => points(m)[0]?.asInt),
      [9223372036854775807n, -9223372036854775808n],
    );
  });

  it('groups points of one name and type into one metric, across the messages of one call, in one batch', async (t) => {
    const h = await harness(t, 'metrics');
    const one = (v: number) =>
      msg({
        metrics: [
          { name: 'temperature', type: 'f64_gauge', value: v },
          { name: 'count', type: 'u64_counter', value: 1 },
        ],
      });
    await h.proc.consume({ messages: [one(1), one(2), one(3)] }, { flush: true });
    assert.equal(h.sent.length, 1);
    assert.deepEqual(h.sent[0]!.ctx, { flush: true });
    const [temp, count] = h.metrics();
    assert.deepEqual(
      points(temp).map((p) => p.asDouble),
      [1, 2, 3],
    );
    assert.equal(count!.sum?.aggregationTemporality, AggregationTemporality.CUMULATIVE);
    assert.deepEqual(
      points(count).map((p) => p.asInt),
      [1n, 2n, 3n],
    );
    assert.equal(await h.converted(), 6);
  });
});
