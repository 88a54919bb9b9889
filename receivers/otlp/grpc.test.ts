// OTLP/gRPC with a raw client: status codes, RetryInfo for throttling, the message size limit, gzip, and services
// without a pipeline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { permanentError, retryableError } from '../../core/errors.ts';
import { decodeResponse, encodeRequest } from '../../otlp/index.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { PERMANENT_TEXT } from './status.ts';
import { rawGrpc } from '../../test/helpers/otlp-receiver-grpc-client.ts';
import type { GrpcReply, RawGrpc } from '../../test/helpers/otlp-receiver-grpc-client.ts';
import { decodeRetryDelayMs, decodeStatus } from '../../test/helpers/otlp-receiver-http-client.ts';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

function failed(r: GrpcReply): ServiceError {
  assert.equal(r.ok, false, 'the call must fail');
  return (r as { err: ServiceError }).err;
}

function retryInfoOf(err: ServiceError): { delayMs: number | undefined } | undefined {
  const bin = err.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return undefined;
  const st = decodeStatus(bin as Buffer);
  assert.equal(st.code, err.code, 'details carry the same code');
  const info = st.details.find((d) => d.typeUrl === RETRY_INFO);
  return info && { delayMs: decodeRetryDelayMs(info.value) };
}

describe('otlp receiver: gRPC', () => {
  let h: Harness;
  let c: RawGrpc;
  before(async () => {
    // Metrics have no pipeline here: their service must be UNIMPLEMENTED.
    h = await startReceiver(
      { protocols: { grpc: { endpoint: 'localhost:0', max_recv_msg_size_mib: 0.0625 } } },
      { signals: ['traces', 'logs'] },
    );
    c = rawGrpc(h.receiver.grpcPort ?? 0);
  });
  after(async () => {
    c.close();
    await h.stop();
  });
  const reset = () => {
    h.rec.got.traces.length = 0;
    h.rec.failures.length = 0;
    h.rec.calls = 0;
  };

  it('answers OK with an empty response once the pipeline has the data', async () => {
    reset();
    const r = await c.exportRaw('traces', encodeRequest('traces', sampleTraces()));
    assert.ok(r.ok);
    assert.equal(decodeResponse('traces', r.body), undefined);
    assert.deepEqual(h.rec.got.traces, [sampleTraces()]);
    assert.equal(h.rec.ctxs.at(-1)?.transport, 'grpc');
    assert.equal(h.receiver.httpPort, undefined, 'http is off when only grpc is listed');
  });

  it('decodes gzip-compressed requests', async () => {
    const gz = rawGrpc(h.receiver.grpcPort ?? 0, { options: { 'grpc.default_compression_algorithm': 2 } });
    try {
      const before = h.rec.got.logs.length;
      assert.ok((await gz.exportRaw('logs', encodeRequest('logs', sampleLogs()))).ok);
      assert.deepEqual(h.rec.got.logs.slice(before), [sampleLogs()]);
    } finally {
      gz.close();
    }
  });

  it('answers a malformed message INVALID_ARGUMENT without reaching the pipeline', async () => {
    reset();
    const err = failed(await c.exportRaw('traces', Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02])));
    assert.equal(err.code, status.INVALID_ARGUMENT);
    assert.equal(h.rec.calls, 0);
  });

  it('answers UNIMPLEMENTED for a signal no pipeline takes', async () => {
    assert.equal(
      failed(await c.exportRaw('metrics', encodeRequest('metrics', sampleMetrics()))).code,
      status.UNIMPLEMENTED,
    );
  });

  it('answers RESOURCE_EXHAUSTED past max_recv_msg_size_mib', async () => {
    reset();
    const err = failed(await c.exportRaw('traces', Buffer.alloc(64 * 1024 + 1, 0)));
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    assert.equal(retryInfoOf(err), undefined, 'no RetryInfo: resending the same message cannot help');
    assert.equal(h.rec.calls, 0);
  });

  it('maps pipeline errors: permanent INVALID_ARGUMENT, retryable UNAVAILABLE, throttled RESOURCE_EXHAUSTED with RetryInfo', async () => {
    reset();
    const body = encodeRequest('traces', sampleTraces());
    h.rec.failures.push(permanentError('cannot be stored'));
    const perm = failed(await c.exportRaw('traces', body));
    assert.equal(perm.code, status.INVALID_ARGUMENT);
    assert.equal(perm.details, PERMANENT_TEXT, 'a generic text: the pipeline error stays in the log');

    h.rec.failures.push(retryableError('exporter down'));
    const down = failed(await c.exportRaw('traces', body));
    assert.equal(down.code, status.UNAVAILABLE);
    assert.equal(retryInfoOf(down), undefined);

    h.rec.failures.push(retryableError('exporter down', { retryAfterMs: 2500 }));
    assert.deepEqual(retryInfoOf(failed(await c.exportRaw('traces', body))), { delayMs: 2500 });

    h.rec.failures.push(retryableError('queue full', { throttled: true, retryAfterMs: 1250 }));
    const slow = failed(await c.exportRaw('traces', body));
    assert.equal(slow.code, status.RESOURCE_EXHAUSTED);
    assert.deepEqual(retryInfoOf(slow), { delayMs: 1250 });

    // Without a delay the RetryInfo is still there: it is what tells clients RESOURCE_EXHAUSTED is worth retrying.
    h.rec.failures.push(retryableError('queue full', { throttled: true }));
    assert.deepEqual(retryInfoOf(failed(await c.exportRaw('traces', body))), { delayMs: undefined });
    assert.equal(h.rec.got.traces.length, 0);
  });
});
