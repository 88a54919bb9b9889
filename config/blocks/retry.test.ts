import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../schema.ts';
import { Backoff, DEFAULT_RETRY, EndlessBackoff, retryOnFailureSchema, validateRetry } from './retry.ts';
import type { RetryConfig } from './retry.ts';

const cfg = (raw: Record<string, unknown>): RetryConfig => {
  const { value, issues } = validateConfig(retryOnFailureSchema, raw);
  assert.deepEqual(issues, []);
  return value as RetryConfig;
};

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('retry_on_failure block', () => {
  it("has the Collector's defaults, in milliseconds", () => {
    assert.deepEqual(cfg({}), DEFAULT_RETRY);
    assert.deepEqual(DEFAULT_RETRY, {
      enabled: true,
      initial_interval: 5000,
      randomization_factor: 0.5,
      multiplier: 1.5,
      max_interval: 30_000,
      max_elapsed_time: 300_000,
    });
    assert.equal(cfg({ max_elapsed_time: 0 }).max_elapsed_time, 0);
    assert.ok(validateConfig(retryOnFailureSchema, { randomization_factor: 1.5 }).issues.length > 0);
    assert.ok(validateConfig(retryOnFailureSchema, { initial_interval: 'soon' }).issues.length > 0);
  });

  it('refuses what configretry refuses, and a zero initial_interval', () => {
    assert.deepEqual(validateRetry(cfg({})), []);
    assert.deepEqual(
      validateRetry(cfg({ max_elapsed_time: '10s' })).map((i) => i.message),
      ['max_elapsed_time must not be less than max_interval'],
    );
    assert.deepEqual(
      validateRetry(cfg({ max_elapsed_time: '1s', max_interval: '1s' })).map((i) => i.path),
      [['max_elapsed_time']],
    );
    assert.deepEqual(
      validateRetry(cfg({ initial_interval: 0 })).map((i) => i.path),
      [['initial_interval']],
    );
    assert.deepEqual(validateRetry(cfg({ enabled: false, initial_interval: 0, max_elapsed_time: '1ms' })), []);
  });
});

describe('Backoff', () => {
  it('grows by the multiplier up to max_interval without jitter', () => {
    const b = new Backoff({ ...DEFAULT_RETRY, randomization_factor: 0, max_elapsed_time: 0 });
    const waits = Array.from({ length: 8 }, () => b.next());
    assert.deepEqual(waits, [5000, 7500, 11_250, 16_875, 25_312.5, 30_000, 30_000, 30_000]);
  });

  it('draws each wait from [interval * (1 - f), interval * (1 + f)]', () => {
    const lowest = new Backoff(DEFAULT_RETRY, () => 0);
    const highest = new Backoff(DEFAULT_RETRY, () => 1);
    const middle = new Backoff(DEFAULT_RETRY, () => 0.5);
    assert.deepEqual([lowest.next(), lowest.next()], [2500, 3750]);
    assert.deepEqual([highest.next(), highest.next()], [7500, 11_250]);
    assert.deepEqual([middle.next(), middle.next()], [5000, 7500]);
    // The cap applies before jitter, as in the Collector: a wait may exceed max_interval.
    for (let i = 0; i < 10; i++) highest.next();
    assert.equal(highest.next(), 45_000);
  });

  it('gives up once the wait would end beyond max_elapsed_time since the first failure', () => {
    const c = clock();
    const b = new Backoff({ ...DEFAULT_RETRY, randomization_factor: 0, max_elapsed_time: 20_000 }, Math.random, {
      now: c.now,
    });
    assert.equal(b.next(), 5000);
    c.advance(5000);
    assert.equal(b.next(), 7500);
    c.advance(7500);
    // 12.5s elapsed + 11.25s > 20s.
    assert.equal(b.next(), undefined);
  });

  it('retries forever with max_elapsed_time 0, and starts over after reset', () => {
    const c = clock();
    const b = new Backoff({ ...DEFAULT_RETRY, randomization_factor: 0, max_elapsed_time: 0 }, Math.random, {
      now: c.now,
    });
    for (let i = 0; i < 100; i++) {
      c.advance(30_000);
      assert.ok(b.next() !== undefined);
    }
    b.reset();
    assert.equal(b.next(), 5000);
    const limited = new Backoff({ ...DEFAULT_RETRY, randomization_factor: 0, max_elapsed_time: 6000 }, Math.random, {
      now: c.now,
    });
    c.advance(10_000);
    assert.equal(limited.next(), undefined);
    limited.reset();
    assert.equal(limited.next(), 5000);
  });
});

describe('EndlessBackoff', () => {
  const settings = { initial_interval: 100, max_interval: 1000, multiplier: 2, randomization_factor: 0.5 };

  it('never gives up, and jitter never takes a wait past max_interval', () => {
    const highest = new EndlessBackoff(settings, () => 1);
    const waits = Array.from({ length: 8 }, () => highest.next());
    assert.deepEqual(waits, [150, 300, 600, 1000, 1000, 1000, 1000, 1000]);
  });

  it('raises a wait to atLeast (a hint or a floor), still within max_interval, and starts over after reset', () => {
    const lowest = new EndlessBackoff(settings, () => 0);
    assert.equal(lowest.next(), 50);
    assert.equal(lowest.next(100), 100);
    assert.equal(lowest.next(5000), 1000);
    lowest.reset();
    assert.equal(lowest.next(), 50);
  });
});
