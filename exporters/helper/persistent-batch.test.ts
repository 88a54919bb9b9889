// sending_queue.batch with the persistent queue, over the real file_storage extension: requests are acknowledged
// once appended, merged when read from the log, and their records acknowledged in the log only after the merged
// export succeeded (a restart before that sends them again).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { QueueBatchConfig } from '../../config/blocks/index.ts';
import { DEFAULT_QUEUE } from '../../config/blocks/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { retryableError } from '../../core/errors.ts';
import { FileStorage } from '../../extensions/file_storage/file-storage.ts';
import { fileStorageConfigSchema } from '../../extensions/file_storage/config.ts';
import type { FileStorageConfig } from '../../extensions/file_storage/config.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { hostWith, testSettings } from '../../test/helpers/settings.ts';
import { PersistentQueue } from './persistent-queue.ts';
import type { Send } from './send.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const BATCH: QueueBatchConfig = { flush_timeout: 60_000, min_size: 6, max_size: 6, sizer: 'items' };

async function open(directory: string, send: Send, num_consumers = 1, batch = BATCH) {
  const { value } = validateConfig(fileStorageConfigSchema, { directory });
  const storage = new FileStorage(testSettings('file_storage', 'extension'), value as FileStorageConfig);
  await storage.start();
  const cfg = { ...DEFAULT_QUEUE, num_consumers, storage: 'file_storage', batch };
  const q = new PersistentQueue(
    cfg,
    { initial_interval: 1, max_interval: 5 },
    'traces',
    testSettings('otlphttp', 'exporter'),
    send,
  );
  await q.start(hostWith({ file_storage: storage }));
  return {
    q,
    close: async (): Promise<void> => {
      await q.shutdown();
      await storage.shutdown();
    },
  };
}

/** Records each export's span names; fails retryably while `failing()` says so. */
function recorder(failing: () => boolean = () => false) {
  const exports: string[][] = [];
  const send: Send = async (data) => {
    if (failing()) throw retryableError('destination down');
    exports.push(itemNames('traces', data));
    return {};
  };
  return { exports, send };
}

describe('persistent queue with sending_queue.batch', () => {
  it('merges queued requests into exports of min_size items, in order, splitting at max_size', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pqb-'));
    dirs.push(directory);
    const r = recorder();
    const { q, close } = await open(directory, r.send, 2);
    // Each is acknowledged once appended; the consumers merge them when reading.
    for (const p of ['a', 'b', 'c', 'd']) await q.send(namedItems('traces', names(3, p)), 'traces');
    await eventually(() => r.exports.length === 2, 'two exports');
    assert.deepEqual(r.exports.map((e) => e.join(',')).sort(), ['a0,a1,a2,b0,b1,b2', 'c0,c1,c2,d0,d1,d2']);
    await q.send(namedItems('traces', names(9, 'x')), 'traces');
    await eventually(() => r.exports.length === 4, 'a request over max_size goes in two parts');
    // Two consumers: the parts may be sent in either order.
    assert.deepEqual(
      r.exports.slice(2).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [names(6, 'x'), names(9, 'x').slice(6)],
    );
    await close();
  });

  it('acknowledges the log entries only after the merged export succeeded: a restart before sends them again', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pqb-'));
    dirs.push(directory);
    let attempts = 0;
    const down = recorder(() => {
      attempts++;
      return true;
    });
    const first = await open(directory, down.send);
    for (const p of ['a', 'b']) await first.q.send(namedItems('traces', names(3, p)), 'traces');
    await eventually(() => attempts >= 2, 'the merged export was tried and retried');
    await first.close();
    assert.deepEqual(down.exports, []);

    const up = recorder();
    const second = await open(directory, up.send);
    await eventually(() => up.exports.length === 1, 'replayed after the restart');
    assert.deepEqual(up.exports, [[...names(3, 'a'), ...names(3, 'b')]]);
    await second.close();

    const third = recorder();
    const again = await open(directory, third.send);
    await again.q.send(namedItems('traces', names(6, 'c')), 'traces');
    await eventually(() => third.exports.length === 1, 'a new export');
    assert.deepEqual(third.exports, [names(6, 'c')], 'what was delivered is not sent again');
    await again.close();
  });

  it('sends a batch smaller than min_size once flush_timeout passed', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pqb-'));
    dirs.push(directory);
    const r = recorder();
    const { q, close } = await open(directory, r.send, 1, { ...BATCH, flush_timeout: 20, min_size: 100, max_size: 0 });
    for (const p of ['a', 'b']) await q.send(namedItems('traces', names(2, p)), 'traces');
    // Both usually go in one export; on a slow disk b may be appended after a's batch went.
    await eventually(() => r.exports.flat().length === 4, 'flushed by the timer though under min_size');
    assert.deepEqual(r.exports.flat(), [...names(2, 'a'), ...names(2, 'b')]);
    await close();
  });
});
