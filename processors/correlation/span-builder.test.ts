// The span of one message, attribute by attribute, against what the original exporter's process_publish set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, StatusCode, fromHex, toHex } from '../../core/pdata/index.ts';
import type { Correlation, RandomBytes, SpanOptions } from './span-builder.ts';
import { buildSpan, randomId, spanIds } from './span-builder.ts';
import { RECEIVED, TOPIC, attrList, eventList, msg } from '../../test/helpers/correlation-processor-harness.ts';
import type { RemoteParent } from './trace-context.ts';

const PAYLOAD = '{"correlationId":"abc-123"}';
// sha256sum of PAYLOAD and of the empty payload, computed outside Node.
const PAYLOAD_SHA = '9511e51807ea45a58a0014bc6a14588fbedd0e1a2dca111c02216886db8132fc';
const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const NOW = RECEIVED + 2_000_000n;
const LEGACY: SpanOptions = { fieldName: 'correlationId', semconv: { legacy: true, current: false } };
const correlated: Correlation = { kind: 'payload', id: 'abc-123' };

const messageAttrs = (opts: {
  qos: number;
  size: number;
  sha: string;
  retain?: boolean;
  dup?: boolean;
}): [string, unknown][] => [
  ['messaging.system', 'mqtt'],
  ['messaging.destination', TOPIC],
  ['messaging.destination_kind', 'topic'],
  ['messaging.operation', 'process'],
  ['messaging.mqtt.qos', BigInt(opts.qos)],
  ['messaging.mqtt.retain', opts.retain ?? false],
  ['messaging.mqtt.dup', opts.dup ?? false],
  ['messaging.message_payload_size_bytes', BigInt(opts.size)],
  ['messaging.message_payload_sha256', opts.sha],
  ['messaging.ack.required', opts.qos > 0],
];

describe('span of a message', () => {
  it('has the original attributes, in order, for a QoS 1 message with an ID', () => {
    const s = buildSpan(msg(PAYLOAD, { qos: 1 }), spanIds(undefined), correlated, LEGACY, NOW);
    assert.deepEqual(attrList(s.attributes), [
      ...messageAttrs({ qos: 1, size: PAYLOAD.length, sha: PAYLOAD_SHA }),
      ['correlation.id', 'abc-123'],
      ['correlation.generated', false],
      ['messaging.acknowledged', true],
    ]);
    assert.deepEqual(eventList(s.events), [['ack', { status: 'success' }]]);
    assert.equal(s.name, 'mqtt.receive');
    assert.equal(s.kind, SpanKind.INTERNAL);
    assert.deepEqual(s.status, { code: StatusCode.OK, message: '' });
    assert.equal(s.startTimeUnixNano, RECEIVED);
    assert.equal(s.endTimeUnixNano, NOW);
    assert.equal(s.events[0]?.timeUnixNano, NOW);
  });

  it('at QoS 0 needs no ack: ack.required and acknowledged false, no ack event; retain and dup as received', () => {
    const s = buildSpan(msg(PAYLOAD, { qos: 0, retain: true, dup: true }), spanIds(undefined), correlated, LEGACY, NOW);
    assert.deepEqual(attrList(s.attributes), [
      ...messageAttrs({ qos: 0, size: PAYLOAD.length, sha: PAYLOAD_SHA, retain: true, dup: true }),
      ['correlation.id', 'abc-123'],
      ['correlation.generated', false],
      ['messaging.acknowledged', false],
    ]);
    assert.deepEqual(s.events, []);
  });

  it('with a generated ID: correlation.generated true and an event saying why, before the ack event', () => {
    const gen: Correlation = { kind: 'generated', id: '6f1c2d4e-0000-4000-8000-000000000000', reason: 'empty_payload' };
    const s = buildSpan(msg('', { qos: 2 }), spanIds(undefined), gen, { ...LEGACY, fieldName: 'meta.id' }, NOW);
    assert.deepEqual(attrList(s.attributes), [
      ...messageAttrs({ qos: 2, size: 0, sha: EMPTY_SHA }),
      ['correlation.id', gen.id],
      ['correlation.generated', true],
      ['messaging.acknowledged', true],
    ]);
    assert.deepEqual(eventList(s.events), [
      ['correlation.generated', { reason: 'empty_payload', field_name: 'meta.id', value: gen.id }],
      ['ack', { status: 'success' }],
    ]);
    assert.equal(s.status.code, StatusCode.OK);
  });

  it('recording a drop: status ERROR, an exception event, no correlation attributes, ack event "dropped"', () => {
    const failed: Correlation = { kind: 'failed', reason: 'missing_field' };
    const s = buildSpan(msg('{"other":1}', { qos: 1 }), spanIds(undefined), failed, LEGACY, NOW);
    const message = 'correlation ID unavailable and generation disabled (missing_field)';
    assert.deepEqual(attrList(s.attributes), [
      ...messageAttrs({ qos: 1, size: 11, sha: '8b0bb7512fb6d1595c87b3604b48935021ab88233ea853246f5c244600a40929' }),
      ['messaging.acknowledged', true],
    ]);
    assert.deepEqual(s.status, { code: StatusCode.ERROR, message });
    assert.deepEqual(eventList(s.events), [
      ['exception', { 'exception.type': 'CorrelationError', 'exception.message': message }],
      ['ack', { status: 'dropped' }],
    ]);
  });

  it('with current semantic-convention names beside the legacy ones, or instead of them', () => {
    const m = msg(PAYLOAD, { qos: 1 });
    const both = buildSpan(
      m,
      spanIds(undefined),
      correlated,
      { ...LEGACY, semconv: { legacy: true, current: true } },
      NOW,
    );
    assert.deepEqual(
      attrList(both.attributes).map(([k]) => k),
      [
        'messaging.system',
        'messaging.destination',
        'messaging.destination_kind',
        'messaging.operation',
        'messaging.destination.name',
        'messaging.operation.type',
        'messaging.operation.name',
        'messaging.mqtt.qos',
        'messaging.mqtt.retain',
        'messaging.mqtt.dup',
        'messaging.message_payload_size_bytes',
        'messaging.message.body.size',
        'messaging.message_payload_sha256',
        'messaging.ack.required',
        'correlation.id',
        'correlation.generated',
        'messaging.acknowledged',
      ],
    );
    const current = buildSpan(
      m,
      spanIds(undefined),
      correlated,
      { ...LEGACY, semconv: { legacy: false, current: true } },
      NOW,
    );
    assert.deepEqual(attrList(current.attributes), [
      ['messaging.system', 'mqtt'],
      ['messaging.destination.name', TOPIC],
      ['messaging.operation.type', 'process'],
      ['messaging.operation.name', 'process'],
      ['messaging.mqtt.qos', 1n],
      ['messaging.mqtt.retain', false],
      ['messaging.mqtt.dup', false],
      ['messaging.message.body.size', BigInt(PAYLOAD.length)],
      ['messaging.message_payload_sha256', PAYLOAD_SHA],
      ['messaging.ack.required', true],
      ['correlation.id', 'abc-123'],
      ['correlation.generated', false],
      ['messaging.acknowledged', true],
    ]);
  });

  it('a root span: new random IDs, no parent, flags sampled | has-is-remote', () => {
    const a = buildSpan(msg(PAYLOAD), spanIds(undefined), correlated, LEGACY, NOW);
    const b = buildSpan(msg(PAYLOAD), spanIds(undefined), correlated, LEGACY, NOW);
    assert.equal(a.traceId.length, 16);
    assert.equal(a.spanId.length, 8);
    assert.notEqual(toHex(a.traceId), toHex(b.traceId));
    assert.notEqual(toHex(a.spanId), toHex(b.spanId));
    assert.equal(a.parentSpanId.length, 0);
    assert.equal(a.traceState, '');
    assert.equal(a.flags, 0x101);
  });

  it('a child of a remote parent: its trace ID, the parent span ID, tracestate, flags sampled | remote', () => {
    const parent: RemoteParent = {
      traceId: fromHex('0af7651916cd43dd8448eb211c80319c'),
      parentSpanId: fromHex('b7ad6b7169203331'),
      sampled: true,
      traceState: 'rojo=00f067aa0ba902b7',
    };
    const s = buildSpan(msg(PAYLOAD), spanIds(parent), correlated, LEGACY, NOW);
    assert.equal(toHex(s.traceId), '0af7651916cd43dd8448eb211c80319c');
    assert.equal(toHex(s.parentSpanId), 'b7ad6b7169203331');
    assert.notEqual(toHex(s.spanId), 'b7ad6b7169203331');
    assert.equal(s.traceState, 'rojo=00f067aa0ba902b7');
    assert.equal(s.flags, 0x301);
  });

  it('starts at the receive time, or at conversion when it is unknown (0), and never ends before it starts', () => {
    assert.equal(
      buildSpan(msg(PAYLOAD, { receivedUnixNano: 0n }), spanIds(undefined), correlated, LEGACY, NOW).startTimeUnixNano,
      NOW,
    );
    const ahead = buildSpan(msg(PAYLOAD, { receivedUnixNano: NOW + 5n }), spanIds(undefined), correlated, LEGACY, NOW);
    assert.equal(ahead.startTimeUnixNano, NOW + 5n);
    assert.equal(ahead.endTimeUnixNano, NOW + 5n);
  });
});

describe('span and trace IDs', () => {
  const zeros = (n: number): number[] => new Array<number>(n).fill(0);
  /** A random source that returns `draws` in turn, recording the sizes asked for. */
  const scripted = (...draws: number[][]) => {
    const asked: number[] = [];
    const random: RandomBytes = (n) => {
      asked.push(n);
      const next = draws.shift();
      assert.ok(next, 'more draws than scripted');
      assert.equal(next.length, n);
      return Uint8Array.from(next);
    };
    return { random, asked };
  };

  it('draws again when the random source gives all zeros, so no ID is all zero', () => {
    const one = [0, 0, 0, 0, 0, 0, 0, 1];
    const src = scripted(zeros(8), zeros(8), one);
    assert.deepEqual([...randomId(8, src.random)], one);
    assert.deepEqual(src.asked, [8, 8, 8]);
  });

  it('keeps the first draw that is not all zero', () => {
    const src = scripted([1, ...zeros(15)]);
    assert.equal(toHex(randomId(16, src.random)), '01000000000000000000000000000000');
    assert.deepEqual(src.asked, [16]);
  });

  it('a root span retries its trace ID and its span ID alike', () => {
    const trace = [...zeros(15), 2];
    const span = [3, 0, 0, 0, 0, 0, 0, 0];
    const src = scripted(zeros(16), trace, zeros(8), span);
    const ids = spanIds(undefined, src.random);
    assert.equal(toHex(ids.traceId), '00000000000000000000000000000002');
    assert.equal(toHex(ids.spanId), '0300000000000000');
    assert.deepEqual(src.asked, [16, 16, 8, 8]);
  });

  it('a child span draws only its span ID', () => {
    const parent: RemoteParent = {
      traceId: fromHex('0af7651916cd43dd8448eb211c80319c'),
      parentSpanId: fromHex('b7ad6b7169203331'),
      sampled: true,
      traceState: '',
    };
    const src = scripted(zeros(8), [0, 0, 0, 0, 0, 0, 0, 9]);
    const ids = spanIds(parent, src.random);
    assert.equal(ids.traceId, parent.traceId);
    assert.equal(toHex(ids.spanId), '0000000000000009');
    assert.deepEqual(src.asked, [8, 8]);
  });

  it('uses the crypto source by default: 8 and 16 bytes', () => {
    assert.equal(randomId(8).length, 8);
    assert.equal(randomId(16).length, 16);
  });
});
