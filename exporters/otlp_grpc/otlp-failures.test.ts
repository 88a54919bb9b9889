// How the exporter settles on each gRPC status, on partial success, and when the destination is away for a while.
import { status as GrpcStatus } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerError } from '../../core/errors.ts';
import { freePort } from '../../test/helpers/hub.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import { FAST_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { otlpFactory } from './factory.ts';
import { startGrpcServer, statusWithRetryInfo } from '../../test/helpers/otlp-grpc-exporter-server.ts';
import type { TestGrpcServer } from '../../test/helpers/otlp-grpc-exporter-server.ts';

const isRetryable = (e: unknown): e is ConsumerError => e instanceof ConsumerError && e.retryable;
const isPermanent = (e: unknown): e is ConsumerError => e instanceof ConsumerError && !e.retryable;

describe('otlp exporter failures', () => {
  let server: TestGrpcServer;
  before(async () => {
    server = await startGrpcServer();
  });
  after(() => server.close());
  const reset = (reply: TestGrpcServer['reply'] = () => undefined): void => {
    server.calls.length = 0;
    server.reply = reply;
  };
  const start = (raw: Record<string, unknown> = {}) =>
    startExporter(otlpFactory, { endpoint: `http://${server.address}`, retry_on_failure: FAST_RETRY, ...raw });

  it('retries UNAVAILABLE until accepted: the data arrives once and consume resolves', async () => {
    reset((_c, n) => (n < 2 ? { code: GrpcStatus.UNAVAILABLE, details: 'overloaded' } : undefined));
    const { exporter } = await start();
    await exporter.traces.consume(sampleTraces());
    await exporter.shutdown?.();
    assert.equal(server.calls.length, 3);
    assert.deepEqual(server.calls[2]?.data, sampleTraces());
  });

  it('rejects INVALID_ARGUMENT permanently without retrying, quoting the server', async () => {
    reset(() => ({ code: GrpcStatus.INVALID_ARGUMENT, details: 'span name is required' }));
    const { exporter } = await start();
    const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(isPermanent(err), String(err));
    assert.match(err.message, /INVALID_ARGUMENT: span name is required/);
    assert.equal(server.calls.length, 1);
  });

  it('retries RESOURCE_EXHAUSTED with RetryInfo, waiting its delay', async () => {
    reset((_c, n) =>
      n === 0
        ? {
            code: GrpcStatus.RESOURCE_EXHAUSTED,
            statusDetails: statusWithRetryInfo(GrpcStatus.RESOURCE_EXHAUSTED, 400),
          }
        : undefined,
    );
    const { exporter } = await start();
    const t0 = Date.now();
    await exporter.metrics.consume(sampleMetrics());
    await exporter.shutdown?.();
    assert.equal(server.calls.length, 2);
    assert.ok(Date.now() - t0 >= 390, 'waited for RetryInfo rather than the 10ms backoff');
  });

  it('reports RESOURCE_EXHAUSTED with RetryInfo as throttling, with its delay', async () => {
    reset(() => ({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      statusDetails: statusWithRetryInfo(GrpcStatus.RESOURCE_EXHAUSTED, 2500),
    }));
    const { exporter } = await start({ retry_on_failure: { enabled: false } });
    const err = await exporter.metrics.consume(sampleMetrics()).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(isRetryable(err) && err.throttled && err.retryAfterMs === 2500, String(err));
  });

  it('rejects RESOURCE_EXHAUSTED without RetryInfo permanently, without retrying', async () => {
    reset(() => ({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'quota exceeded' }));
    const { exporter } = await start();
    const err = await exporter.logs.consume(sampleLogs()).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(isPermanent(err), String(err));
    assert.equal(server.calls.length, 1);
  });

  it('counts a partial success and resolves', async () => {
    reset(() => ({ partial: { rejected: 4, errorMessage: 'bad points' } }));
    const { exporter, telemetry } = await start();
    await exporter.metrics.consume(sampleMetrics());
    await exporter.shutdown?.();
    assert.equal(server.calls.length, 1);
    assert.equal(
      await telemetry.value('otelhub_exporter_partial_success_rejected_total', {
        exporter: 'otlp_grpc/test',
        data_type: 'metrics',
      }),
      4,
    );
  });

  it('gives up on a request without an answer at the deadline, retryably', async () => {
    reset(() => new Promise(() => {}));
    const { exporter } = await start({ timeout: '100ms', retry_on_failure: { enabled: false } });
    const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
    await exporter.shutdown?.();
    assert.ok(isRetryable(err) && /DEADLINE_EXCEEDED/.test(err.message), String(err));
  });

  it('loses nothing while the destination is down: consume resolves once it is back', async () => {
    const port = await freePort();
    const { exporter } = await startExporter(otlpFactory, {
      endpoint: `http://127.0.0.1:${port}`,
      retry_on_failure: FAST_RETRY,
    });
    let settled = false;
    const sent = exporter.logs.consume(sampleLogs()).finally(() => (settled = true));
    await sleep(200);
    assert.equal(settled, false, 'still retrying');
    const later = await startGrpcServer({ port });
    try {
      await sent;
      assert.deepEqual(
        later.calls.map((c) => c.data),
        [sampleLogs()],
      );
    } finally {
      await exporter.shutdown?.();
      await later.close();
    }
  });
});
