// The processor over whole consume calls: one batch per call, correlation outcomes counted, drops reported,
// trace context joined, sampling. (settlement.test.ts: how the call settles.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../../core/pdata/index.ts';
import { StatusCode, getAttribute, setAttribute, toHex, valueOf } from '../../core/pdata/index.ts';
import { sampleMessages } from '../../test/helpers/sample-data.ts';
import { otelhubVersion } from '../../core/version.ts';
import { harness, msg, withTraceContext } from '../../test/helpers/correlation-processor-harness.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const sampledParent = `00-${TRACE}-b7ad6b7169203331-01`;
const unsampledParent = `00-${TRACE}-b7ad6b7169203331-00`;

describe('correlation processor', () => {
  it('sends one batch per call: one span per message, one resource and scope, the context passed on', async (t) => {
    const h = await harness(t);
    await h.proc.consume(
      { messages: [msg({ correlationId: 'a' }), msg({ correlationId: 'b' })] },
      { flush: true, transport: 'mqtt' },
    );
    assert.equal(h.sent.length, 1);
    assert.deepEqual(h.sent[0]!.ctx, { flush: true, transport: 'mqtt' });
    const data = h.sent[0]!.data as Traces;
    assert.equal(data.resourceSpans.length, 1);
    const rs = data.resourceSpans[0]!;
    assert.deepEqual(
      rs.resource.attributes.map((kv) => [kv.key, valueOf(kv.value)]),
      [['service.name', 'otelhub']],
    );
    assert.equal(rs.scopeSpans.length, 1);
    assert.equal(rs.scopeSpans[0]!.scope.name, 'otelhub/correlation');
    assert.equal(rs.scopeSpans[0]!.scope.version, otelhubVersion());
    assert.match(otelhubVersion(), /^\d+\.\d+\.\d+/);
    assert.deepEqual(
      h.spans().map((s) => getAttribute(s.attributes, 'correlation.id')),
      ['a', 'b'],
    );
    assert.equal(await h.outcome('correlated'), 2);
  });

  it('uses the configured field, scope and resource', async (t) => {
    const h = await harness(t, {
      field_name: 'meta.trace.id',
      scope_name: 'mqtt-otel-trace-exporter',
      resource_attributes: { 'service.name': 'gw', 'site.number': 3 },
    });
    await h.send(
      msg({ meta: { trace: { id: '12345678901234567890' } } }),
      msg('{"meta":{"trace":{"id":12345678901234567890}}}'),
    );
    assert.deepEqual(
      h.spans().map((s) => getAttribute(s.attributes, 'correlation.id')),
      ['12345678901234567890', '12345678901234567890'],
    );
    const rs = (h.sent[0]!.data as Traces).resourceSpans[0]!;
    assert.deepEqual(
      rs.resource.attributes.map((kv) => [kv.key, valueOf(kv.value)]),
      [
        ['service.name', 'gw'],
        ['site.number', 3n],
      ],
    );
    assert.equal(rs.scopeSpans[0]!.scope.name, 'mqtt-otel-trace-exporter');
  });

  it('generates a UUID v4 when the payload has no ID, counting why', async (t) => {
    const h = await harness(t);
    await h.send(msg(''), msg('not json'), msg({ other: 1 }), msg({ correlationId: [1] }), msg(new Uint8Array([0xff])));
    const spans = h.spans();
    assert.equal(spans.length, 5);
    for (const s of spans) {
      const id = getAttribute(s.attributes, 'correlation.id');
      assert.ok(typeof id === 'string', 'correlation.id is a string');
      assert.match(id, UUID_V4);
      assert.equal(getAttribute(s.attributes, 'correlation.generated'), true);
      assert.equal(s.status.code, StatusCode.OK);
    }
    assert.deepEqual(
      spans.map((s) => valueOf(s.events[0]?.attributes[0]?.value)),
      ['empty_payload', 'invalid_json', 'missing_field', 'unsupported_type', 'invalid_utf8'],
    );
    assert.equal(await h.outcome('generated'), 5);
    for (const reason of ['empty_payload', 'invalid_json', 'missing_field', 'unsupported_type', 'invalid_utf8'])
      assert.equal(await h.generated(reason), 1, reason);
    assert.equal(await h.dropped(), 0);
  });

  it('with allow_generated false drops such a message as invalid: counted, logged rate-limited, still a span', async (t) => {
    const h = await harness(t, { allow_generated: false });
    await h.send(msg({ other: 'secret-value' }), msg({ correlationId: 'ok' }), msg(''));
    const spans = h.spans();
    assert.equal(spans.length, 3);
    assert.equal(spans[0]!.status.code, StatusCode.ERROR);
    assert.equal(spans[0]!.status.message, 'correlation ID unavailable and generation disabled (missing_field)');
    assert.equal(getAttribute(spans[0]!.attributes, 'correlation.id'), undefined);
    assert.equal(spans[1]!.status.code, StatusCode.OK);
    assert.equal(await h.dropped('missing_field'), 1);
    assert.equal(await h.dropped('empty_payload'), 1);
    assert.equal(await h.outcome('failed'), 2);
    assert.equal(await h.outcome('correlated'), 1);
    assert.equal(await h.generated(), 0);
    // The first drop of the window is logged at once; the second waits for the window's summary.
    const lines = h.dropLines();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.reason, 'missing_field');
    assert.equal(lines[0]!.topic, 'factory/line1/telemetry');
    assert.ok(!JSON.stringify(h.settings.logger.lines).includes('secret-value'), 'the payload is never logged');
    await h.proc.shutdown?.();
    assert.equal(h.dropLines().length, 2);
  });

  it('samples a dropped message for the console: reason, topic and its payload, redacted', async (t) => {
    const h = await harness(t, { allow_generated: false });
    const samples = h.settings.telemetry.inspector.drops;
    samples.configure({
      per_reason: 3,
      max_bytes: 100_000,
      payload_bytes: 256,
      payloads: true,
      redact_keys: ['token'],
    });
    await h.send(msg({ token: 'secret-value', other: 1 }));
    const [group, ...rest] = samples.list();
    assert.equal(rest.length, 0);
    assert.equal(group!.component, 'processor:correlation/test@traces');
    assert.equal(group!.reason, 'missing_field');
    const [sample] = group!.samples;
    assert.deepEqual(sample!.origin, { topic: 'factory/line1/telemetry' });
    assert.equal(sample!.detail, 'correlation ID unavailable and generation disabled (missing_field)');
    assert.match(String(sample!.payload), /"other":1/);
    assert.doesNotMatch(String(sample!.payload), /secret-value/);
  });

  it('joins the trace context of the message', async (t) => {
    const h = await harness(t, { sampling_ratio: 0 });
    await h.send(withTraceContext(msg({ correlationId: 'x' }), sampledParent, 'rojo=00f067aa0ba902b7'));
    const [s] = h.spans();
    assert.equal(toHex(s!.traceId), TRACE);
    assert.equal(toHex(s!.parentSpanId), 'b7ad6b7169203331');
    assert.equal(s!.traceState, 'rojo=00f067aa0ba902b7');
    assert.equal(s!.flags, 0x301);
  });

  it('with trace_context false starts a new trace whatever the message carries', async (t) => {
    const h = await harness(t, { trace_context: false });
    await h.send(withTraceContext(msg({ correlationId: 'x' }), unsampledParent, 'a=1'));
    const [s] = h.spans();
    assert.notEqual(toHex(s!.traceId), TRACE);
    assert.equal(s!.parentSpanId.length, 0);
    assert.equal(s!.traceState, '');
    assert.equal(s!.flags, 0x101);
  });

  it('leaves out messages whose parent was not sampled, and sends the rest', async (t) => {
    const h = await harness(t);
    await h.send(
      msg({ correlationId: 'a' }),
      withTraceContext(msg({ correlationId: 'b' }), unsampledParent),
      msg({ correlationId: 'c' }),
    );
    assert.deepEqual(
      h.spans().map((s) => getAttribute(s.attributes, 'correlation.id')),
      ['a', 'c'],
    );
    assert.equal(await h.outcome('sampled_out'), 1);
    assert.equal(await h.outcome('correlated'), 2);
  });

  it('resolves without calling downstream when every message is sampled out', async (t) => {
    const h = await harness(t, { sampling_ratio: 0 });
    await h.send(msg({ correlationId: 'a' }), msg(''));
    assert.equal(h.sent.length, 0);
    assert.equal(await h.outcome('sampled_out'), 2);
    assert.equal(await h.generated(), 0);
  });

  it('still counts an invalid message as dropped when it is sampled out', async (t) => {
    const h = await harness(t, { sampling_ratio: 0, allow_generated: false });
    await h.send(msg(''), msg({ correlationId: 'a' }));
    assert.equal(h.sent.length, 0);
    assert.equal(await h.dropped('empty_payload'), 1);
    assert.equal(await h.outcome('sampled_out'), 2);
    assert.equal(await h.outcome('failed'), 0);
  });

  it('keeps about the configured share of new traces', async (t) => {
    const h = await harness(t, { sampling_ratio: 0.5 });
    const n = 4000;
    await h.send(...Array.from({ length: n }, (_, i) => msg({ correlationId: String(i) })));
    const kept = h.spans().length;
    assert.ok(Math.abs(kept - n / 2) < 400, `kept ${kept} of ${n}`);
    assert.equal((await h.outcome('sampled_out')) + (await h.outcome('correlated')), n);
  });

  it('converts the conformance sample (no correlationId: a generated one)', async (t) => {
    const h = await harness(t);
    await h.proc.consume(sampleMessages());
    assert.equal(h.spans().length, 1);
    assert.equal(await h.generated('missing_field'), 1);
  });

  it('gives every batch its own resource, so a mutating processor downstream cannot change the next one', async (t) => {
    const h = await harness(t);
    await h.send(msg({ correlationId: 'a' }));
    setAttribute((h.sent[0]!.data as Traces).resourceSpans[0]!.resource.attributes, 'service.name', 'changed');
    await h.send(msg({ correlationId: 'b' }));
    assert.equal(
      getAttribute((h.sent[1]!.data as Traces).resourceSpans[0]!.resource.attributes, 'service.name'),
      'otelhub',
    );
  });

  it('never rejects on bad payloads', async (t) => {
    const h = await harness(t, { allow_generated: false, field_name: 'a.b' });
    const bad = [
      '{',
      '{"a":',
      '[]',
      'null',
      '{"a":{"b":{}}}',
      '{"a":"\\ud800"}',
      '\u0000',
      '{"a":{"b":1e999}}',
      '9'.repeat(5000),
      '['.repeat(100_000),
      '['.repeat(100_000) + ']'.repeat(100_000),
    ];
    await h.send(...bad.map((p) => msg(p)), msg(new Uint8Array([0xc3, 0x28])));
    assert.equal(h.spans().length, bad.length + 1);
    assert.equal(await h.outcome('failed'), bad.length + 1);
  });
});
