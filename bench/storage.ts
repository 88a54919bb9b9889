// The persistent queue's storage (file_storage's segment log) on this machine's disk, in a temporary directory:
// appends of 100-span OTLP trace requests with many in flight (as from many receivers' requests at once), with
// fsync (the default: group commit, one fdatasync per batch of appends) and without, against one fdatasync per
// append (what group commit saves: one append in flight at a time), then the drain (read, acknowledge). Last, the
// whole persistent queue: encode, append, read back, decode, hand to a sender that accepts at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUEUE } from '../config/blocks/index.ts';
import { memoryLogger } from '../core/logger.ts';
import type { Traces } from '../core/pdata/index.ts';
import { SpanKind, attributes, span, traces } from '../core/pdata/index.ts';
import { Telemetry } from '../core/telemetry.ts';
import { PersistentQueue } from '../exporters/helper/persistent-queue.ts';
import { fileStorageConfigSchema } from '../extensions/file_storage/config.ts';
import type { FileStorageConfig } from '../extensions/file_storage/config.ts';
import { FileStorage } from '../extensions/file_storage/file-storage.ts';
import { SegmentLog } from '../extensions/file_storage/segment-log.ts';
import { validateConfig } from '../config/schema.ts';
import { encodeRequest } from '../otlp/index.ts';
import { benchStorageEngines } from './storage-engines.ts';

const SPANS_PER_REQUEST = 100;

export interface StorageFigure {
  name: string;
  mbPerSec: number;
  itemsPerSec: number;
  requestsPerSec: number;
}

function request(i: number): Traces {
  const id = (n: number, len: number) => Uint8Array.from({ length: len }, (_, k) => (n * 31 + k * 7) & 0xff);
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, k) =>
    span({
      traceId: id(i, 16),
      spanId: id(i * SPANS_PER_REQUEST + k, 8),
      name: `GET /things/${k % 16}`,
      kind: SpanKind.SERVER,
      attributes: attributes({ 'http.request.method': 'GET', 'url.path': `/things/${k}`, status: 200, ratio: 0.25 }),
    }),
  );
  return traces(spans);
}

async function appendRun(
  name: string,
  dir: string,
  fsync: boolean,
  inFlight: number,
  total: number,
  payloads: Uint8Array[],
) {
  const log = await SegmentLog.open(dir, { fsync });
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const p = payloads[next++ % payloads.length]!;
      bytes += p.byteLength;
      await log.append(p, SPANS_PER_REQUEST);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const s = (performance.now() - t0) / 1000;
  const append: StorageFigure = {
    name,
    mbPerSec: bytes / s / 1e6,
    itemsPerSec: (total * SPANS_PER_REQUEST) / s,
    requestsPerSec: total / s,
  };
  const t1 = performance.now();
  for (let i = 0; i < total; i++) {
    const r = await log.next();
    log.ack(r!.id);
  }
  const d = (performance.now() - t1) / 1000;
  await log.close();
  const drain: StorageFigure = {
    name: `  drain (read, CRC check, acknowledge) of the above`,
    mbPerSec: bytes / d / 1e6,
    itemsPerSec: (total * SPANS_PER_REQUEST) / d,
    requestsPerSec: total / d,
  };
  return [append, drain];
}

async function queueRun(dir: string, total: number, data: Traces[]): Promise<StorageFigure> {
  const { value } = validateConfig(fileStorageConfigSchema, { directory: dir });
  const settings = {
    id: 'otlp_http',
    kind: 'exporter' as const,
    logger: memoryLogger('warn'),
    telemetry: new Telemetry('none'),
    reportStatus: () => undefined,
  };
  const storage = new FileStorage({ ...settings, id: 'file_storage', kind: 'extension' }, value as FileStorageConfig);
  await storage.start();
  let delivered = 0;
  let done: (() => void) | undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const cfg = { ...DEFAULT_QUEUE, queue_size: total, storage: 'file_storage' };
  const q = new PersistentQueue(cfg, { initial_interval: 5, max_interval: 30 }, 'traces', settings, async () => {
    if (++delivered === total) done!();
    return {};
  });
  await q.start({ getExtension: () => storage, status: { ready: () => true, snapshot: () => ({}) } });
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const t = data[next++ % data.length]!;
      bytes += encodeRequest('traces', t).byteLength;
      await q.send(t, 'traces');
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  await all;
  const s = (performance.now() - t0) / 1000;
  await q.shutdown();
  await storage.shutdown();
  return {
    name: 'persistent queue: encode, append (fsync), read, decode, deliver',
    mbPerSec: bytes / s / 1e6,
    itemsPerSec: (total * SPANS_PER_REQUEST) / s,
    requestsPerSec: total / s,
  };
}

export async function benchStorage(total: number): Promise<{ payloadBytes: number; figures: StorageFigure[] }> {
  const data = Array.from({ length: 16 }, (_, i) => request(i));
  const payloads = data.map((t) => encodeRequest('traces', t));
  const root = await mkdtemp(join(tmpdir(), 'otelhub-bench-storage-'));
  try {
    const figures = [
      ...(await appendRun('append, fsync: true (default), 64 in flight', join(root, 'a'), true, 64, total, payloads)),
      ...(await appendRun('append, fsync: false, 64 in flight', join(root, 'b'), false, 64, total, payloads)),
      ...(await appendRun(
        'append, fsync: true, 1 in flight (no group commit)',
        join(root, 'c'),
        true,
        1,
        Math.ceil(total / 4),
        payloads,
      )),
      await queueRun(join(root, 'q'), total, data),
      ...(await benchStorageEngines(root, total, SPANS_PER_REQUEST, payloads)),
    ];
    return { payloadBytes: payloads[0]!.byteLength, figures };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
