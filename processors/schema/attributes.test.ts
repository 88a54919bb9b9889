// Attributes from the item, the topic and MQTT v5 user properties; the static resource; the user's own schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { attrs, harness, msg, points } from '../../test/helpers/schema-processor-harness.ts';

const testdata = (f: string) => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url));
const gauge = (attributes: { key: string; value: string }[] = []) => ({
  name: 'g',
  type: 'f64_gauge',
  value: 1,
  attributes,
});
const userProperties: [string, string][] = [
  ['site', 'berlin'],
  ['line', '4'],
  ['site', 'ignored'],
  ['secret', 'x'],
];

describe('schema processor: attributes', () => {
  it('adds the topic and the chosen user properties (first value of a repeated one), and nothing else', async (t) => {
    const h = await harness(t, 'metrics', { user_properties: ['site', 'line', 'absent'] });
    await h.send(msg({ metrics: [gauge([{ key: 'sensor', value: 's1' }])] }, { properties: { userProperties } }));
    assert.deepEqual(attrs(points(h.metrics()[0])[0]!.attributes), {
      sensor: 's1',
      'mqtt.topic': 'factory/line1/telemetry',
      site: 'berlin',
      line: '4',
    });
  });

  it('lets the item own attribute win over the message, and the last of a repeated item key win', async (t) => {
    const h = await harness(t, 'logs', { user_properties: ['site'] });
    await h.send(
      msg(
        {
          logs: [
            {
              value: 'v',
              level: 'info',
              attributes: [
                { key: 'site', value: 'from-item' },
                { key: 'k', value: '1' },
                { key: 'k', value: '2' },
                { key: 'mqtt.topic', value: 'mine' },
              ],
            },
          ],
        },
        { properties: { userProperties } },
      ),
    );
    assert.deepEqual(attrs(h.records()[0]!.attributes), { site: 'from-item', k: '2', 'mqtt.topic': 'mine' });
  });

  it('orders and deduplicates a long attribute list (over 16) as it does a short one', async (t) => {
    const h = await harness(t, 'metrics', {});
    const items = (n: number) => [
      { key: 'k', value: '1' },
      ...Array.from({ length: n }, (_, i) => ({ key: `f${i}`, value: String(i) })),
      { key: 'k', value: '2' },
      { key: 'mqtt.topic', value: 'mine' },
    ];
    for (const n of [1, 30]) {
      await h.send(msg({ metrics: [gauge(items(n))] }));
      const got = points(h.metrics().at(-1))[0]!.attributes.map((a) => [
        a.key,
        'stringValue' in a.value && a.value.stringValue,
      ]);
      assert.deepEqual(got, [
        ['k', '2'],
        ...Array.from({ length: n }, (_, i) => [`f${i}`, String(i)]),
        ['mqtt.topic', 'mine'],
      ]);
    }
  });

  it('uses a chosen topic attribute name, or none at all', async (t) => {
    const named = await harness(t, 'metrics', { topic_attribute: 'messaging.destination.name' });
    const none = await harness(t, 'metrics', { topic_attribute: '' });
    await named.send(msg({ metrics: [gauge()] }));
    await none.send(msg({ metrics: [gauge()] }));
    assert.deepEqual(attrs(points(named.metrics()[0])[0]!.attributes), {
      'messaging.destination.name': 'factory/line1/telemetry',
    });
    assert.deepEqual(points(none.metrics()[0])[0]!.attributes, []);
  });

  it('gives every point its own attribute list (a mutating processor downstream must not change its neighbours)', async (t) => {
    const h = await harness(t, 'metrics');
    await h.send(msg({ metrics: [gauge(), gauge()] }));
    const [a, b] = points(h.metrics()[0]);
    assert.notEqual(a!.attributes, b!.attributes);
    assert.notEqual(a!.attributes[0], b!.attributes[0]);
  });
});

describe('schema processor: json_schema_file', () => {
  it('applies the user schema to the whole payload first; a failure drops the message as custom_schema with its path', async (t) => {
    const h = await harness(t, 'metrics', { json_schema_file: testdata('custom-schema.json') });
    await h.send(
      msg({ site: 'berlin', metrics: [gauge()] }),
      msg({ metrics: [gauge()] }),
      msg({ site: '', metrics: [gauge()] }),
    );
    assert.equal(points(h.metrics()[0]).length, 1);
    assert.equal(await h.dropped('custom_schema'), 2);
    const line = h.dropLines()[0]!;
    assert.equal(line.path, '/site');
    assert.equal(line.reason, 'custom_schema');
  });

  it('still applies the built-in checks after the user schema', async (t) => {
    const h = await harness(t, 'logs', { json_schema_file: testdata('custom-schema.json') });
    await h.send(
      msg({
        site: 'berlin',
        logs: [
          { value: 'x', level: 'loud' },
          { value: 'y', level: 'warn' },
        ],
      }),
    );
    assert.equal(h.records().length, 1);
    assert.equal(await h.dropped('unknown_level'), 1);
  });
});
