import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleLogs } from '../test/helpers/sample-data.ts';
import type { Consumer } from './consumer.ts';
import { isPermanent, isRetryable, permanentError, retryableError } from './errors.ts';
import { fanout } from './fanout.ts';
import type { Logs } from './pdata/index.ts';

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
