import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DropSampleLimits } from './drop-samples.ts';
import { redactText } from './drop-payload.ts';
import { DropSamples, MAX_DROP_GROUPS } from './drop-samples.ts';
import { DropReporter } from './drop-reporter.ts';
import { createLogger } from './logger.ts';

const LIMITS: DropSampleLimits = {
  per_reason: 3,
  max_bytes: 1_000_000,
  payload_bytes: 32,
  payloads: true,
  redact_keys: ['password', 'token'],
};

function samples(limits: Partial<DropSampleLimits> = {}): DropSamples {
  const s = new DropSamples();
  s.configure({ ...LIMITS, ...limits });
  return s;
}

describe('drop samples', () => {
  it('keeps nothing until configured, and forgets everything when switched off', () => {
    const s = new DropSamples();
    s.record('receiver:mqtt', 'expired', 1, { payload: 'x' });
    assert.deepEqual(s.list(), []);
    s.configure(LIMITS);
    s.record('receiver:mqtt', 'expired', 1, { payload: 'x' });
    assert.equal(s.list().length, 1);
    s.configure(undefined);
    assert.deepEqual(s.list(), []);
    assert.equal(s.heldBytes, 0);
  });

  it('keeps the last per_reason samples per component and reason, and the total of all', () => {
    const s = samples();
    for (let i = 0; i < 10; i++) s.record('processor:schema@metrics', 'invalid_json', 1, { payload: `m${i}` });
    s.record('receiver:mqtt', 'expired', 2, { origin: { topic: 'a/b' } });
    const [expired, invalid] = s.list();
    assert.equal(expired?.reason, 'expired');
    assert.equal(expired?.total, 2);
    assert.deepEqual(expired?.samples[0]?.origin, { topic: 'a/b' });
    assert.equal(invalid?.total, 10);
    assert.deepEqual(
      invalid?.samples.map((x) => x.payload),
      ['m9', 'm8', 'm7'],
    );
  });

  it('stays within max_bytes under a flood, dropping the oldest samples first', () => {
    const s = samples({ per_reason: 1000, max_bytes: 20_000, payload_bytes: 1000 });
    const big = 'x'.repeat(5000);
    for (let i = 0; i < 500; i++) s.record('receiver:mqtt', `r${i % 5}`, 1, { payload: big });
    assert.ok(s.heldBytes <= 20_000, `${s.heldBytes}`);
    const kept = s.list().flatMap((g) => g.samples);
    assert.ok(kept.length > 0 && kept.length < 20);
    assert.equal(
      s.list().reduce((n, g) => n + g.total, 0),
      500,
      'totals count every drop',
    );
  });

  it('keeps at most MAX_DROP_GROUPS reasons, forgetting the least recent', () => {
    const s = samples();
    for (let i = 0; i <= MAX_DROP_GROUPS; i++) s.record('plugin', `reason-${i}`, 1);
    const reasons = s.list().map((g) => g.reason);
    assert.equal(reasons.length, MAX_DROP_GROUPS);
    assert.ok(reasons.includes(`reason-${MAX_DROP_GROUPS}`));
  });

  it('redacts configured keys before cutting the payload, also in invalid JSON and key=value text', () => {
    const s = samples({ payload_bytes: 40 });
    s.record('c', 'invalid_json', 1, {
      payload: Buffer.from('{"Password": "hunter2", "temp": 21.5, "more": "zzzzzzzzzzzz"'),
    });
    const [g] = s.list();
    const x = g?.samples[0];
    assert.equal(x?.payload, '{"Password": "[REDACTED]", "temp": 21.5,');
    assert.equal(x?.truncated, true);
    assert.equal(x?.payload_bytes, 60);
    assert.equal(redactText('user=a&token=abc123 rest', ['token']), 'user=a&token=[REDACTED] rest');
    assert.equal(redactText('{"token": "cut off', ['token']), '{"token": "[REDACTED]"');
    assert.equal(redactText('{"token":42}', ['token']), '{"token":"[REDACTED]"}');
  });

  it('shows binary payloads as base64 and leaves payloads out when payloads is false', () => {
    const s = samples();
    s.record('c', 'not_utf8', 1, { payload: Uint8Array.from([0xff, 0xfe, 0x00]) });
    assert.deepEqual(
      { payload: s.list()[0]?.samples[0]?.payload, encoding: s.list()[0]?.samples[0]?.payload_encoding },
      { payload: '//4A', encoding: 'base64' },
    );
    const off = samples({ payloads: false });
    off.record('c', 'invalid_json', 1, { payload: 'secret', origin: { topic: 't' } });
    assert.equal(off.list()[0]?.samples[0]?.payload, undefined);
    assert.deepEqual(off.list()[0]?.samples[0]?.origin, { topic: 't' });
  });

  it('is fed by a DropReporter given samples, with the log fields topic and error when no sample is passed', () => {
    const s = samples();
    const r = new DropReporter(createLogger({ level: 'error', sink: { write: () => {} } }), {
      samples: { to: s, component: 'receiver:mqtt' },
    });
    r.drop('too_large', 1, { topic: 'big/one', error: 'over max_packet_size' });
    r.drop('expired', 1, {}, { origin: { topic: 'x' }, payload: 'p' });
    r.close();
    const byReason = Object.fromEntries(s.list().map((g) => [g.reason, g.samples[0]]));
    assert.deepEqual(byReason.too_large?.origin, { topic: 'big/one' });
    assert.equal(byReason.too_large?.detail, 'over max_packet_size');
    assert.equal(byReason.expired?.payload, 'p');
  });
});
