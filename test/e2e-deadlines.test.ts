// Deadlines end to end, with the official OpenTelemetry JS exporters as clients and a real OTLP/HTTP destination:
// the seed 004 hub config (batch timeout 10s) answers clients before their 10 s default timeout; a client that
// runs out of time is told UNAVAILABLE / 503 before its deadline, and what it gave up on is not sent afterwards;
// shutdown with a failing destination does not wait out shutdown_timeout.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { forEachSpan, span, traces } from '../core/pdata/index.ts';
import type { Traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import type { HttpCall, TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import {
  TRANSPORTS,
  exportWith,
  makeLogs,
  makeSpans,
  officialExporters,
  shutdownAll,
} from './helpers/otlp-receiver-official-exporters.ts';
import { sampleTraces } from './helpers/sample-data.ts';

/** The seed's hub: otlp in, `batch: { send_batch_size: 4096, timeout: 10s }`, otlp_http out instead of its exporters. */
function seedConfig(destination: string, opts: { exporter?: string; service?: string; http?: string } = {}): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: localhost:0 }
      http: { endpoint: localhost:0${opts.http ?? ''} }
processors:
  batch:
    send_batch_size: 4096
    timeout: 10s
exporters:
  otlp_http:
    endpoint: ${destination}
${opts.exporter ?? ''}
service:
${opts.service ?? ''}
  telemetry:
    metrics: { level: none }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`;
}

const spanNames = (calls: HttpCall[]): string[] => {
  const out: string[] = [];
  for (const c of calls) if (c.signal === 'traces') forEachSpan(c.data as Traces, (s) => out.push(s.name));
  return out;
};

const base = (hub: TestHub, t: string): string =>
  t === 'grpc'
    ? `http://${hub.endpoint('OTLP gRPC receiver listening')}`
    : `http://${hub.endpoint('OTLP HTTP receiver listening')}`;

describe('deadlines', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('the seed 004 batch (timeout: 10s) answers official exporters within their 10 s default timeout', async () => {
    const dest = await startHttpServer();
    cleanup.push(() => dest.close());
    const hub = await startTestHub(seedConfig(dest.url));
    cleanup.push(() => hub.shutdown());
    for (const t of TRANSPORTS) {
      const o = officialExporters(t, base(hub, t));
      // Several at once: the first goes out at once, the others gather behind it and follow when it settles.
      const results: ExportResult[] = await Promise.all([
        ...['1', '2', '3'].map(async (n) => exportWith(o.traces, await makeSpans(`${t}-${n}`))),
        exportWith(o.logs, await makeLogs(t)),
      ]);
      await shutdownAll(o);
      assert.deepEqual(
        results.map((r) => [r.code, r.error?.message]),
        results.map(() => [ExportResultCode.SUCCESS, undefined]),
        t,
      );
      for (const n of ['1', '2', '3']) assert.ok(spanNames(dest.calls).includes(`span-${t}-${n}`), `${t} ${n}`);
    }
  });

  it('a client past its deadline is told UNAVAILABLE before it, and what it gave up on is not sent afterwards', async () => {
    const dest = await startHttpServer();
    let release!: () => void;
    const never = new Promise<undefined>((r) => (release = () => r(undefined)));
    // Never answers the request carrying span-a (until the test ends); answers everything else.
    dest.reply = (call) => (spanNames([call]).includes('span-a') ? never : undefined);
    cleanup.push(() => dest.close());
    cleanup.push(async () => release());
    // span-a's attempt outlives both clients' deadlines (3 s); a retry would follow 100 ms after it.
    const exporter = `    timeout: 3s
    retry_on_failure: { initial_interval: 100ms, randomization_factor: 0, max_elapsed_time: 60s }`;
    const hub = await startTestHub(seedConfig(dest.url, { exporter }));
    cleanup.push(() => hub.shutdown());
    const url = base(hub, 'grpc');
    const a = officialExporters('grpc', url, { timeoutMillis: 2000 });
    const b = officialExporters('grpc', url, { timeoutMillis: 2000 });
    const resultA = exportWith(a.traces, await makeSpans('a'));
    await eventually(() => spanNames(dest.calls).includes('span-a'), 'span-a reaches the destination');
    // span-a's export is in flight, so span-b waits in the batch (for the 10 s timer or that export).
    const resultB = exportWith(b.traces, await makeSpans('b'));
    // An HTTP client that gives up (closes its request) while its data waits in the batch: withdrawn as well.
    await assert.rejects(
      fetch(`${base(hub, 'http')}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(encodeRequest('traces', traces([span({ name: 'span-gone' })]))),
        signal: AbortSignal.timeout(300),
      }),
      /abort|timeout/i,
    );
    const [ra, rb] = await Promise.all([resultA, resultB]);
    for (const r of [ra, rb]) {
      assert.equal(r.code, ExportResultCode.FAILED);
      assert.match(String(r.error), /UNAVAILABLE|14/, String(r.error));
      // Not the client's own DEADLINE_EXCEEDED: the hub answered before the deadline.
      assert.doesNotMatch(String(r.error), /DEADLINE/);
    }

    // A client with time left: it goes out at once. Had span-b stayed in the batch, it would go out with it.
    const c = officialExporters('grpc', url);
    assert.equal((await exportWith(c.traces, await makeSpans('c'))).code, ExportResultCode.SUCCESS);
    await Promise.all([shutdownAll(a), shutdownAll(b), shutdownAll(c)]);
    await hub.shutdown();
    assert.deepEqual(spanNames(dest.calls).sort(), ['span-a', 'span-c']);
    assert.ok(
      !hub.lines.some((l) => String(l.msg).startsWith('Exporting failed. Will retry')),
      'no retry past the deadline',
    );
  });

  it('an HTTP request still unsettled at response_timeout is answered 503 with Retry-After', async () => {
    const dest = await startHttpServer();
    let release!: () => void;
    const never = new Promise<undefined>((r) => (release = () => r(undefined)));
    dest.reply = () => never;
    cleanup.push(() => dest.close());
    cleanup.push(async () => release());
    const hub = await startTestHub(
      seedConfig(dest.url, { http: ', response_timeout: 1s', exporter: '    timeout: 1500ms' }),
    );
    cleanup.push(() => hub.shutdown());
    const res = await fetch(`${base(hub, 'http')}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(encodeRequest('traces', sampleTraces())),
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    await res.arrayBuffer();
  });

  it('shutdown with a failing destination stops retrying at once instead of waiting out shutdown_timeout', async () => {
    const dest: TestHttpServer = await startHttpServer();
    dest.reply = () => ({ status: 503 });
    cleanup.push(() => dest.close());
    const exporter = '    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 300s }';
    const hub = await startTestHub(seedConfig(dest.url, { exporter, service: '  shutdown_timeout: 20s' }));
    const o = officialExporters('grpc', base(hub, 'grpc'));
    const result = exportWith(o.traces, await makeSpans('s'));
    await eventually(() => dest.calls.length >= 2, 'the hub retries');
    await hub.shutdown();
    const r = await result;
    await shutdownAll(o);
    assert.equal(r.code, ExportResultCode.FAILED, 'the client keeps its data: it was not delivered');
    assert.match(String(r.error), /UNAVAILABLE|14/);
    assert.ok(
      !hub.lines.some((l) => String(l.msg).startsWith('shutdown deadline passed')),
      'shutdown_timeout not used up',
    );
    assert.ok(hub.lines.some((l) => l.msg === 'shutdown complete'));
  });
});
