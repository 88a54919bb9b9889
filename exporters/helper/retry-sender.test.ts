import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryConfig } from '../../config/blocks/index.ts';
import { ConsumerError, permanentError, retryableError } from '../../core/errors.ts';
import { memoryLogger } from '../../core/logger.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';
import { RetrySender } from './retry-sender.ts';
import type { Send } from './send.ts';

const fast: RetryConfig = {
  enabled: true,
  initial_interval: 5,
  randomization_factor: 0,
  multiplier: 1.5,
  max_interval: 10,
  max_elapsed_time: 10_000,
};

/** A send failing with each of `errors` in turn, then succeeding; records when each attempt happened. */
function failing(...errors: Error[]): Send & { attempts: number[] } {
  const attempts: number[] = [];
  const f = async () => {
    attempts.push(performance.now());
    const e = errors[attempts.length - 1];
    if (e !== undefined) throw e;
    return {};
  };
  return Object.assign(f, { attempts });
}

const isRetryable = (e: unknown): boolean => e instanceof ConsumerError && e.retryable;

describe('RetrySender', () => {
  it('retries retryable failures until the send succeeds', async () => {
    const send = failing(retryableError('down'), new Error('reset'), retryableError('down'));
    await new RetrySender(fast, send, memoryLogger()).send(sampleTraces(), 'traces');
    assert.equal(send.attempts.length, 4);
  });

  it('does not retry a permanent failure', async () => {
    const send = failing(permanentError('bad request'));
    await assert.rejects(new RetrySender(fast, send, memoryLogger()).send(sampleTraces(), 'traces'), /bad request/);
    assert.equal(send.attempts.length, 1);
  });

  it('tries once when disabled, and passes the error on as it is', async () => {
    const err = retryableError('down', { throttled: true });
    const send = failing(err);
    await assert.rejects(
      new RetrySender({ ...fast, enabled: false }, send, memoryLogger()).send(sampleTraces(), 'traces'),
      (e) => e === err,
    );
    assert.equal(send.attempts.length, 1);
  });

  it('waits at least what the destination asks when that is longer than the backoff', async () => {
    const send = failing(retryableError('slow down', { retryAfterMs: 150, throttled: true }));
    await new RetrySender(fast, send, memoryLogger()).send(sampleTraces(), 'traces');
    const [a, b] = send.attempts as [number, number];
    // Timers may fire a millisecond early; the point is that 150 was honoured instead of the 5ms backoff.
    assert.ok(b - a >= 140, `waited ${b - a}ms`);
  });

  it('gives up after max_elapsed_time with a retryable error, so the sender upstream keeps the data', async () => {
    const send: Send = () => Promise.reject(retryableError('down', { throttled: true }));
    const err = await new RetrySender({ ...fast, max_elapsed_time: 50 }, send, memoryLogger())
      .send(sampleTraces(), 'traces')
      .catch((e: unknown) => e);
    assert.ok(isRetryable(err), String(err));
    assert.match(String(err), /no more retries left: down/);
    assert.equal((err as ConsumerError).throttled, true);
  });

  it('gives up at once when the destination asks to wait beyond max_elapsed_time', async () => {
    const send = failing(retryableError('come back in an hour', { retryAfterMs: 3_600_000 }));
    const err = await new RetrySender(fast, send, memoryLogger())
      .send(sampleTraces(), 'traces')
      .catch((e: unknown) => e);
    assert.ok(isRetryable(err));
    assert.equal((err as ConsumerError).retryAfterMs, 3_600_000);
    assert.equal(send.attempts.length, 1);
  });

  it('cuts a wait short at shutdown and rejects retryably', async () => {
    const send: Send = () => Promise.reject(retryableError('down'));
    const r = new RetrySender(
      { ...fast, initial_interval: 3_600_000, max_interval: 3_600_000, max_elapsed_time: 0 },
      send,
      memoryLogger(),
    );
    const p = r.send(sampleTraces(), 'traces');
    await sleep(20);
    r.shutdown();
    const err = await p.catch((e: unknown) => e);
    assert.ok(isRetryable(err));
    assert.match(String(err), /shutting down/);
  });

  it('logs each retry with the signal and the wait', async () => {
    const logger = memoryLogger();
    await new RetrySender(fast, failing(retryableError('down')), logger).send(sampleTraces(), 'traces');
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]?.data_type, 'traces');
    assert.equal(logger.lines[0]?.interval_ms, 5);
  });

  it('logs a jittered wait in whole milliseconds', async () => {
    const logger = memoryLogger();
    const jittered = { ...fast, randomization_factor: 0.5 };
    const down = () => retryableError('down');
    await new RetrySender(jittered, failing(down(), down(), down()), logger).send(sampleTraces(), 'traces');
    const waits = logger.lines.map((l) => l.interval_ms);
    assert.equal(waits.length, 3);
    assert.ok(waits.every(Number.isInteger), `whole milliseconds: ${waits.join(', ')}`);
  });

  it("stops retrying when the next wait would end past the sender's deadline", async () => {
    const send = failing(...Array.from({ length: 1000 }, () => retryableError('down')));
    const ctx = { deadline: Date.now() + 40 };
    await assert.rejects(
      new RetrySender(fast, send, memoryLogger()).send(sampleTraces(), 'traces', ctx),
      (e: unknown) => isRetryable(e) && /deadline/.test((e as Error).message),
    );
    assert.ok(send.attempts.length < 1000);
  });

  it('does not retry a request its sender gave up on, and cuts the wait short', async () => {
    const gone = new AbortController();
    const send: Send = async () => {
      setImmediate(() => gone.abort());
      throw retryableError('down');
    };
    const slow = { ...fast, initial_interval: 60_000, max_interval: 60_000, max_elapsed_time: 0 };
    await assert.rejects(
      new RetrySender(slow, send, memoryLogger()).send(sampleTraces(), 'traces', { signal: gone.signal }),
      (e: unknown) => isRetryable(e) && /gave up/.test((e as Error).message),
    );
  });
});
