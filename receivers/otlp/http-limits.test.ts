// OTLP/HTTP's memory bounds: a JSON nesting bomb is refused as it is decompressed, and no more than
// max_concurrent_decodes requests read and decode their bodies at once; the others wait, up to response_timeout.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodeRequest, encodeRequestJson } from '../../otlp/index.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import type { Reply } from '../../test/helpers/otlp-receiver-http-client.ts';
import { JSON_TYPE, PROTO, decodeStatus, send } from '../../test/helpers/otlp-receiver-http-client.ts';

/**
 * A request whose body is sent later, bit by bit. With `Expect: 100-continue` Node's server calls the handler as it
 * sends 100 Continue, so once `continued` resolves the receiver holds a decode slot for it or waits for one.
 */
function openRequest(url: string, headers: OutgoingHttpHeaders, length: number) {
  let answered!: (r: Reply) => void;
  let failed!: (e: Error) => void;
  const reply = new Promise<Reply>((resolve, reject) => ((answered = resolve), (failed = reject)));
  let continued!: () => void;
  const seen = new Promise<void>((resolve) => (continued = resolve));
  const req = request(url, {
    method: 'POST',
    headers: { ...headers, 'content-length': length, expect: '100-continue' },
  });
  req.on('continue', continued);
  req.on('response', (res) => {
    const parts: Buffer[] = [];
    res.on('data', (c: Buffer) => parts.push(c));
    res.on('end', () => answered({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
  });
  req.on('error', failed);
  req.flushHeaders();
  return {
    continued: seen,
    write: (b: Uint8Array) => req.write(b),
    end: (b?: Uint8Array) => req.end(b),
    abandon: () => req.destroy(),
    reply,
  };
}

const LIMIT = 1024 * 1024;

describe('otlp receiver: HTTP memory bounds', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver(
      {
        protocols: {
          http: {
            endpoint: 'localhost:0',
            max_request_body_size: LIMIT,
            max_concurrent_decodes: 1,
            // Long enough for the holder to finish while the waiter waits, even on a busy machine.
            response_timeout: '1500ms',
          },
        },
      },
      { signals: ['traces'] },
    );
  });
  after(() => h.stop());

  it('refuses a JSON nesting bomb as it is decompressed: 400 at the first level too deep, not 413 at the limit', async () => {
    // Ten million `[` then `]`: 20 MB once decompressed, under 25 KiB on the wire; only a limit would refuse it too.
    const text = Buffer.alloc(20_000_000, 0x5d);
    text.fill(0x5b, 0, 10_000_000);
    const r = await send(`${h.httpUrl}/v1/traces`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync(text),
    });
    assert.equal(r.status, 400);
    assert.equal(h.rec.calls, 0);
  });

  it('counts nesting across the pieces a body arrives in, brackets in strings (and escaped quotes) not counted', async () => {
    // 1,000 brackets in a span name, an escaped quote among them: counted, they would pass the limit of 414.
    const name = `${'[{'.repeat(250)}\\"${'['.repeat(500)}`;
    const body = Buffer.from(encodeRequestJson('traces', sampleTraces()).replace('"name":"', `"name":"${name}`));
    const req = openRequest(`${h.httpUrl}/v1/traces`, JSON_TYPE, body.length);
    await req.continued;
    for (let i = 0; i < body.length; i += 3) req.write(body.subarray(i, i + 3));
    req.end();
    assert.equal((await req.reply).status, 200);
  });

  it('past max_concurrent_decodes a request waits for a slot: served when one frees, 503 after response_timeout', async () => {
    const body = encodeRequest('traces', sampleTraces());
    const calls = h.rec.calls;
    const got = h.rec.got.traces.length;
    const holder = openRequest(`${h.httpUrl}/v1/traces`, PROTO, body.length);
    let waiter: ReturnType<typeof openRequest> | undefined;
    try {
      await holder.continued;
      holder.write(body.subarray(0, 10));

      // The only slot is taken: a complete request waits, and is told to retry when response_timeout passes.
      const refused = await send(`${h.httpUrl}/v1/traces`, { headers: PROTO, body });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(decodeStatus(refused.body).code, 14, 'UNAVAILABLE');
      assert.equal(h.rec.calls, calls, 'nothing reached the pipeline');

      // A request waiting for the slot gets it when the holder is done.
      waiter = openRequest(`${h.httpUrl}/v1/traces`, PROTO, body.length);
      await waiter.continued;
      holder.end(body.subarray(10));
      assert.equal((await holder.reply).status, 200);
      waiter.end(body);
      assert.equal((await waiter.reply).status, 200);
      assert.equal(h.rec.got.traces.length, got + 2);
    } finally {
      // A failed assertion must not leave a request open, which the receiver's shutdown would wait for.
      holder.abandon();
      waiter?.abandon();
    }
  });
});
