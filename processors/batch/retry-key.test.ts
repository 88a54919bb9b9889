// The batch between a retrying sender and a fan-out to two exporters: when one exporter fails, the senders retry,
// and their contributions come back grouped differently; the exporter that had accepted them gets none again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Consumer } from '../../core/consumer.ts';
import { retryableError } from '../../core/errors.ts';
import { fanout } from '../../core/fanout.ts';
import type { Traces } from '../../core/pdata/index.ts';
import { forEachSpan, span, traces } from '../../core/pdata/index.ts';
import { RetryKey } from '../../core/resend.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import { batchFactory } from './factory.ts';

const spans = (...names: string[]): Traces => traces(names.map((name) => span({ name })));

function exporter(): Consumer<Traces> & { got: string[]; down: boolean } {
  const c = {
    got: [] as string[],
    down: false,
    async consume(d: Traces) {
      if (c.down) throw retryableError('down');
      forEachSpan(d, (s) => c.got.push(s.name));
    },
  };
  return c;
}

await test('a regrouped retry reaches only the exporter that failed, whatever it is batched with', async (t) => {
  const [a, b] = [exporter(), exporter()];
  const proc = await batchFactory.createProcessor(
    testProcessorSettings('batch', 'traces'),
    { send_batch_size: 3, send_batch_max_size: 3, timeout: 60_000 },
    fanout([a, b]),
  );
  t.after(() => proc.shutdown?.());
  const [k1, k3] = [new RetryKey(), new RetryKey()];
  b.down = true;
  // Pieces [s1a s1b s2a] and [s2b s3a s3b]: s2 has no key (an OTLP client's request, which the client resends).
  const first = [
    proc.consume(spans('s1a', 's1b'), { retryKey: k1 }),
    proc.consume(spans('s2a', 's2b')),
    proc.consume(spans('s3a', 's3b'), { retryKey: k3, flush: true }),
  ];
  for (const r of await Promise.allSettled(first)) assert.equal(r.status, 'rejected');
  assert.deepEqual(a.got, ['s1a', 's1b', 's2a', 's2b', 's3a', 's3b']);
  b.down = false;
  // Retried the other way round, with something new: pieces [s3a s3b s1a] and [s1b s4].
  await Promise.all([
    proc.consume(spans('s3a', 's3b'), { retryKey: k3 }),
    proc.consume(spans('s1a', 's1b'), { retryKey: k1 }),
    proc.consume(spans('s4'), { flush: true }),
  ]);
  assert.deepEqual(a.got, ['s1a', 's1b', 's2a', 's2b', 's3a', 's3b', 's4']);
  assert.deepEqual(b.got, ['s3a', 's3b', 's1a', 's1b', 's4']);
});

await test('pieces say which items came under which key, and carry nothing when none did', async (t) => {
  const seen: { items: number; keyed: boolean }[][] = [];
  const next: Consumer = {
    async consume(_d, ctx) {
      seen.push((ctx?.parts ?? []).map((p) => ({ items: p.items, keyed: p.share !== undefined })));
    },
  };
  const proc = await batchFactory.createProcessor(
    testProcessorSettings('batch', 'traces'),
    { send_batch_size: 10, send_batch_max_size: 2, timeout: 60_000 },
    next,
  );
  t.after(() => proc.shutdown?.());
  await Promise.all([
    proc.consume(spans('x', 'y', 'z'), { retryKey: new RetryKey() }),
    proc.consume(spans('w'), { flush: true }),
  ]);
  await Promise.all([proc.consume(spans('u')), proc.consume(spans('v'), { flush: true })]);
  assert.deepEqual(seen, [
    [{ items: 2, keyed: true }],
    [
      { items: 1, keyed: true },
      { items: 1, keyed: false },
    ],
    [],
  ]);
});
