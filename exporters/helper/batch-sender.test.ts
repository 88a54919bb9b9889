import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueBatchConfig } from '../../config/blocks/index.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { ConsumerError, permanentError, retryableError } from '../../core/errors.ts';
import type { Logs } from '../../core/pdata/index.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { settled } from '../../test/helpers/exporter-harness.ts';
import { BatchSender } from './batch-sender.ts';
import type { ExportData, SendResult } from './send.ts';

const logs = (n: number, prefix: string): Logs => namedItems('logs', names(n, prefix));

/** A send that records each export's items and context, answering with `answer`'s error, if any. */
function recorder(answer: (items: string[]) => Error | null = () => null) {
  const exports: { items: string[]; ctx: ConsumeContext | undefined }[] = [];
  const send = (data: ExportData, _s: unknown, ctx?: ConsumeContext): Promise<SendResult> => {
    const items = itemNames('logs', data);
    exports.push({ items, ctx });
    const err = answer(items);
    return err ? Promise.reject(err) : Promise.resolve({});
  };
  return { exports, send };
}

const cfg = (c: Partial<QueueBatchConfig>): QueueBatchConfig => ({
  flush_timeout: 60_000,
  min_size: 8192,
  max_size: 0,
  sizer: 'items',
  ...c,
});

describe('BatchSender (sending_queue.batch)', () => {
  it('merges requests into one export once min_size is reached, and answers each sender after it', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ min_size: 6 }), 'logs', r.send);
    const p1 = b.send(logs(2, 'a'), 'logs');
    const p2 = b.send(logs(2, 'b'), 'logs');
    await new Promise((res) => setImmediate(res));
    assert.equal(r.exports.length, 0, 'nothing goes before min_size or flush_timeout');
    const p3 = b.send(logs(2, 'c'), 'logs');
    await Promise.all([p1, p2, p3]);
    assert.deepEqual(
      r.exports.map((e) => e.items),
      [['a0', 'a1', 'b0', 'b1', 'c0', 'c1']],
    );
  });

  it('sends a small batch when flush_timeout passes', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ flush_timeout: 10 }), 'logs', r.send);
    await Promise.all([b.send(logs(1, 'a'), 'logs'), b.send(logs(1, 'b'), 'logs')]);
    assert.deepEqual(
      r.exports.map((e) => e.items),
      [['a0', 'b0']],
    );
  });

  it('splits a request larger than max_size and answers its sender once every part was exported', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ min_size: 4, max_size: 4 }), 'logs', r.send);
    const p = b.send(logs(10, 'x'), 'logs');
    assert.equal(r.exports.length, 2, 'the last part (2 items) waits for more, as any part under min_size');
    await b.shutdown();
    await p;
    assert.deepEqual(
      r.exports.map((e) => e.items.length),
      [4, 4, 2],
    );
    assert.deepEqual(
      r.exports.flatMap((e) => e.items),
      names(10, 'x'),
    );
  });

  it('never lets an export exceed max_size: what is pending goes first', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ min_size: 5, max_size: 5 }), 'logs', r.send);
    const ps = [b.send(logs(3, 'a'), 'logs'), b.send(logs(3, 'b'), 'logs'), b.send(logs(2, 'c'), 'logs')];
    await Promise.all(ps);
    assert.deepEqual(
      r.exports.map((e) => e.items),
      [
        ['a0', 'a1', 'a2'],
        ['b0', 'b1', 'b2', 'c0', 'c1'],
      ],
    );
  });

  it('settles every sender on the outcome of the export that carried its data', async () => {
    // The export holding b's data fails permanently, the one holding a's succeeds, c's fails retryably.
    const r = recorder((items) =>
      items.includes('b0') ? permanentError('refused') : items.includes('c0') ? retryableError('down') : null,
    );
    const b = new BatchSender(cfg({ min_size: 2, max_size: 2 }), 'logs', r.send);
    const [a, bb, c] = await Promise.all([
      settled(b.send(logs(2, 'a'), 'logs')),
      settled(b.send(logs(2, 'b'), 'logs')),
      settled(b.send(logs(2, 'c'), 'logs')),
    ]);
    assert.equal(a.ok, true);
    assert.ok(!bb.ok && bb.error instanceof ConsumerError && !bb.error.retryable);
    assert.ok(!c.ok && c.error instanceof ConsumerError && c.error.retryable);
  });

  it('fails a split request when any of its parts failed, though another part was delivered', async () => {
    const r = recorder((items) => (items.includes('x3') ? retryableError('down') : null));
    const b = new BatchSender(cfg({ min_size: 2, max_size: 2 }), 'logs', r.send);
    const out = await settled(b.send(logs(6, 'x'), 'logs'));
    assert.ok(!out.ok && out.error instanceof ConsumerError && out.error.retryable);
    assert.equal(r.exports.length, 3);
  });

  it('withdraws a sender that gave up before its data went out, and keeps the others', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ min_size: 100 }), 'logs', r.send);
    const ac = new AbortController();
    const gone = settled(b.send(logs(2, 'a'), 'logs', { signal: ac.signal }));
    const kept = b.send(logs(2, 'b'), 'logs');
    ac.abort();
    const g = await gone;
    assert.ok(!g.ok && g.error instanceof ConsumerError && g.error.retryable);
    await b.shutdown();
    await kept;
    assert.deepEqual(
      r.exports.map((e) => e.items),
      [['b0', 'b1']],
    );
  });

  it('passes the merged deadline (the latest) and flushes at once on a flush hint', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ min_size: 100 }), 'logs', r.send);
    const p1 = b.send(logs(1, 'a'), 'logs', { deadline: 1_000 });
    const p2 = b.send(logs(1, 'b'), 'logs', { deadline: 2_000, flush: true });
    await Promise.all([p1, p2]);
    assert.equal(r.exports.length, 1);
    assert.equal(r.exports[0]?.ctx?.deadline, 2_000);
  });

  it("sends a synchronous client's request at once while no export is under way, else after it", async () => {
    let release!: () => void;
    const exports: string[][] = [];
    const b = new BatchSender(cfg({ min_size: 100 }), 'logs', async (data) => {
      exports.push(itemNames('logs', data));
      if (exports.length === 1) await new Promise<void>((r) => (release = r));
      return {};
    });
    const first = b.send(logs(1, 'a'), 'logs', { sync: true });
    assert.equal(exports.length, 1, 'idle: sent at once');
    const second = b.send(logs(1, 'b'), 'logs', { sync: true });
    const third = b.send(logs(1, 'c'), 'logs', { sync: true });
    assert.equal(exports.length, 1, 'an export is under way: these wait and merge');
    release();
    await first;
    await new Promise((res) => setImmediate(res));
    assert.equal(exports.length, 2, 'not held for flush_timeout (a minute here)');
    await Promise.all([second, third]);
    assert.deepEqual(exports, [['a0'], ['b0', 'c0']], 'sent together once the export under way was done');
  });

  it('sends what it holds at shutdown and refuses new requests retryably', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({}), 'logs', r.send);
    const p = b.send(logs(3, 'a'), 'logs');
    await b.shutdown();
    await p;
    assert.equal(r.exports.length, 1);
    const late = await settled(b.send(logs(1, 'z'), 'logs'));
    assert.ok(!late.ok && late.error instanceof ConsumerError && late.error.retryable);
  });

  it('measures in bytes with sizer: bytes, splitting by items in proportion', async () => {
    const r = recorder();
    const b = new BatchSender(cfg({ sizer: 'bytes', min_size: 1, max_size: 200 }), 'logs', r.send);
    await b.send(logs(40, 'x'), 'logs');
    assert.ok(r.exports.length > 1, `one request of 40 records over 200 bytes goes in parts (${r.exports.length})`);
    assert.deepEqual(
      r.exports.flatMap((e) => e.items),
      names(40, 'x'),
    );
  });
});
