// OTLP/HTTP with requests built by hand: encodings, compression, the size limit, every refusal and its status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { permanentError, retryableError } from '../../core/errors.ts';
import { decodeResponse, encodeRequest, encodeRequestJson } from '../../otlp/index.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { PERMANENT_TEXT, UNAVAILABLE_TEXT } from './status.ts';
import { JSON_TYPE, PROTO, decodeStatus, send } from '../../test/helpers/otlp-receiver-http-client.ts';

const LIMIT = 64 * 1024;
const traces = () => encodeRequest('traces', sampleTraces());

describe('otlp receiver: HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver(
      { protocols: { http: { endpoint: 'localhost:0', max_request_body_size: LIMIT } } },
      { signals: ['traces', 'logs'] },
    );
  });
  after(() => h.stop());
  const url = (path = '/v1/traces') => `${h.httpUrl}${path}`;
  const reset = () => {
    h.rec.got.traces.length = 0;
    h.rec.got.logs.length = 0;
    h.rec.failures.length = 0;
    h.rec.calls = 0;
  };

  it('takes protobuf and answers an empty protobuf response once the pipeline has the data', async () => {
    reset();
    const r = await send(url(), { headers: PROTO, body: traces() });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    assert.equal(decodeResponse('traces', r.body), undefined);
    assert.deepEqual(h.rec.got.traces, [sampleTraces()]);
    assert.equal(h.rec.ctxs.at(-1)?.transport, 'http');
  });

  it('takes JSON (with a charset parameter) and answers JSON', async () => {
    reset();
    const r = await send(url('/v1/logs?x=1'), {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: encodeRequestJson('logs', sampleLogs()),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.doesNotThrow(() => JSON.parse(r.body.toString()) as unknown);
    assert.deepEqual(h.rec.got.logs, [sampleLogs()]);
  });

  for (const [enc, zip] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`decompresses Content-Encoding: ${enc}`, async () => {
      reset();
      const r = await send(url(), { headers: { ...PROTO, 'content-encoding': enc }, body: zip(traces()) });
      assert.equal(r.status, 200);
      assert.deepEqual(h.rec.got.traces, [sampleTraces()]);
    });
  }

  it('refuses an unknown Content-Encoding with 415, and corrupt gzip with 400', async () => {
    assert.equal(
      (await send(url(), { headers: { ...PROTO, 'content-encoding': 'zstd' }, body: traces() })).status,
      415,
    );
    const r = await send(url(), {
      headers: { ...PROTO, 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
    });
    assert.equal(r.status, 400);
    assert.equal(decodeStatus(r.body).code, 3);
  });

  it('answers a malformed payload 400 with a google.rpc.Status in the request encoding', async () => {
    reset();
    const p = await send(url(), { headers: PROTO, body: Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]) });
    assert.equal(p.status, 400);
    assert.equal(p.headers['content-type'], 'application/x-protobuf');
    const status = decodeStatus(p.body);
    assert.equal(status.code, 3);
    assert.ok(status.message.length > 0);
    const j = await send(url(), { headers: JSON_TYPE, body: '{"resourceSpans": [' });
    assert.equal(j.status, 400);
    assert.equal(j.headers['content-type'], 'application/json');
    const body = JSON.parse(j.body.toString()) as { code: number; message: string };
    assert.equal(body.code, 3);
    assert.ok(body.message.length > 0);
    assert.equal(h.rec.calls, 0, 'nothing reached the pipeline');
  });

  it('refuses wrong content types (415), methods (405), paths (404) and signals without a pipeline (404)', async () => {
    assert.equal((await send(url(), { headers: { 'content-type': 'text/plain' }, body: 'x' })).status, 415);
    assert.equal((await send(url(), { body: traces() })).status, 415);
    const get = await send(url(), { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal((await send(url('/v1/other'), { headers: PROTO, body: traces() })).status, 404);
    assert.equal((await send(url('/v1/traces/x'), { headers: PROTO, body: traces() })).status, 404);
    const metrics = await send(url('/v1/metrics'), { headers: PROTO, body: encodeRequest('metrics', sampleMetrics()) });
    assert.equal(metrics.status, 404);
    assert.equal(decodeStatus(metrics.body).code, 12);
  });

  it('maps pipeline errors: permanent 400, retryable 503, throttled 429, with Retry-After in whole seconds', async () => {
    reset();
    h.rec.failures.push(permanentError('cannot be stored'));
    const perm = await send(url(), { headers: PROTO, body: traces() });
    assert.equal(perm.status, 400);
    assert.deepEqual(decodeStatus(perm.body), { code: 3, message: PERMANENT_TEXT, details: [] });

    h.rec.failures.push(new Error('a bug downstream'));
    const plain = await send(url(), { headers: JSON_TYPE, body: encodeRequestJson('traces', sampleTraces()) });
    assert.equal(plain.status, 503);
    assert.equal(plain.headers['retry-after'], undefined);
    assert.deepEqual(JSON.parse(plain.body.toString()), { code: 14, message: UNAVAILABLE_TEXT });

    h.rec.failures.push(retryableError('exporter down', { retryAfterMs: 1500 }));
    const later = await send(url(), { headers: PROTO, body: traces() });
    assert.equal(later.status, 503);
    assert.equal(later.headers['retry-after'], '2');

    h.rec.failures.push(retryableError('queue full', { throttled: true, retryAfterMs: 3000 }));
    const slow = await send(url(), { headers: PROTO, body: traces() });
    assert.equal(slow.status, 429);
    assert.equal(slow.headers['retry-after'], '3');
    assert.equal(decodeStatus(slow.body).code, 8);
    assert.equal(h.rec.got.traces.length, 0);
  });

  it('answers 413 past max_request_body_size, on the wire or once decompressed, without taking the data', async () => {
    reset();
    const big = Buffer.alloc(LIMIT + 1, 1);
    const declared = await send(url(), { headers: PROTO, body: big });
    assert.equal(declared.status, 413);
    assert.equal(decodeStatus(declared.body).code, 8);
    const chunked = await send(url(), { headers: PROTO, chunks: [big.subarray(0, 40_000), big.subarray(40_000)] });
    assert.equal(chunked.status, 413);
    // About 64 KiB of zeros compresses to under 100 bytes: only the decompressed size can catch it.
    const bomb = gzipSync(Buffer.alloc(LIMIT * 16));
    assert.ok(bomb.length < LIMIT / 10);
    const r = await send(url(), { headers: { ...PROTO, 'content-encoding': 'gzip' }, body: bomb });
    assert.equal(r.status, 413);
    assert.equal(h.rec.calls, 0);
    // And the listener still serves.
    assert.equal((await send(url(), { headers: PROTO, body: traces() })).status, 200);
  });
});

describe('otlp receiver: HTTP url paths and CORS', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver({
      protocols: {
        http: {
          endpoint: 'localhost:0',
          traces_url_path: 'custom/traces',
          cors: {
            allowed_origins: ['https://*.example.com', 'http://localhost:3000'],
            allowed_headers: ['X-Custom'],
            max_age: 7200,
          },
        },
      },
    });
  });
  after(() => h.stop());

  it('serves a configured path (a missing leading slash added, as the Collector does)', async () => {
    assert.equal((await send(`${h.httpUrl}/custom/traces`, { headers: PROTO, body: traces() })).status, 200);
    assert.equal((await send(`${h.httpUrl}/v1/traces`, { headers: PROTO, body: traces() })).status, 404);
  });

  it('answers preflights for allowed origins only', async () => {
    const preflight = (origin: string, headers = 'content-type, x-custom') =>
      send(`${h.httpUrl}/v1/logs`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
      });
    const ok = await preflight('https://app.example.com');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(ok.headers['access-control-allow-methods'], 'POST');
    assert.equal(ok.headers['access-control-allow-headers'], 'content-type, x-custom');
    assert.equal(ok.headers['access-control-max-age'], '7200');
    assert.equal(
      (await preflight('http://localhost:3000')).headers['access-control-allow-origin'],
      'http://localhost:3000',
    );
    for (const refused of [
      await preflight('https://evil.com'),
      await preflight('https://example.com'),
      await preflight('https://a.example.com', 'x-other'),
    ]) {
      assert.equal(refused.status, 204);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
    }
  });

  it('marks responses to allowed origins', async () => {
    const r = await send(`${h.httpUrl}/v1/logs`, {
      headers: { ...JSON_TYPE, origin: 'https://app.example.com' },
      body: encodeRequestJson('logs', sampleLogs()),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
    const other = await send(`${h.httpUrl}/v1/logs`, {
      headers: { ...JSON_TYPE, origin: 'https://evil.com' },
      body: encodeRequestJson('logs', sampleLogs()),
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('without cors, an OPTIONS request is just a wrong method', async () => {
    const plain = await startReceiver({ protocols: { http: { endpoint: 'localhost:0' } } });
    try {
      const r = await send(`${plain.httpUrl}/v1/logs`, {
        method: 'OPTIONS',
        headers: { origin: 'https://a.example.com', 'access-control-request-method': 'POST' },
      });
      assert.equal(r.status, 405);
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    } finally {
      await plain.stop();
    }
  });
});
