// preEncoded: a shared KeyValue written from the bytes kept on it must give exactly the bytes its fields give, in
// every message that holds attributes, and a copy of it that is changed must be written from its own fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyValue, KeyValue, Traces } from '../core/pdata/index.ts';
import { sampleTraces } from '../test/helpers/sample-data.ts';
import { decodeRequest, encodeRequest, preEncoded } from './index.ts';

const VALUES: AnyValue[] = [
  { stringValue: 'mqtt' },
  { stringValue: '' },
  { stringValue: 'ünïcödé and a lone surrogate \ud800' },
  { stringValue: 'x'.repeat(300) },
  { intValue: 0n },
  { intValue: 127n },
  { intValue: -1n },
  { intValue: 9_007_199_254_740_993n },
  { boolValue: true },
  { boolValue: false },
  { doubleValue: -0 },
  { bytesValue: new Uint8Array([0, 255, 7]) },
  { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2n }] } },
  { kvlistValue: { values: [{ key: 'inner', value: { boolValue: true } }] } },
];

const attributes = (): KeyValue[] => [
  ...VALUES.map((value, i) => ({ key: `k${i}`, value })),
  { key: '', value: { stringValue: 'empty key' } },
  { key: 'a long key '.repeat(20), value: { stringValue: 'v' } },
];

/** The sample traces with `attrs` on every span, event, link, resource and scope. */
function withAttributes(attrs: () => KeyValue[]): Traces {
  const t = sampleTraces();
  for (const rs of t.resourceSpans) {
    rs.resource.attributes = attrs();
    for (const ss of rs.scopeSpans) {
      ss.scope.attributes = attrs();
      for (const s of ss.spans) {
        s.attributes = attrs();
        for (const e of s.events) e.attributes = attrs();
        for (const l of s.links) l.attributes = attrs();
      }
    }
  }
  return t;
}

describe('preEncoded', () => {
  it('writes the bytes the KeyValue fields give, wherever attributes are', () => {
    const shared = attributes().map(preEncoded);
    const plain = encodeRequest('traces', withAttributes(attributes));
    const fromWire = encodeRequest(
      'traces',
      withAttributes(() => shared),
    );
    assert.deepEqual(Buffer.from(fromWire), Buffer.from(plain));
    assert.ok(decodeRequest('traces', fromWire).resourceSpans.length > 0);
  });

  it('leaves its bytes behind on a copy, so a changed copy is written from its own fields', () => {
    const kv = preEncoded({ key: 'messaging.system', value: { stringValue: 'mqtt' } });
    const changed = [
      { ...kv, value: { stringValue: 'kafka' } },
      structuredClone(kv),
      JSON.parse(JSON.stringify({ key: kv.key, value: kv.value })) as KeyValue,
    ];
    changed[1] = { ...(changed[1] as KeyValue), key: 'renamed' };
    const t = withAttributes(() => changed);
    const back = decodeRequest('traces', encodeRequest('traces', t));
    const span = back.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    assert.deepEqual(
      span?.attributes.map((a) => [a.key, a.value]),
      [
        ['messaging.system', { stringValue: 'kafka' }],
        ['renamed', { stringValue: 'mqtt' }],
        ['messaging.system', { stringValue: 'mqtt' }],
      ],
    );
    assert.deepEqual(Object.keys(kv), ['key', 'value']);
  });
});
