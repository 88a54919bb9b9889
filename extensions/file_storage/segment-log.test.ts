import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RecordLog } from '../../core/storage.ts';
import { SegmentLog } from './segment-log.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tmp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'segment-log-'));
  dirs.push(d);
  return d;
};
const rec = (i: number): Uint8Array => Buffer.from(`record ${i} `.repeat(1 + (i % 7)));

async function readAll(log: RecordLog, n: number, ack = true): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await log.next();
    assert.ok(r);
    out.push(Buffer.from(r.payload).toString());
    if (ack) log.ack(r.id);
  }
  return out;
}

describe('segment log', () => {
  it('reads back concurrent appends in order, with their item counts, and replays what was not acknowledged', async () => {
    const dir = await tmp();
    const log = await SegmentLog.open(dir, { fsync: true });
    await Promise.all(Array.from({ length: 500 }, (_, i) => log.append(rec(i), i)));
    assert.deepEqual(log.usage, { records: 500, items: (499 * 500) / 2, bytes: log.usage.bytes });
    const first = await readAll(log, 200);
    assert.deepEqual(
      first,
      Array.from({ length: 200 }, (_, i) => Buffer.from(rec(i)).toString()),
    );
    const unacked = await log.next();
    assert.equal(unacked?.items, 200);
    await log.close();
    assert.equal(await log.next(), undefined);

    const again = await SegmentLog.open(dir, { fsync: true });
    assert.equal(again.usage.records, 300);
    const rest = await readAll(again, 300);
    assert.deepEqual(
      rest,
      Array.from({ length: 300 }, (_, i) => Buffer.from(rec(i + 200)).toString()),
    );
    assert.equal(again.usage.records, 0);
    await again.close();
  });

  it('rotates segments by size and deletes each once all its records were acknowledged', async () => {
    const dir = await tmp();
    const log = await SegmentLog.open(dir, { fsync: false, segmentBytes: 1024 });
    for (let i = 0; i < 100; i++) await log.append(Buffer.alloc(200, i), 1);
    const segs = (await readdir(dir)).filter((n) => n.endsWith('.seg'));
    assert.ok(segs.length > 10, `${segs.length} segments`);
    await readAll(log, 100);
    await log.close();
    const left = (await readdir(dir)).filter((n) => n.endsWith('.seg'));
    assert.ok(left.length <= 1, `left: ${left.join(',')}`);
    assert.ok(log.diskBytes <= 1024 + 212, `${log.diskBytes} bytes on disk`);
    const again = await SegmentLog.open(dir, { fsync: false, segmentBytes: 1024 });
    assert.equal(again.usage.records, 0);
    await again.append(Buffer.from('after'), 1);
    assert.deepEqual(await readAll(again, 1), ['after']);
    await again.close();
  });

  it('skips and reports a torn tail and a corrupt record, and keeps what is before them', async () => {
    const dir = await tmp();
    const log = await SegmentLog.open(dir, { fsync: true, segmentBytes: 4096 });
    for (let i = 0; i < 40; i++) await log.append(Buffer.alloc(300, i), 1);
    await log.close();
    const segs = (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort();
    assert.ok(segs.length >= 3);
    // A torn tail in the last segment, a flipped byte in the second record of the first.
    const last = join(dir, segs.at(-1)!);
    const lastBytes = await readFile(last);
    await writeFile(last, lastBytes.subarray(0, lastBytes.byteLength - 100));
    const first = join(dir, segs[0]!);
    const firstBytes = await readFile(first);
    firstBytes[312 + 12 + 5]! ^= 0xff;
    await writeFile(first, firstBytes);

    const corrupt: string[] = [];
    const again = await SegmentLog.open(dir, {
      fsync: true,
      segmentBytes: 4096,
      onCorrupt: (d) => corrupt.push(`${d.segment}: ${d.reason}`),
    });
    assert.equal(corrupt.length, 2, corrupt.join('; '));
    assert.match(corrupt[0]!, /CRC mismatch/);
    assert.match(corrupt[1]!, /torn/);
    const n = again.usage.records;
    const got = await readAll(again, n);
    assert.equal(got[0], Buffer.alloc(300, 0).toString());
    assert.ok(n < 40 && n >= 40 - 14, `${n} records kept`);
    await again.append(Buffer.from('new'), 1);
    assert.deepEqual(await readAll(again, 1), ['new']);
    await again.close();
  });
  it('reads records of every size across read-ahead blocks, appended while reading, and checks each', async () => {
    const dir = await tmp();
    const log = await SegmentLog.open(dir, { fsync: false });
    // From a few bytes to larger than a read-ahead block (1 MiB), so records straddle block edges.
    const sizes = [5, 70_000, 1_500_000, 12, 300_000, 900_000, 3, 2_100_000, 64, 800_000];
    const payload = (i: number): Buffer => Buffer.alloc(sizes[i % sizes.length]!, (i * 37) & 0xff);
    for (let i = 0; i < 20; i++) await log.append(payload(i), i);
    const reading = (async () => {
      for (let i = 0; i < 30; i++) {
        const r = await log.next();
        assert.ok(r);
        assert.equal(r.items, i);
        assert.ok(Buffer.from(r.payload).equals(payload(i)), `record ${i}`);
        log.ack(r.id);
      }
    })();
    for (let i = 20; i < 30; i++) await log.append(payload(i), i);
    await reading;
    await log.close();
  });

  it('finds a record damaged after the log was opened when it reads it, and skips the rest of its segment', async () => {
    const dir = await tmp();
    const corrupt: string[] = [];
    let reported: () => void = () => undefined;
    const damaged = new Promise<void>((resolve) => (reported = resolve));
    const log = await SegmentLog.open(dir, {
      fsync: true,
      onCorrupt: (d) => {
        corrupt.push(d.reason);
        reported();
      },
    });
    for (let i = 0; i < 5; i++) await log.append(Buffer.alloc(1000, i), 1);
    const seg = (await readdir(dir)).find((n) => n.endsWith('.seg'))!;
    const fh = await open(join(dir, seg), 'r+');
    await fh.write(Buffer.from([0xff]), 0, 1, 2 * (1000 + 12) + 12 + 10);
    await fh.close();
    assert.deepEqual(await readAll(log, 2), [Buffer.alloc(1000, 0).toString(), Buffer.alloc(1000, 1).toString()]);
    // The third is damaged: it and the two after it in its segment are skipped; what comes later is read.
    const third = log.next();
    await damaged;
    await log.append(Buffer.from('later'), 1);
    assert.equal(Buffer.from((await third)!.payload).toString(), 'later');
    assert.deepEqual(corrupt, ['CRC mismatch']);
    await log.close();
  });
});
