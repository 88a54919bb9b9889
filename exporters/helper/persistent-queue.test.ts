// The persistent queue over the real file_storage extension; the stage after it (the retry sender and transport)
// is a Send function that answers as each test needs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_QUEUE } from '../../config/blocks/index.ts';
import { permanentError, retryableError } from '../../core/errors.ts';
import type { Traces } from '../../core/pdata/index.ts';
import { span, traces } from '../../core/pdata/index.ts';
import { FileStorage } from '../../extensions/file_storage/file-storage.ts';
import { fileStorageConfigSchema } from '../../extensions/file_storage/config.ts';
import type { FileStorageConfig } from '../../extensions/file_storage/config.ts';
import { validateConfig } from '../../config/schema.ts';
import { hostWith, testSettings } from '../../test/helpers/settings.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { PersistentQueue } from './persistent-queue.ts';
import type { PersistentQueueConfig } from './persistent-queue.ts';
import type { Send } from './send.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function queueWith(
  send: Send,
  queue: Partial<PersistentQueueConfig> = {},
  onRefusing?: (err: Error | undefined) => void,
) {
  const directory = await mkdtemp(join(tmpdir(), 'pq-'));
  dirs.push(directory);
  const { value } = validateConfig(fileStorageConfigSchema, { directory });
  const storage = new FileStorage(testSettings('file_storage', 'extension'), value as FileStorageConfig);
  await storage.start();
  const settings = testSettings('otlphttp', 'exporter');
  const cfg = { ...DEFAULT_QUEUE, num_consumers: 1, storage: 'file_storage', ...queue };
  const q = new PersistentQueue(cfg, { initial_interval: 1, max_interval: 5 }, 'traces', settings, send, onRefusing);
  await q.start(hostWith({ file_storage: storage }));
  return { q, settings };
}

const named = (name: string): Traces => traces([span({ name })]);
const nameOf = (t: Traces): string => t.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name;

describe('persistent queue', () => {
  it('keeps a request whose retries ran out until it is delivered, and drops only permanent refusals', async () => {
    const delivered: string[] = [];
    let failures = 0;
    const { q, settings } = await queueWith(async (data) => {
      const name = nameOf(data as Traces);
      if (name === 'poison') throw permanentError('invalid');
      if (name === 'slow' && failures++ < 5) throw retryableError('no more retries left: 503');
      delivered.push(name);
      return {};
    });
    for (const n of ['a', 'slow', 'poison', 'b']) await q.send(named(n), 'traces');
    await eventually(() => delivered.length === 3, 'three delivered');
    assert.deepEqual(delivered, ['a', 'slow', 'b']);
    assert.equal(failures, 6);
    assert.equal(await settings.telemetry.value('otelcol_exporter_queue_dropped_requests_total'), 1);
    assert.equal(await settings.telemetry.value('otelcol_exporter_queue_size', { data_type: 'traces' }), 0);
    await q.shutdown();
  });

  it('with block_on_overflow, waits for room instead of refusing', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { q } = await queueWith(
      async () => {
        await gate;
        return {};
      },
      { queue_size: 1, block_on_overflow: true },
    );
    await q.send(named('first'), 'traces');
    let second = false;
    const p = q.send(named('second'), 'traces').then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false, 'waits while the queue is full');
    release!();
    await p;
    assert.equal(second, true);
    await q.shutdown();
  });

  it('does not queue what its sender gave up on, also while waiting for room', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const { q } = await queueWith(
      async (data) => {
        await gate;
        sent.push(nameOf(data as Traces));
        return {};
      },
      { queue_size: 1, block_on_overflow: true },
    );
    await assert.rejects(q.send(named('gone'), 'traces', { signal: AbortSignal.abort() }), { retryable: true });
    await q.send(named('kept'), 'traces');
    const giveUp = new AbortController();
    const waiting = q.send(named('withdrawn'), 'traces', { signal: giveUp.signal });
    giveUp.abort();
    await assert.rejects(waiting, /gave up/);
    release!();
    await eventually(() => sent.length === 1, 'the kept request delivered');
    assert.deepEqual(sent, ['kept']);
    await q.shutdown();
  });

  it('refuses when full, retryably and marked throttled', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { q } = await queueWith(async () => (await gate, {}), { queue_size: 2 });
    await q.send(named('1'), 'traces');
    await q.send(named('2'), 'traces');
    await assert.rejects(q.send(named('3'), 'traces'), { retryable: true, throttled: true });
    release!();
    await q.shutdown();
  });

  it('tells the exporter when it starts and stops refusing (its health), once per change', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const changes: (string | undefined)[] = [];
    const { q } = await queueWith(
      async () => (await gate, {}),
      { queue_size: 1 },
      (err) => changes.push(err?.message),
    );
    await q.send(named('1'), 'traces');
    assert.deepEqual(changes, [], 'taking data changes nothing');
    await assert.rejects(q.send(named('2'), 'traces'));
    await assert.rejects(q.send(named('3'), 'traces'));
    assert.deepEqual(changes, ['sending queue is full (1 requests)']);
    release!();
    await eventually(() => changes.length === 2, 'room again once delivered');
    assert.equal(changes[1], undefined);
    await q.send(named('4'), 'traces');
    assert.equal(changes.length, 2);
    await q.shutdown();
  });
});
