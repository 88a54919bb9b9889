// The persistent queue keeps the client metadata a request came with (ConsumeContext.metadata, e.g. a tenant the
// batch processor's metadata_keys passed on): a replay after a restart sends each request with its own metadata,
// and records of different metadata are never merged into one export. Over the real file_storage extension.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import type { QueueBatchConfig } from '../../config/blocks/index.ts';
import { DEFAULT_QUEUE } from '../../config/blocks/index.ts';
import { validateConfig } from '../../config/schema.ts';
import type { ClientMetadata } from '../../core/consumer.ts';
import { retryableError } from '../../core/errors.ts';
import { FileStorage } from '../../extensions/file_storage/file-storage.ts';
import { fileStorageConfigSchema } from '../../extensions/file_storage/config.ts';
import type { FileStorageConfig } from '../../extensions/file_storage/config.ts';
import { encodeRequest, receiveRequest } from '../../otlp/index.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { itemNames, namedItems } from '../../test/helpers/named-items.ts';
import { hostWith, testSettings } from '../../test/helpers/settings.ts';
import { PersistentQueue } from './persistent-queue.ts';
import { METADATA_FIELD, decodeRecord, encodeRecord } from './queued-record.ts';
import type { Send } from './send.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** One batch of exactly the five records queued below, whatever the timing. */
const BATCH: QueueBatchConfig = { flush_timeout: 60_000, min_size: 5, max_size: 0, sizer: 'items' };

async function open(directory: string, send: Send, batch?: QueueBatchConfig) {
  const { value } = validateConfig(fileStorageConfigSchema, { directory });
  const storage = new FileStorage(testSettings('file_storage', 'extension'), value as FileStorageConfig);
  await storage.start();
  const cfg = { ...DEFAULT_QUEUE, num_consumers: 1, storage: 'file_storage', ...(batch ? { batch } : {}) };
  const settings = testSettings('otlphttp', 'exporter');
  const q = new PersistentQueue(cfg, { initial_interval: 1, max_interval: 5 }, 'traces', settings, send);
  await q.start(hostWith({ file_storage: storage }));
  return {
    q,
    close: async (): Promise<void> => {
      await q.shutdown();
      await storage.shutdown();
    },
  };
}

const tenant = (t: string): ClientMetadata => ({ 'x-tenant': [t] });

describe('persistent queue: client metadata', () => {
  it('a replay after a restart carries each request’s metadata; different metadata is never merged', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pq-md-'));
    dirs.push(directory);
    // First run: the destination is down, so everything stays queued.
    const down = await open(directory, async () => {
      throw retryableError('destination down');
    });
    await down.q.send(namedItems('traces', ['a1']), 'traces', { metadata: tenant('a') });
    await down.q.send(namedItems('traces', ['b1']), 'traces', { metadata: tenant('b') });
    await down.q.send(namedItems('traces', ['a2']), 'traces', { metadata: tenant('a') });
    await down.q.send(namedItems('traces', ['a3']), 'traces', { metadata: tenant('a') });
    await down.q.send(namedItems('traces', ['n1']), 'traces');
    await down.close();

    // After the restart, batching reads all five records as one batch: it merges only runs of equal metadata, in
    // log order.
    const exports: { names: string[]; metadata: ClientMetadata | undefined }[] = [];
    const up = await open(
      directory,
      async (data, _signal, ctx) => {
        exports.push({ names: itemNames('traces', data), metadata: ctx?.metadata });
        return {};
      },
      BATCH,
    );
    await eventually(() => exports.flatMap((e) => e.names).length === 5, 'all five delivered');
    await up.close();
    assert.deepEqual(exports, [
      { names: ['a1'], metadata: tenant('a') },
      { names: ['b1'], metadata: tenant('b') },
      { names: ['a2', 'a3'], metadata: tenant('a') },
      { names: ['n1'], metadata: undefined },
    ]);
  });

  it('reads a record an older otelhub queued (the plain request) as a request without metadata', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pq-md-'));
    dirs.push(directory);
    const delivered: { names: string[]; metadata: ClientMetadata | undefined }[] = [];
    // The queue's own log, appended to as before this change: the request's bytes alone.
    const { value } = validateConfig(fileStorageConfigSchema, { directory });
    const storage = new FileStorage(testSettings('file_storage', 'extension'), value as FileStorageConfig);
    await storage.start();
    const raw = await storage.openLog('exporter_otlphttp_traces');
    await raw.append(encodeRequest('traces', namedItems('traces', ['old'])), 1);
    await raw.close();
    await storage.shutdown();
    const up = await open(directory, async (data, _s, ctx) => {
      delivered.push({ names: itemNames('traces', data), metadata: ctx?.metadata });
      return {};
    });
    await eventually(() => delivered.length === 1, 'the old record delivered');
    await up.close();
    assert.deepEqual(delivered, [{ names: ['old'], metadata: undefined }]);
  });

  it('a request that itself starts with the metadata field number is never read as metadata', () => {
    // A client's request bytes pass through as received, unknown fields included: one with field METADATA_FIELD.
    const field = protobuf.Writer.create()
      .uint32((METADATA_FIELD << 3) | 2)
      .bytes(Buffer.from([10, 2, 10, 0]))
      .finish();
    const forged = Buffer.concat([field, encodeRequest('traces', namedItems('traces', ['x']))]);
    const rec = decodeRecord(encodeRecord(forged, undefined));
    assert.equal(rec.metadata, undefined);
    assert.deepEqual(Buffer.from(rec.request), forged, 'the request bytes unchanged');
    assert.deepEqual(itemNames('traces', receiveRequest('traces', rec.request)), ['x']);
    const md = { 'x-tenant': ['a', 'b'], 'x-region': ['eu'] };
    assert.deepEqual(decodeRecord(encodeRecord(forged, md)).metadata, md);
  });

  it('never writes the credentials a client sent to disk', () => {
    const request = encodeRequest('traces', namedItems('traces', ['x']));
    const md = {
      authorization: ['Bearer s3cret'],
      cookie: ['sid=1'],
      'proxy-authorization': ['Basic x'],
      'x-tenant': ['a'],
    };
    const record = encodeRecord(request, md);
    assert.ok(!Buffer.from(record).includes('s3cret') && !Buffer.from(record).includes('sid=1'));
    assert.deepEqual(decodeRecord(record).metadata, { 'x-tenant': ['a'] });
  });
});
