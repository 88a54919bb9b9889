// How the exporter settles when the destination fails, throttles, partly rejects, is slow or away, and at shutdown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerError } from '../../core/errors.ts';
import { encodeResponse, encodeResponseJson } from '../../otlp/index.ts';
import { eventually, freePort } from '../../test/helpers/hub.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { FAST_RETRY, configFor, startExporter } from '../../test/helpers/exporter-harness.ts';
import { otlpHttpFactory } from './factory.ts';
import { startHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import type { Reply, TestHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';

const isRetryable = (e: unknown): e is ConsumerError => e instanceof ConsumerError && e.retryable;
const isPermanent = (e: unknown): e is ConsumerError => e instanceof ConsumerError && !e.retryable;

describe('otlphttp exporter failures', () => {
  let server: TestHttpServer;
  before(async () => {
    server = await startHttpServer();
  });
  after(() => server.close());
  const reset = (reply: TestHttpServer['reply'] = () => undefined): void => {
    server.calls.length = 0;
    server.reply = reply;
  };
  const start = (raw: Record<string, unknown> = {}) =>
    startExporter(otlpHttpFactory, { endpoint: server.url, retry_on_failure: FAST_RETRY, ...raw });

  it('retries 503 until accepted: the data arrives once and consume resolves', async () => {
    reset((_c, n) => (n < 2 ? { status: 503 } : undefined));
    const { exporter } = await start();
    await exporter.traces.consume(sampleTraces());
    await exporter.shutdown?.();
    assert.equal(server.calls.length, 3);
    assert.deepEqual(server.calls[2]?.data, sampleTraces());
  });

  it('honours Retry-After and marks 429 as throttling', async () => {
    reset((_c, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined));
    const { exporter } = await start();
    const t0 = Date.now();
    await exporter.metrics.consume(sampleMetrics());
    assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After rather than the 10ms backoff');
    await exporter.shutdown?.();

    reset(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const once = await start({ retry_on_failure: { enabled: false } });
    const err = await once.exporter.metrics.consume(sampleMetrics()).catch((e: unknown) => e);
    await once.exporter.shutdown?.();
    assert.ok(isRetryable(err) && err.throttled && err.retryAfterMs === 7000, String(err));
  });

  for (const status of [502, 504]) {
    it(`treats ${status} as retryable`, async () => {
      reset(() => ({ status }));
      const { exporter } = await start({ retry_on_failure: { enabled: false } });
      const err = await exporter.logs.consume(sampleLogs()).catch((e: unknown) => e);
      await exporter.shutdown?.();
      assert.ok(isRetryable(err) && !err.throttled, String(err));
    });
  }

  const status = (message: string, json: boolean): Reply => ({
    status: 400,
    headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
    // google.rpc.Status { code = 1: 3 (INVALID_ARGUMENT), message = 2 }.
    body: json
      ? JSON.stringify({ code: 3, message })
      : Buffer.concat([Buffer.from([0x08, 3, 0x12, message.length]), Buffer.from(message)]),
  });
  for (const json of [false, true]) {
    it(`rejects 400 permanently without retrying, quoting the server's Status (${json ? 'JSON' : 'protobuf'})`, async () => {
      reset(() => status('span name is required', json));
      const { exporter, settings } = await start({ encoding: json ? 'json' : 'proto' });
      const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
      await exporter.shutdown?.();
      assert.ok(isPermanent(err), String(err));
      assert.match(err.message, /HTTP 400 Bad Request: span name is required/);
      assert.equal(server.calls.length, 1);
      assert.deepEqual(settings.statuses, [], 'bad data says nothing about the destination');
    });
  }

  for (const json of [false, true]) {
    it(`counts a partial success and resolves (${json ? 'JSON' : 'protobuf'})`, async () => {
      const partial = { rejected: 2, errorMessage: 'too old' };
      reset((c) => ({
        status: 200,
        headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
        body: json ? encodeResponseJson(c.signal, partial) : encodeResponse(c.signal, partial),
      }));
      const { exporter, telemetry, settings } = await start({ encoding: json ? 'json' : 'proto' });
      await exporter.metrics.consume(sampleMetrics());
      await exporter.shutdown?.();
      assert.equal(server.calls.length, 1, 'not retried');
      assert.equal(
        await telemetry.value('otelhub_exporter_partial_success_rejected_total', {
          exporter: 'otlp_http/test',
          data_type: 'metrics',
        }),
        2,
      );
      assert.ok(settings.logger.lines.some((l) => l.error_message === 'too old'));
    });
  }

  it('refuses at once, retryable and throttled, when the queue is full', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    reset(async () => (await gate, undefined));
    const { exporter } = await start({ sending_queue: { num_consumers: 1, queue_size: 1 } });
    const accepted = [exporter.logs.consume(sampleLogs()), exporter.logs.consume(sampleLogs())];
    await eventually(() => server.calls.length === 1, 'first request at the server');
    const err = await exporter.logs.consume(sampleLogs()).catch((e: unknown) => e);
    assert.ok(isRetryable(err) && err.throttled, String(err));
    open();
    await Promise.all(accepted);
    await exporter.shutdown?.();
    assert.equal(server.calls.length, 2);
  });

  it('rejects retryably once max_elapsed_time is used up', async () => {
    reset(() => ({ status: 503 }));
    const { exporter } = await start({
      retry_on_failure: { ...FAST_RETRY, max_interval: '10ms', max_elapsed_time: '100ms' },
    });
    const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(isRetryable(err), String(err));
    assert.match(err.message, /no more retries left: .*HTTP 503/);
    assert.ok(server.calls.length > 1);
  });

  it('at shutdown cuts retry waits short (retryable) and drains the queue', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    // Traces fail and wait an hour for their retry; logs are held at the server until the gate opens.
    reset(async (c) =>
      c.signal === 'traces' ? { status: 503, headers: { 'retry-after': '3600' } } : (await gate, undefined),
    );
    const { exporter } = await start({
      retry_on_failure: { ...FAST_RETRY, max_elapsed_time: 0 },
      sending_queue: { num_consumers: 1, queue_size: 10 },
    });
    const waiting = exporter.traces.consume(sampleTraces());
    const queued = [
      exporter.logs.consume(sampleLogs()),
      exporter.logs.consume(sampleLogs()),
      exporter.logs.consume(sampleLogs()),
    ];
    await eventually(
      () => server.calls.some((c) => c.signal === 'traces') && server.calls.some((c) => c.signal === 'logs'),
      'both at the server',
    );
    const stopping = exporter.shutdown!();
    const err = await waiting.catch((e: unknown) => e);
    assert.ok(isRetryable(err) && /shutting down/.test(err.message), String(err));
    const late = await exporter.logs.consume(sampleLogs()).catch((e: unknown) => e);
    assert.ok(isRetryable(late), 'nothing new after shutdown started');
    open();
    await Promise.all([...queued, stopping]);
    assert.equal(server.calls.filter((c) => c.signal === 'logs').length, 3, 'every queued request was sent');
  });

  it('loses nothing while the destination is down: consume resolves once it is back', async () => {
    const port = await freePort();
    const { exporter, settings } = await startExporter(otlpHttpFactory, {
      endpoint: `http://127.0.0.1:${port}`,
      retry_on_failure: FAST_RETRY,
    });
    let settled = false;
    const sent = exporter.traces.consume(sampleTraces()).finally(() => (settled = true));
    await sleep(200);
    assert.equal(settled, false, 'still retrying');
    // Readiness follows: unhealthy (once, not at every attempt) while down, ok again after the first success.
    assert.deepEqual(settings.statuses, ['recoverable_error']);
    const later = await startHttpServer({ port });
    try {
      await sent;
      assert.deepEqual(
        later.calls.map((c) => c.data),
        [sampleTraces()],
      );
      assert.deepEqual(settings.statuses, ['recoverable_error', 'ok']);
    } finally {
      await exporter.shutdown?.();
      await later.close();
    }
  });

  it('gives up on a request that gets no answer within timeout, retryably', async () => {
    reset(() => new Promise<undefined>(() => {}));
    const { exporter } = await start({ timeout: '100ms', retry_on_failure: { enabled: false } });
    const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
    assert.ok(isRetryable(err) && /within 100ms/.test(err.message), String(err));
    await exporter.shutdown?.();
  });

  it('refuses data before start and never throws synchronously', async () => {
    const exporter = await otlpHttpFactory.createExporter(
      testSettings('otlphttp', 'exporter'),
      configFor(otlpHttpFactory, { endpoint: server.url }),
    );
    const p = exporter.traces!.consume(sampleTraces());
    assert.ok(isRetryable(await p.catch((e: unknown) => e)));
    await exporter.shutdown?.();
  });
});
