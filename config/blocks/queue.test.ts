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
});
