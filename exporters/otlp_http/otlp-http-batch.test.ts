// sending_queue.batch through a real otlphttp exporter to a real OTLP/HTTP server: several small requests go out as
// one export, and each sender is answered with that export's outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsumerError } from '../../core/errors.ts';
import { NO_RETRY, settled, startExporter } from '../../test/helpers/exporter-harness.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { startHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import { otlpHttpFactory } from './factory.ts';

describe('otlphttp exporter with sending_queue.batch', () => {
  let server: TestHttpServer;
  before(async () => {
    server = await startHttpServer();
  });
  after(() => server.close());

  const start = (batch: Record<string, unknown>) =>
    startExporter(otlpHttpFactory, { endpoint: server.url, ...NO_RETRY, sending_queue: { batch } });

  it('merges several small requests into one export of min_size items', async () => {
    server.calls.length = 0;
    server.reply = () => undefined;
    const { exporter } = await start({ min_size: 10, flush_timeout: '1m' });
    try {
      await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((p) => exporter.traces.consume(namedItems('traces', names(2, p)))),
      );
      assert.equal(server.calls.length, 1, 'five requests of 2 spans went out as one');
      const call = server.calls[0];
      assert.ok(call);
      assert.equal(call.path, '/v1/traces');
      assert.deepEqual(
        itemNames('traces', call.data),
        ['a', 'b', 'c', 'd', 'e'].flatMap((p) => names(2, p)),
      );
    } finally {
      await exporter.shutdown?.();
    }
  });

  it('splits at max_size and answers every sender of a refused export with its refusal', async () => {
    server.calls.length = 0;
    // The export carrying "b" is refused for good (404); the one carrying "a" is accepted.
    server.reply = (call) => (itemNames('logs', call.data).includes('b0') ? { status: 404 } : undefined);
    const { exporter } = await start({ min_size: 3, max_size: 3, flush_timeout: '1m' });
    try {
      const [a, b] = await Promise.all([
        settled(exporter.logs.consume(namedItems('logs', names(3, 'a')))),
        settled(exporter.logs.consume(namedItems('logs', names(3, 'b')))),
      ]);
      assert.equal(a.ok, true);
      assert.ok(!b.ok && b.error instanceof ConsumerError && !b.error.retryable);
      // Two exports, one per sender; they may reach the server in either order (the queue sends concurrently).
      assert.deepEqual(
        server.calls.map((c) => itemNames('logs', c.data)).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        [names(3, 'a'), names(3, 'b')],
      );
    } finally {
      await exporter.shutdown?.();
    }
  });
});
