import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../schema.ts';
import { DEFAULT_QUEUE, sendingQueueSchema, validateQueue } from './queue.ts';
import type { QueueConfig } from './queue.ts';

const cfg = (raw: Record<string, unknown>): QueueConfig => {
  const { value, issues } = validateConfig(sendingQueueSchema, raw);
  assert.deepEqual(issues, []);
  return value as QueueConfig;
};

describe('sending_queue block', () => {
  it("has the Collector's defaults", () => {
    assert.deepEqual(cfg({}), {
      enabled: true,
      num_consumers: 10,
      queue_size: 1000,
      sizer: 'requests',
      block_on_overflow: false,
    });
    assert.deepEqual(cfg({}), DEFAULT_QUEUE);
    assert.ok(validateConfig(sendingQueueSchema, { queue_size: 1.5 }).issues.length > 0);
    assert.ok(validateConfig(sendingQueueSchema, { sizer: 'spans' }).issues.length > 0);
  });

  it('needs positive sizes only when enabled, as the Collector', () => {
    assert.deepEqual(
      validateQueue(cfg({ queue_size: 0, num_consumers: 0 })).map((i) => i.path),
      [['num_consumers'], ['queue_size']],
    );
    assert.deepEqual(validateQueue(cfg({ enabled: false, queue_size: 0 })), []);
  });

  it('sizes in items or bytes and blocks on overflow only with storage', () => {
    assert.deepEqual(
      validateQueue(cfg({ sizer: 'items', block_on_overflow: true })).map((i) => i.path),
      [['sizer'], ['block_on_overflow']],
    );
    assert.deepEqual(validateQueue(cfg({ sizer: 'bytes', block_on_overflow: true, storage: 'file_storage' })), []);
  });

  it("takes the Collector's sending_queue.batch keys and defaults, off unless given", () => {
    assert.equal(cfg({}).batch, undefined);
    assert.deepEqual(cfg({ batch: {} }).batch, { flush_timeout: 200, min_size: 8192, max_size: 0, sizer: 'items' });
    assert.deepEqual(cfg({ batch: { flush_timeout: '1s', min_size: 100, max_size: 1000, sizer: 'bytes' } }).batch, {
      flush_timeout: 1000,
      min_size: 100,
      max_size: 1000,
      sizer: 'bytes',
    });
    assert.ok(validateConfig(sendingQueueSchema, { batch: { sizer: 'requests' } }).issues.length > 0);
    assert.ok(validateConfig(sendingQueueSchema, { batch: { timeout: '1s' } }).issues.length > 0);
    assert.deepEqual(
      validateQueue(cfg({ batch: { flush_timeout: 0, min_size: 10, max_size: 5 } })).map((i) => i.path),
      [
        ['batch', 'flush_timeout'],
        ['batch', 'max_size'],
      ],
    );
    assert.deepEqual(validateQueue(cfg({ batch: { min_size: 10, max_size: 0 } })), []);
  });
});
