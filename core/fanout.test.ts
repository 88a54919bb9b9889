import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleLogs } from '../test/helpers/sample-data.ts';
import type { Consumer } from './consumer.ts';
import { isPermanent, isRetryable, permanentError, retryableError } from './errors.ts';
import { fanout } from './fanout.ts';
import type { Logs } from './pdata/index.ts';
import { logRecord, logs } from './pdata/index.ts';
import { RetryKey, Share } from './resend.ts';

const recorder = (mutatesData: boolean, seen: Logs[], fail?: Error): Consumer<Logs> => ({
  mutatesData,
  async consume(d) {
    seen.push(d);
    if (fail) throw fail;
  },
});

describe('fanout', () => {
  it('shares data between read-only consumers and copies it for mutating ones', async () => {
    const a: Logs[] = [];
    const b: Logs[] = [];
    const c: Logs[] = [];
    const data = sampleLogs();
    await fanout([recorder(false, a), recorder(true, b), recorder(false, c)]).consume(data);
    assert.equal(a[0], data);
    assert.equal(c[0], data);
    assert.notEqual(b[0], data);
    assert.deepEqual(b[0], data);
  });

  it('gives the original to the last mutating consumer when none is read-only', async () => {
    const a: Logs[] = [];
    const b: Logs[] = [];
    const data = sampleLogs();
    await fanout([recorder(true, a), recorder(true, b)]).consume(data);
    assert.notEqual(a[0], data);
    assert.equal(b[0], data);
  });

  it('waits for every consumer and prefers a retryable failure over a permanent one', async () => {
    const seen: Logs[] = [];
    await assert.rejects(
      fanout([
        recorder(false, seen, permanentError('bad')),
        recorder(false, seen, retryableError('later')),
        recorder(false, seen),
      ]).consume(sampleLogs()),
      (e: unknown) => isRetryable(e) && (e as Error).message === 'later',
    );
    assert.equal(seen.length, 3);
    await assert.rejects(
      fanout([recorder(false, seen, permanentError('bad')), recorder(false, seen)]).consume(sampleLogs()),
      (e: unknown) => isPermanent(e),
    );
  });
});

const named = (...names: string[]): Logs => logs(names.map((n) => logRecord({ severityText: n })));
const names = (d: Logs): string[] =>
  d.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.severityText)));

/** Records the names it is sent; fails while `down` is true. */
function exporter(mutatesData = false): Consumer<Logs> & { got: string[]; down: boolean } {
  const c = {
    mutatesData,
    got: [] as string[],
    down: false,
    async consume(d: Logs) {
      if (c.down) throw retryableError('down');
      c.got.push(...names(d));
    },
  };
  return c;
}

describe('fanout: a retry under the same key', () => {
  it('reaches only the consumers that have not accepted the data', async () => {
    const [a, b] = [exporter(), exporter()];
    b.down = true;
    const f = fanout([a, b]);
    const ctx = { retryKey: new RetryKey() };
    await assert.rejects(f.consume(named('m1', 'm2'), ctx));
    await assert.rejects(f.consume(named('m1', 'm2'), ctx));
    b.down = false;
    await f.consume(named('m1'), ctx); // a retry may carry fewer items (an expired message left)
    assert.deepEqual(a.got, ['m1', 'm2']);
    assert.deepEqual(b.got, ['m1']);
  });

  it('reaches every consumer without a key, or under another key', async () => {
    const [a, b] = [exporter(), exporter()];
    b.down = true;
    const f = fanout([a, b]);
    await assert.rejects(f.consume(named('m1')));
    await assert.rejects(f.consume(named('m1'), { retryKey: new RetryKey() }));
    await assert.rejects(f.consume(named('m1'), { retryKey: new RetryKey() }));
    assert.deepEqual(a.got, ['m1', 'm1', 'm1']);
  });

  it('leaves out of a regrouped retry exactly the items a consumer accepted before', async () => {
    const [a, b] = [exporter(), exporter(true)];
    b.down = true;
    const f = fanout([a, b]);
    const [k1, k2] = [new RetryKey(), new RetryKey()];
    const first = [
      { items: 2, share: new Share(k1, 2) },
      { items: 1, share: new Share(k2, 1) },
    ];
    await assert.rejects(f.consume(named('k1a', 'k1b', 'k2'), { parts: first }));
    b.down = false;
    // The batch grouped them differently this time, with an OTLP request's record (no key) between them.
    const again = [{ items: 1, share: new Share(k2, 1) }, { items: 1 }, { items: 2, share: new Share(k1, 2) }];
    await f.consume(named('k2', 'otlp', 'k1a', 'k1b'), { parts: again });
    assert.deepEqual(a.got, ['k1a', 'k1b', 'k2', 'otlp']);
    assert.deepEqual(b.got, ['k2', 'otlp', 'k1a', 'k1b']);
  });

  it('counts a sender data accepted only once every piece of it was, and then leaves it all out', async () => {
    const [a, b] = [exporter(), exporter()];
    const f = fanout([a, b]);
    const k = new RetryKey();
    const share = new Share(k, 3);
    a.down = b.down = true;
    await assert.rejects(f.consume(named('p1', 'p2'), { parts: [{ items: 2, share }] }));
    a.down = false;
    await assert.rejects(f.consume(named('p3'), { parts: [{ items: 1, share }] }));
    // a took only p3 of the three: it is sent them all again (at least once), rather than some never.
    const retry = { parts: [{ items: 3, share: new Share(k, 3) }] };
    await assert.rejects(f.consume(named('p1', 'p2', 'p3'), retry));
    assert.deepEqual(a.got, ['p3', 'p1', 'p2', 'p3']);
    b.down = false;
    await f.consume(named('p1', 'p2', 'p3'), { parts: [{ items: 3, share: new Share(k, 3) }] });
    assert.deepEqual(a.got, ['p3', 'p1', 'p2', 'p3']);
    assert.deepEqual(b.got, ['p1', 'p2', 'p3']);
  });

  it('sends everything to everyone when the parts do not add up to the data (a consumer changed it)', async () => {
    const [a, b] = [exporter(), exporter()];
    b.down = true;
    const f = fanout([a, b]);
    const k = new RetryKey();
    await assert.rejects(f.consume(named('x', 'y'), { parts: [{ items: 2, share: new Share(k, 2) }] }));
    await assert.rejects(f.consume(named('x', 'y', 'z'), { parts: [{ items: 2, share: new Share(k, 2) }] }));
    assert.deepEqual(a.got, ['x', 'y', 'x', 'y', 'z']);
  });

  it('keeps one record per fan-out: pipelines and their exporters under one key', async () => {
    const [a, b, c] = [exporter(), exporter(), exporter()];
    b.down = true;
    // A receiver feeding two pipelines; the first has two exporters, the second one.
    const f = fanout<Logs>([fanout([a, b]), c]);
    const ctx = { retryKey: new RetryKey() };
    await assert.rejects(f.consume(named('m'), ctx));
    b.down = false;
    await f.consume(named('m'), ctx);
    await f.consume(named('m'), ctx); // a sender would not, but a settled key stays settled
    assert.deepEqual([a.got, b.got, c.got], [['m'], ['m'], ['m']]);
  });
});
