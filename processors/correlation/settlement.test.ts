// The consume promise settles with the downstream batch: a receiver acknowledges only what was delivered, and
// downstream errors come back unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { consumerFn } from '../../core/consumer.ts';
import { ConsumerError, isPermanent, permanentError, retryableError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { CorrelationConfig } from './config.ts';
import { correlationConfigSchema } from './config.ts';
import { correlationFactory } from './factory.ts';
import { harness, msg } from '../../test/helpers/correlation-processor-harness.ts';

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

describe('correlation processor: settlement', () => {
  it('stays pending until downstream settles', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const config = validateConfig(correlationConfigSchema, {}).value as CorrelationConfig;
    const proc = await correlationFactory.createProcessor(
      testProcessorSettings('correlation', 'traces'),
      config,
      consumerFn<SignalData>(() => gate),
    );
    const p = proc.consume({ messages: [msg({ correlationId: 'a' })] });
    assert.equal(await state(p), 'pending');
    release();
    assert.equal(await state(p), 'resolved');
    await proc.shutdown?.();
  });

  it('passes a retryable downstream error back unchanged (the message is redelivered)', async (t) => {
    const h = await harness(t);
    const err = retryableError('queue full', { throttled: true, retryAfterMs: 500 });
    h.fail(err);
    await assert.rejects(h.send(msg({ correlationId: 'a' })), (e) => e === err && (e as ConsumerError).retryable);
  });

  it('passes a permanent downstream error back unchanged', async (t) => {
    const h = await harness(t);
    const err = permanentError('refused');
    h.fail(err);
    await assert.rejects(h.send(msg({ correlationId: 'a' })), (e) => e === err && isPermanent(e));
  });

  it('passes any other error back as it is (the hub treats it as retryable)', async (t) => {
    const h = await harness(t, { allow_generated: false });
    const err = new Error('socket closed');
    h.fail(err);
    await assert.rejects(h.send(msg('')), (e) => e === err && !(e instanceof ConsumerError));
  });

  it('refuses data that is not messages as a permanent error', async (t) => {
    const h = await harness(t);
    await assert.rejects(h.proc.consume({ resourceSpans: [] }), (e) => isPermanent(e));
  });

  it('cannot be created in a metrics or logs pipeline', () => {
    const config = validateConfig(correlationConfigSchema, {}).value as CorrelationConfig;
    assert.throws(
      () =>
        correlationFactory.createProcessor(
          testProcessorSettings('correlation', 'metrics'),
          config,
          consumerFn(async () => {}),
        ),
      /traces only/,
    );
  });
});
