// Invalid input: each bad item (or unreadable message) is dropped and counted by reason, its valid siblings go on,
// and the drops are logged rate-limited with the topic and the JSON path, never the payload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, msg, points } from '../../test/helpers/schema-processor-harness.ts';

const good = { name: 'ok', type: 'f64_gauge', value: 1 };

// Each bad metric sits between two good ones: [good, bad, good], so its path is /metrics/1/...
const BAD_METRICS: [string, string, string][] = [
  ['u64 negative', '{"name":"x","type":"u64_counter","value":-1}', 'invalid_value:/metrics/1/value'],
  ['u64 gauge negative', '{"name":"x","type":"u64_gauge","value":-5}', 'invalid_value:/metrics/1/value'],
  ['i64 fractional', '{"name":"x","type":"i64_gauge","value":1.5}', 'invalid_value:/metrics/1/value'],
  [
    'u64 fractional, hidden by double rounding',
    '{"name":"x","type":"u64_gauge","value":1.0000000000000000001}',
    'invalid_value:/metrics/1/value',
  ],
  [
    'u64 above int64 (OTLP asInt is signed)',
    '{"name":"x","type":"u64_counter","value":9223372036854775808}',
    'invalid_value:/metrics/1/value',
  ],
  [
    'i64 below int64',
    '{"name":"x","type":"i64_up_down_counter","value":-9223372036854775809}',
    'invalid_value:/metrics/1/value',
  ],
  ['f64 counter negative', '{"name":"x","type":"f64_counter","value":-0.5}', 'invalid_value:/metrics/1/value'],
  ['f64 overflowing to Infinity', '{"name":"x","type":"f64_gauge","value":1e400}', 'invalid_value:/metrics/1/value'],
  ['non-numeric value', '{"name":"x","type":"f64_gauge","value":"72.5"}', 'invalid_value:/metrics/1/value'],
  ['null value', '{"name":"x","type":"f64_gauge","value":null}', 'invalid_value:/metrics/1/value'],
  ['missing value', '{"name":"x","type":"f64_gauge"}', 'invalid_schema:/metrics/1/value'],
  ['missing name', '{"type":"f64_gauge","value":1}', 'invalid_schema:/metrics/1/name'],
  ['empty name', '{"name":"","type":"f64_gauge","value":1}', 'invalid_schema:/metrics/1/name'],
  ['unknown type', '{"name":"x","type":"f64_summary","value":1}', 'unknown_metric_type:/metrics/1/type'],
  ['type of the wrong case', '{"name":"x","type":"F64_GAUGE","value":1}', 'unknown_metric_type:/metrics/1/type'],
  ['type not a string', '{"name":"x","type":7,"value":1}', 'invalid_schema:/metrics/1/type'],
  [
    'attribute value not a string',
    '{"name":"x","type":"f64_gauge","value":1,"attributes":[{"key":"a","value":3}]}',
    'invalid_schema:/metrics/1/attributes/0/value',
  ],
  [
    'attributes not a list',
    '{"name":"x","type":"f64_gauge","value":1,"attributes":{"a":"b"}}',
    'invalid_schema:/metrics/1/attributes',
  ],
  ['item not an object', '42', 'invalid_schema:/metrics/1'],
  [
    'negative timestamp',
    '{"name":"x","type":"f64_gauge","value":1,"timestamp":-1}',
    'invalid_timestamp:/metrics/1/timestamp',
  ],
  [
    'fractional timestamp',
    '{"name":"x","type":"f64_gauge","value":1,"timestamp":1754851200000000000.5}',
    'invalid_timestamp:/metrics/1/timestamp',
  ],
  [
    'timestamp beyond 2^64',
    '{"name":"x","type":"f64_gauge","value":1,"timestamp":18446744073709551616}',
    'invalid_timestamp:/metrics/1/timestamp',
  ],
  [
    'date string timestamp',
    '{"name":"x","type":"f64_gauge","value":1,"timestamp":"2025-08-10T18:40:00Z"}',
    'invalid_timestamp:/metrics/1/timestamp',
  ],
  [
    'boolean timestamp',
    '{"name":"x","type":"f64_gauge","value":1,"timestamp":true}',
    'invalid_timestamp:/metrics/1/timestamp',
  ],
];

const BAD_LOGS: [string, string, string][] = [
  ['unknown level', '{"value":"x","level":"warning"}', 'unknown_level:/logs/1/level'],
  ['missing level', '{"value":"x"}', 'invalid_schema:/logs/1/level'],
  ['body not a string', '{"value":{"text":"x"},"level":"info"}', 'invalid_value:/logs/1/value'],
  ['bad timestamp', '{"value":"x","level":"info","timestamp":"soon"}', 'invalid_timestamp:/logs/1/timestamp'],
];

describe('schema processor: invalid items', () => {
  for (const [what, bad, expected] of BAD_METRICS) {
    it(`drops a metric item: ${what}; its siblings survive`, async (t) => {
      const h = await harness(t, 'metrics');
      await h.send(msg(`{"metrics":[${JSON.stringify(good)},${bad},${JSON.stringify({ ...good, value: 2 })}]}`));
      const [reason, path] = expected.split(':') as [string, string];
      assert.deepEqual(
        points(h.metrics()[0]).map((p) => p.asDouble),
        [1, 2],
      );
      assert.equal(await h.dropped(reason), 1);
      assert.equal(await h.dropped(), 1);
      const line = h.dropLines()[0]!;
      assert.equal(line.reason, reason);
      assert.equal(line.path, path);
      assert.equal(line.topic, 'factory/line1/telemetry');
    });
  }

  for (const [what, bad, expected] of BAD_LOGS) {
    it(`drops a log item: ${what}; its siblings survive`, async (t) => {
      const h = await harness(t, 'logs');
      await h.send(msg(`{"logs":[{"value":"a","level":"info"},${bad},{"value":"b","level":"info"}]}`));
      const [reason, path] = expected.split(':') as [string, string];
      assert.deepEqual(
        h.records().map((r) => r.body),
        [{ stringValue: 'a' }, { stringValue: 'b' }],
      );
      assert.equal(await h.dropped(reason), 1);
      assert.equal(h.dropLines()[0]!.path, path);
    });
  }
});

describe('schema processor: unreadable messages', () => {
  const cases: [string, string | Uint8Array, string, string][] = [
    ['not UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'not_utf8', ''],
    ['not JSON', '{"metrics":[', 'invalid_json', ''],
    ['empty', '', 'invalid_json', ''],
    ['not an object', '[{"name":"x","type":"f64_gauge","value":1}]', 'invalid_schema', ''],
    ['neither metrics nor logs', '{"measurements":[]}', 'invalid_schema', ''],
    ['metrics not a list', '{"metrics":{"name":"x"}}', 'invalid_schema', '/metrics'],
  ];
  for (const [what, payload, reason, path] of cases) {
    it(`drops a message that is ${what}, settles it at once, and the next message in the call survives`, async (t) => {
      const h = await harness(t, 'metrics');
      await h.send(msg(payload), msg({ metrics: [good] }));
      assert.equal(await h.dropped(reason), 1);
      assert.equal(h.dropLines()[0]!.path, path);
      assert.equal(h.metrics().length, 1);
    });
  }

  it('resolves a message with nothing valid without calling downstream', async (t) => {
    const h = await harness(t, 'metrics');
    h.fail(new Error('downstream must not be called'));
    await h.send(
      msg('nope'),
      msg({ metrics: [{ name: 'x', type: 'nope', value: 1 }] }),
      msg({ metrics: [] }),
      msg({ logs: [{ value: 'x', level: 'info' }] }),
    );
    assert.equal(await h.dropped(), 2);
    assert.equal(h.sent.length, 0);
  });

  it('judges only its own array: bad logs do not stop the metrics, and are not counted by the metrics pipeline', async (t) => {
    const m = await harness(t, 'metrics');
    const l = await harness(t, 'logs');
    const payload = { metrics: [good], logs: 'not a list' };
    await m.send(msg(payload));
    await l.send(msg(payload));
    assert.equal(m.metrics().length, 1);
    assert.equal(await m.dropped(), 0);
    assert.equal(await l.dropped('invalid_schema'), 1);
  });

  it('never logs the payload, and logs hundreds of drops as a handful of lines', async (t) => {
    const h = await harness(t, 'metrics');
    const secret = 'hunter2-secret-value';
    for (let i = 0; i < 300; i++)
      await h.send(
        msg(`{"metrics":[{"name":"${secret}","type":"${secret}","value":1}]} trailing ${secret}`),
        msg({ metrics: [{ name: secret, type: 'bad', value: 1 }] }),
      );
    assert.equal(await h.dropped(), 600);
    assert.ok(h.dropLines().length <= 3, `${h.dropLines().length} lines`);
    // Shutdown logs what the window summed so far.
    await h.proc.shutdown?.();
    const lines = h.settings.logger.lines.filter((l) => String(l.msg).includes('dropped'));
    assert.ok(lines.length >= 2 && lines.length <= 3, JSON.stringify(lines));
    assert.deepEqual(lines.at(-1)!.reasons, { invalid_json: 299, unknown_metric_type: 300 });
    assert.ok(!JSON.stringify(h.settings.logger.lines).includes(secret));
  });
});
