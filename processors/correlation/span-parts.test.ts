// Spans made with shared pieces (nothing after the processor changes data) against spans made with pieces of their
// own: the same spans, and with pieces of their own nothing is shared.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Correlation, SpanOptions } from './span-builder.ts';
import { buildSpan, spanIds } from './span-builder.ts';
import { FRESH, sharedParts } from './span-parts.ts';
import { RECEIVED, attrList, msg } from '../../test/helpers/correlation-processor-harness.ts';

const NOW = RECEIVED + 1_000n;
const KINDS: Correlation[] = [
  { kind: 'payload', id: 'abc-123' },
  { kind: 'generated', id: '2f0e6a1c-0000-4000-8000-000000000001', reason: 'missing_field' },
  { kind: 'failed', reason: 'invalid_json' },
];
const SEMCONV: SpanOptions['semconv'][] = [
  { legacy: true, current: false },
  { legacy: false, current: true },
  { legacy: true, current: true },
];

describe('shared span parts', () => {
  it('make the same spans as pieces of their own, for every kind of message and naming', () => {
    const shared = sharedParts();
    for (const semconv of SEMCONV)
      for (const qos of [0, 1, 2] as const)
        for (const c of KINDS)
          for (const payload of ['{"correlationId":"abc-123"}', 'x'.repeat(5000)]) {
            const m = msg(payload, { qos, retain: qos === 2, dup: qos === 1 });
            const ids = spanIds(undefined);
            const opts = { fieldName: 'correlationId', semconv };
            // Twice with the shared pieces: the second span takes what the first made.
            buildSpan(m, ids, c, opts, NOW, shared);
            assert.deepEqual(buildSpan(m, ids, c, opts, NOW, shared), buildSpan(m, ids, c, opts, NOW, FRESH));
          }
  });

  it('date each consume ack event at its own time, and follow a change of topic', () => {
    const shared = sharedParts();
    const opts: SpanOptions = { fieldName: 'correlationId', semconv: { legacy: true, current: true } };
    const c = KINDS[0]!;
    const first = buildSpan(msg('{}', { topic: 'a' }), spanIds(undefined), c, opts, NOW, shared);
    const second = buildSpan(msg('{}', { topic: 'b' }), spanIds(undefined), c, opts, NOW + 1n, shared);
    const third = buildSpan(msg('{}', { topic: 'a' }), spanIds(undefined), c, opts, NOW + 1n, shared);
    assert.deepEqual(
      [first, second, third].map((s) => [s.events[0]?.timeUnixNano, attrList(s.attributes)[1]?.[1]]),
      [
        [NOW, 'a'],
        [NOW + 1n, 'b'],
        [NOW + 1n, 'a'],
      ],
    );
    assert.deepEqual(
      [first, second, third].map((s) => attrList(s.attributes).find(([k]) => k === 'messaging.destination.name')?.[1]),
      ['a', 'b', 'a'],
    );
  });

  it('of their own share no object between two spans', () => {
    const opts: SpanOptions = { fieldName: 'correlationId', semconv: { legacy: true, current: true } };
    const build = () => buildSpan(msg('{}'), spanIds(undefined), KINDS[0]!, opts, NOW, FRESH);
    const [a, b] = [build(), build()];
    a.attributes.forEach((kv, i) => {
      assert.notEqual(kv, b.attributes[i]);
      assert.notEqual(kv.value, b.attributes[i]?.value);
    });
    assert.notEqual(a.events, b.events);
    assert.notEqual(a.events[0], b.events[0]);
    assert.notEqual(a.events[0]?.attributes[0], b.events[0]?.attributes[0]);
    assert.notEqual(a.status, b.status);
    assert.notEqual(a.links, b.links);
  });
});
