import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerError } from '../../core/errors.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { sampleLogs } from '../../test/helpers/sample-data.ts';
import { QueueSender, queueGauges } from './queue-sender.ts';
import type { Send } from './send.ts';

/** A send that holds every request until released; counts how many run at once. */
function held(): Send & { release(): void; running: number; maxRunning: number; done: number } {
  let gate!: () => void;
  let opened = new Promise<void>((r) => (gate = r));
  const s = Object.assign(
    async () => {
      s.running++;
      s.maxRunning = Math.max(s.maxRunning, s.running);
      await opened;
      s.running--;
      s.done++;
      return {};
    },
    {
      running: 0,
      maxRunning: 0,
      done: 0,
      release() {
        gate();
        opened = new Promise<void>((r) => (gate = r));
      },
    },
  );
  return s;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('QueueSender', () => {
  it('settles a request only once it was sent: the in-memory queue does not acknowledge early', async () => {
    const send = held();
    const q = new QueueSender({ num_consumers: 2, queue_size: 10 }, send);
    let resolved = false;
    const p = q.send(sampleLogs(), 'logs').then(() => (resolved = true));
    await tick();
    assert.equal(resolved, false);
    send.release();
    await p;
    assert.equal(send.done, 1);
  });

  it('sends with at most num_consumers at once and refuses, throttled and retryable, when full', async () => {
    const send = held();
    const q = new QueueSender({ num_consumers: 2, queue_size: 1 }, send);
    const accepted = [q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs')];
    const refused = await q.send(sampleLogs(), 'logs').catch((e: unknown) => e);
    assert.ok(refused instanceof ConsumerError && refused.retryable && refused.throttled, String(refused));
    assert.match(String(refused), /queue is full/);
    await tick();
    assert.equal(send.running, 2);
    assert.equal(q.size, 1);
    send.release();
    await tick();
    send.release();
    await Promise.all(accepted);
    assert.equal(send.maxRunning, 2);
  });

  it('passes a failure back to the request it belongs to', async () => {
    const q = new QueueSender({ num_consumers: 1, queue_size: 1 }, () => Promise.reject(new Error('boom')));
    await assert.rejects(q.send(sampleLogs(), 'logs'), /boom/);
  });

  it('reports its size and capacity', async () => {
    const t = new Telemetry();
    const send = held();
    const q = new QueueSender({ num_consumers: 1, queue_size: 5 }, send, queueGauges(t, 'otlp', 'logs'));
    const labels = { exporter: 'otlp', data_type: 'logs' };
    const ps = [q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs')];
    assert.equal(await t.value('otelcol_exporter_queue_capacity', labels), 5);
    assert.equal(await t.value('otelcol_exporter_queue_size', labels), 2);
    for (let i = 0; i < 3; i++) {
      send.release();
      await tick();
    }
    await Promise.all(ps);
    assert.equal(await t.value('otelcol_exporter_queue_size', labels), 0);
  });

  it('at shutdown takes nothing new and drains what is queued, each request settling', async () => {
    const send = held();
    const q = new QueueSender({ num_consumers: 1, queue_size: 5 }, send);
    const ps = [q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs')];
    let drained = false;
    const stopping = q.shutdown().then(() => (drained = true));
    const late = await q.send(sampleLogs(), 'logs').catch((e: unknown) => e);
    assert.ok(late instanceof ConsumerError && late.retryable, 'refused after shutdown, retryably');
    for (let i = 0; i < 3; i++) {
      assert.equal(drained, false);
      send.release();
      await tick();
    }
    await Promise.all([...ps, stopping, q.shutdown()]);
    assert.equal(send.done, 3);
  });

  it('drops a waiting request whose sender gave up: it frees its slot and is never sent', async () => {
    const send = held();
    const q = new QueueSender({ num_consumers: 1, queue_size: 1 }, send);
    const first = q.send(sampleLogs(), 'logs');
    const gone = new AbortController();
    const second = q.send(sampleLogs(), 'logs', { signal: gone.signal });
    gone.abort();
    await assert.rejects(second, (e: unknown) => e instanceof ConsumerError && e.retryable);
    const third = q.send(sampleLogs(), 'logs');
    send.release();
    await first;
    await tick();
    send.release();
    await third;
    assert.equal(send.done, 2, 'the withdrawn request was not sent');
  });

  it('once shutdown began, a failed send fails every waiting request retryably', async () => {
    let calls = 0;
    let fail!: (e: Error) => void;
    const send: Send = () => {
      calls++;
      return new Promise((_, reject) => (fail = reject));
    };
    const q = new QueueSender({ num_consumers: 1, queue_size: 10 }, send);
    const sent = [q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs'), q.send(sampleLogs(), 'logs')];
    q.stopRetrying();
    fail(new Error('connection refused'));
    const results = await Promise.allSettled(sent);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof Error));
    assert.ok(results.slice(1).every((r) => r.status === 'rejected' && (r.reason as ConsumerError).retryable));
    assert.equal(calls, 1, 'the destination failed: the rest went back to their senders unsent');
    await q.shutdown();
  });
});
