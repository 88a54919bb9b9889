// BENCH=storage, second part: the engines file_storage could have been built on, doing the queue's job on the same
// payloads: append with 64 in flight, each append durable on disk before it resolves (the default policy: data is
// acknowledged upstream only once it is on disk), then drain in order (read, delete). lmdb and classic-level
// (LevelDB) are devDependencies for this comparison only; the hub ships its own segment log (reasons in
// extensions/file_storage/README.md), so these figures are what that choice is measured against.
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { open } from 'lmdb';
import { SegmentLog } from '../extensions/file_storage/segment-log.ts';
import type { StorageFigure } from './storage.ts';

const IN_FLIGHT = 64;

interface Engine {
  append(key: number, payload: Uint8Array): Promise<void>;
  drain(count: number): Promise<void>;
  close(): Promise<void>;
}

async function segmentLog(dir: string, items: number): Promise<Engine> {
  const log = await SegmentLog.open(dir, { fsync: true });
  return {
    append: (_key, payload) => log.append(payload, items).then(() => undefined),
    drain: async (count) => {
      for (let i = 0; i < count; i++) log.ack((await log.next())!.id);
    },
    close: () => log.close(),
  };
}

function lmdb(dir: string): Engine {
  // overlappingSync (lmdb's default on Linux) resolves a put at commit; `flushed` resolves once it is on disk.
  const db = open<Uint8Array, number>({ path: dir, encoding: 'binary', compression: false });
  return {
    append: async (key, payload) => {
      await db.put(key, payload);
      await db.flushed;
    },
    drain: async (count) => {
      // Acknowledgements do not wait for each other: lmdb commits the removes of one turn in one transaction.
      let seen = 0;
      const removed: Promise<boolean>[] = [];
      for (const { key, value } of db.getRange({ start: 0 })) {
        if (value.byteLength === 0) throw new Error('empty record');
        removed.push(db.remove(key));
        if (++seen === count) break;
      }
      await Promise.all(removed);
      await db.flushed;
      if (seen !== count) throw new Error(`lmdb drained ${seen} of ${count}`);
    },
    close: () => db.close(),
  };
}

function level(dir: string): Engine {
  const db = new ClassicLevel<number, Uint8Array>(dir, { keyEncoding: 'binary', valueEncoding: 'view' });
  const key = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };
  return {
    // sync: true is LevelDB's fsync per write; concurrent writes share one in its writer queue (its group commit).
    append: (n, payload) => db.put(key(n) as never, payload, { sync: true }),
    drain: async (count) => {
      let seen = 0;
      const removed: Promise<void>[] = [];
      for await (const [k, value] of db.iterator({ keyEncoding: 'binary' } as never)) {
        if (value.byteLength === 0) throw new Error('empty record');
        removed.push(db.del(k as never));
        if (++seen === count) break;
      }
      await Promise.all(removed);
      if (seen !== count) throw new Error(`classic-level drained ${seen} of ${count}`);
    },
    close: () => db.close(),
  };
}

async function run(name: string, engine: Engine, total: number, items: number, payloads: Uint8Array[]) {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const key = next++;
      const p = payloads[key % payloads.length]!;
      bytes += p.byteLength;
      await engine.append(key, p);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const s = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await engine.drain(total);
  const d = (performance.now() - t1) / 1000;
  await engine.close();
  const figure = (label: string, secs: number): StorageFigure => ({
    name: label,
    mbPerSec: bytes / secs / 1e6,
    itemsPerSec: (total * items) / secs,
    requestsPerSec: total / secs,
  });
  return [
    figure(`${name}: append, durable, ${IN_FLIGHT} in flight`, s),
    figure(`  drain (read, delete) of the above`, d),
  ];
}

/** The same durable appends and in-order drain on the segment log, lmdb and classic-level. */
export async function benchStorageEngines(
  root: string,
  total: number,
  items: number,
  payloads: Uint8Array[],
): Promise<StorageFigure[]> {
  return [
    ...(await run('segment log (ours)', await segmentLog(join(root, 'e-seg'), items), total, items, payloads)),
    ...(await run('lmdb 3.5', lmdb(join(root, 'e-lmdb')), total, items, payloads)),
    ...(await run('classic-level 3.0 (LevelDB)', level(join(root, 'e-level')), total, items, payloads)),
  ];
}
