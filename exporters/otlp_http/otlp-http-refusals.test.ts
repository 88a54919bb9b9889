// Refusals that splitting gets around, against real HTTP servers: 413 from the hub's own OTLP receiver with a small
// body limit (split until the parts fit), a destination refusing one item with 400 or 500 (everything else is
// delivered), refused credentials (retried until the rotated token is accepted), and the exporter's own bound in
// encoded bytes per request.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Consumer } from '../../core/consumer.ts';
import { ConsumerError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { PIPELINE_TYPES } from '../../core/pdata/index.ts';
import { bearerTokenAuthFactory } from '../../extensions/bearertokenauth/factory.ts';
import { FAST_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { startHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import { hostWith, testSettings } from '../../test/helpers/settings.ts';
import { otlpHttpFactory } from './factory.ts';

const DROPPED = 'otelhub_exporter_dropped_items_total';
const EXPORTER = 'otlp_http/test';

describe('otlphttp exporter: refusals', () => {
  let server: TestHttpServer;
  before(async () => {
    server = await startHttpServer();
  });
  after(() => server.close());
  const reset = (reply: TestHttpServer['reply'] = () => undefined): void => {
    server.calls.length = 0;
    server.reply = reply;
  };
  /** Names in the requests the server accepted, in order. */
  const accepted = (signal: PipelineType, refused: Set<number>): string[] =>
    server.calls.filter((_c, n) => !refused.has(n)).flatMap((c) => itemNames(signal, c.data));

  it('413 from the hub OTLP receiver: split until the parts fit; an item too large alone is dropped', async () => {
    const limit = 2048;
    const h = await startReceiver(
      { protocols: { http: { endpoint: 'localhost:0', max_request_body_size: limit } } },
      { signals: ['traces'] },
    );
    const { exporter, telemetry } = await startExporter(otlpHttpFactory, {
      endpoint: h.httpUrl,
      retry_on_failure: FAST_RETRY,
    });
    try {
      const all = names(200, 'a-span-with-a-name-long-enough-to-matter-');
      await exporter.traces.consume(namedItems('traces', all));
      const got = h.rec.got.traces.flatMap((t) => itemNames('traces', t));
      assert.deepEqual(got, all, 'every span once, in order');
      assert.ok(h.rec.got.traces.length >= 8, `split into parts under ${limit} bytes (${h.rec.got.traces.length})`);

      h.rec.got.traces.length = 0;
      const big = 'x'.repeat(limit * 2);
      await exporter.traces.consume(namedItems('traces', ['before', big, 'after']));
      assert.deepEqual(
        h.rec.got.traces.flatMap((t) => itemNames('traces', t)),
        ['before', 'after'],
      );
      assert.equal(await telemetry.value(DROPPED, { exporter: EXPORTER, data_type: 'traces', reason: 'too_large' }), 1);
    } finally {
      await exporter.shutdown?.();
      await h.stop();
    }
  });

  for (const signal of PIPELINE_TYPES) {
    for (const status of [400, 500]) {
      it(`${signal}: one item refused with ${status} is dropped and counted, all the others delivered`, async () => {
        const refused = new Set<number>();
        reset((c, n) => {
          if (!itemNames(signal, c.data).includes('poison')) return undefined;
          refused.add(n);
          return { status, headers: { 'content-type': 'application/json' }, body: '{"code":3,"message":"bad item"}' };
        });
        const all = names(64);
        all[37] = 'poison';
        const { exporter, telemetry, settings } = await startExporter(otlpHttpFactory, {
          endpoint: server.url,
          retry_on_failure: FAST_RETRY,
        });
        await (exporter[signal] as Consumer).consume(namedItems(signal, all));
        await exporter.shutdown?.();
        assert.deepEqual(
          accepted(signal, refused),
          all.filter((n) => n !== 'poison'),
          'everything else once, in order',
        );
        // Halving 64 items down to the one: one refused request per level, 7 levels.
        assert.equal(refused.size, 7);
        assert.equal(await telemetry.value(DROPPED, { exporter: EXPORTER, data_type: signal, reason: 'refused' }), 1);
        const line = settings.logger.lines.find((l) => /refused items on their own/.test(String(l.msg)));
        assert.match(String(line?.error), new RegExp(`HTTP ${status}.*bad item`));
      });
    }
  }

  it('fails permanently when every item is refused on its own', async () => {
    reset(() => ({ status: 400 }));
    const { exporter, telemetry } = await startExporter(otlpHttpFactory, { endpoint: server.url });
    const err = await exporter.logs.consume(namedItems('logs', names(4))).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(err instanceof ConsumerError && !err.retryable, String(err));
    assert.match(err.message, /all 4 items refused: .*HTTP 400/);
    assert.equal(server.calls.length, 7, '4 + 2 + 1 requests');
    assert.equal(await telemetry.value(DROPPED, { exporter: EXPORTER, data_type: 'logs', reason: 'refused' }), 4);
  });

  it('sends a request over max_request_bytes in parts within the bound', async () => {
    reset();
    const { exporter } = await startExporter(otlpHttpFactory, { endpoint: server.url, max_request_bytes: 1024 });
    const all = names(100, 'span-');
    await exporter.traces.consume(namedItems('traces', all));
    await exporter.shutdown?.();
    assert.deepEqual(accepted('traces', new Set()), all);
    assert.ok(server.calls.length > 2);
    for (const c of server.calls) assert.ok(c.body.length <= 1024, `${c.body.length} bytes`);
  });

  it('401 is retried, logged loudly, and the data is delivered once the token file holds the new token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelhub-auth-'));
    const file = join(dir, 'token');
    await writeFile(file, 'old');
    const ext = await bearerTokenAuthFactory.createExtension(testSettings('bearertokenauth/file', 'extension'), {
      scheme: 'Bearer',
      filename: file,
      header: 'authorization',
    });
    await ext.start?.(hostWith());
    reset((c) => (c.headers.authorization === 'Bearer new' ? undefined : { status: 401 }));
    const { exporter, telemetry, settings } = await startExporter(
      otlpHttpFactory,
      { endpoint: server.url, auth: { authenticator: 'bearertokenauth/file' }, retry_on_failure: FAST_RETRY },
      hostWith({ 'bearertokenauth/file': ext }),
    );
    try {
      const all = names(10);
      const sent = exporter.logs.consume(namedItems('logs', all));
      await eventually(() => server.calls.length >= 2, 'refused and retried');
      await writeFile(file, 'new');
      await sent;
      const ok = server.calls.filter((c) => c.headers.authorization === 'Bearer new');
      assert.equal(ok.length, 1, 'sent whole, once, with the new token');
      assert.deepEqual(itemNames('logs', ok[0]!.data), all);
      assert.ok(
        (await telemetry.value('otelhub_exporter_auth_refused_total', { exporter: EXPORTER, data_type: 'logs' })) >= 2,
      );
      const loud = settings.logger.lines.filter(
        (l) => l.level === 'error' && /refused the credentials/.test(String(l.msg)),
      );
      assert.equal(loud.length, 1, 'one line at once, the rest summed at the end of the window');
      assert.match(String(loud[0]?.error), /HTTP 401/);
    } finally {
      await exporter.shutdown?.();
      await ext.shutdown?.();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
