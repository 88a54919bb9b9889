// The consume promise settles with the downstream batch: a receiver acknowledges only what was delivered, and
// downstream errors come back unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { consumerFn } from '../../core/consumer.ts';
import { ConsumerError, isPermanent, permanentError, retryableError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import { sampleMessages } from '../../test/helpers/sample-data.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { SchemaConfig } from './config.ts';
import { schemaConfigSchema } from './config.ts';
import { schemaFactory } from './factory.ts';
import { harness, msg } from '../../test/helpers/schema-processor-harness.ts';

const payload = { metrics: [{ name: 'x', type: 'f64_gauge', value: 1 }], logs: [{ value: 'x', level: 'info' }] };

async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const pending = new Promise<'pending'>((r) => setImmediate(() => r('pending')));
  return Promise.race([
    p.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    pending,
  ]);
}

describe('schema processor: settlement', () => {
  for (const signal of ['metrics', 'logs'] as const) {
    it(`stays pending until downstream settles (${signal})`, async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const next = consumerFn<SignalData>(() => gate);
      const config = validateConfig(schemaConfigSchema, {}).value as SchemaConfig;
      const proc = await schemaFactory.createProcessor(testProcessorSettings('schema', signal), config, next);
      const p = proc.consume({ messages: [msg(payload)] });
      assert.equal(await state(p), 'pending');
      release();
      assert.equal(await state(p), 'resolved');
      await proc.shutdown?.();
    });

    it(`passes a retryable downstream error back unchanged (${signal})`, async (t) => {
      const h = await harness(t, signal);
      const err = retryableError('queue full', { throttled: true, retryAfterMs: 500 });
      h.fail(err);
      await assert.rejects(
        h.send(msg(payload)),
        (e) => e === err && (e as ConsumerError).retryable && (e as ConsumerError).retryAfterMs === 500,
      );
    });

    it(`passes a permanent downstream error back unchanged (${signal})`, async (t) => {
      const h = await harness(t, signal);
      const err = permanentError('refused by the destination');
      h.fail(err);
      await assert.rejects(h.send(msg(payload)), (e) => e === err && isPermanent(e));
    });

    it(`passes any other error back as it is: the hub treats it as retryable (${signal})`, async (t) => {
      const h = await harness(t, signal);
      const err = new Error('socket closed');
      h.fail(err);
      await assert.rejects(h.send(msg(payload)), (e) => e === err && !(e instanceof ConsumerError));
    });
  }

  it('resolves the conformance sample ({"metrics":[]}) in both pipelines without sending anything', async (t) => {
    for (const signal of ['metrics', 'logs'] as const) {
      const h = await harness(t, signal);
      await h.proc.consume(sampleMessages());
      assert.equal(h.sent.length, 0);
      assert.equal(await h.dropped(), 0);
    }
  });

  it('refuses data that is not messages as a permanent error', async (t) => {
    const h = await harness(t, 'metrics');
    await assert.rejects(h.proc.consume({ resourceMetrics: [] }), (e) => isPermanent(e));
  });
});
