// Lifecycle and settlement: start failures name the endpoint, shutdown lets requests in flight finish, and a
// refused export is retried by the official exporter until the pipeline takes it.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportResultCode } from '@opentelemetry/core';
import { retryableError } from '../../core/errors.ts';
import { encodeRequest } from '../../otlp/index.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { DEFAULT_MAX_CONCURRENT_DECODES, DEFAULT_RESPONSE_TIMEOUT_MS, DEFAULT_URL_PATHS } from './config.ts';
import type { HttpConfig } from './config.ts';
import { otlpReceiverFactory } from './factory.ts';
import { OtlpReceiver } from './otlp-receiver.ts';
import { findSpan } from '../../test/helpers/otlp-receiver-checks.ts';
import {
  exportWith,
  makeSpans,
  officialExporters,
  shutdownAll,
} from '../../test/helpers/otlp-receiver-official-exporters.ts';
import { rawGrpc } from '../../test/helpers/otlp-receiver-grpc-client.ts';
import { recorder, startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { hostWith } from '../../test/helpers/settings.ts';
import { PROTO, send } from '../../test/helpers/otlp-receiver-http-client.ts';
import { listen } from '../../core/net.ts';
import { GRPC_SERVER_LIMIT_DEFAULTS, HTTP_SERVER_LIMIT_DEFAULTS } from '../../config/blocks/index.ts';
import { ConfigKeyError } from '../../core/errors.ts';

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return { server, port: (await listen(server, { host: 'localhost', port: 0 })).port };
}

const httpDefaults: HttpConfig = {
  endpoint: 'localhost:0',
  include_metadata: false,
  traces_url_path: DEFAULT_URL_PATHS.traces,
  metrics_url_path: DEFAULT_URL_PATHS.metrics,
  logs_url_path: DEFAULT_URL_PATHS.logs,
  response_timeout: DEFAULT_RESPONSE_TIMEOUT_MS,
  max_request_body_size: 1024,
  ...HTTP_SERVER_LIMIT_DEFAULTS,
  max_concurrent_decodes: DEFAULT_MAX_CONCURRENT_DECODES,
};

const tick = () => sleep(50);

describe('otlp receiver: lifecycle', () => {
  it('shuts down without start, and twice', async () => {
    const { next } = recorder();
    const r = await otlpReceiverFactory.createReceiver(
      testSettings('otlp', 'receiver'),
      { protocols: { grpc: null, http: null } },
      next,
    );
    await r.shutdown?.();
    await r.shutdown?.();
  });

  for (const protocol of ['grpc', 'http'] as const) {
    it(`fails start when the ${protocol} port is taken, naming the key and the address, and leaves nothing listening`, async () => {
      const taken = await occupy();
      const spare = await occupy();
      await new Promise((r) => spare.server.close(r));
      const other = `localhost:${spare.port}`;
      const endpoints =
        protocol === 'grpc'
          ? { grpc: `localhost:${taken.port}`, http: other }
          : { grpc: other, http: `localhost:${taken.port}` };
      const { next } = recorder();
      const both = new OtlpReceiver(
        testSettings('otlp', 'receiver'),
        {
          protocols: {
            grpc: {
              endpoint: endpoints.grpc,
              include_metadata: false,
              max_recv_msg_size_mib: 4,
              response_timeout: DEFAULT_RESPONSE_TIMEOUT_MS,
              ...GRPC_SERVER_LIMIT_DEFAULTS,
            },
            http: { ...httpDefaults, endpoint: endpoints.http },
          },
        },
        next,
      );
      try {
        await assert.rejects(
          both.start(hostWith()),
          (err: Error) =>
            err instanceof ConfigKeyError &&
            err.path.join('::') === `protocols::${protocol}::endpoint` &&
            err.message === `address localhost:${taken.port} is already in use`,
        );
        assert.equal(both.grpcPort, undefined);
        assert.equal(both.httpPort, undefined);
        // The other listener is closed (or never opened): its port is free again.
        const again = createServer();
        await listen(again, { host: 'localhost', port: spare.port });
        await new Promise((res) => again.close(res));
      } finally {
        await both.shutdown();
        await new Promise((res) => taken.server.close(res));
      }
    });
  }

  it('fails start when the authenticator is missing or cannot authenticate', async () => {
    const cfg = { protocols: { http: { endpoint: 'localhost:0', auth: { authenticator: 'bearertokenauth/nope' } } } };
    await assert.rejects(
      startReceiver(cfg),
      /protocols::http::auth: authenticator "bearertokenauth\/nope" is not configured/,
    );
    await assert.rejects(
      startReceiver(cfg, { extensions: { 'bearertokenauth/nope': {} } }),
      /cannot authenticate incoming requests/,
    );
  });

  it('fails start when a TLS file cannot be read, naming the protocol and the file', async () => {
    const tls = { cert_file: '/nonexistent/server.crt', key_file: '/nonexistent/server.key' };
    await assert.rejects(
      startReceiver({ protocols: { grpc: { endpoint: 'localhost:0', tls } } }),
      /OTLP gRPC receiver on localhost:0: tls: cannot read cert_file \/nonexistent\/server.crt/,
    );
    await assert.rejects(
      startReceiver({ protocols: { http: { endpoint: 'localhost:0', tls } } }),
      /OTLP HTTP receiver on localhost:0: tls: cannot read/,
    );
  });

  it('lets an HTTP request in flight finish on shutdown, and accepts no new connection', async () => {
    const h = await startReceiver({ protocols: { http: { endpoint: 'localhost:0' } } });
    let open = (): void => {};
    h.rec.gate = new Promise((r) => (open = r));
    const inflight = send(`${h.httpUrl}/v1/traces`, { headers: PROTO, body: encodeRequest('traces', sampleTraces()) });
    while (h.rec.calls === 0) await tick();
    let stopped = false;
    const stopping = h.stop().then(() => (stopped = true));
    await tick();
    assert.equal(stopped, false, 'shutdown waits for the request');
    await assert.rejects(send(`${h.httpUrl}/v1/traces`, { headers: PROTO, body: 'x' }), /ECONNREFUSED/);
    open();
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.headers.connection, 'close');
    await stopping;
    assert.equal(h.rec.got.traces.length, 1);
  });

  it('closes idle keep-alive connections on shutdown instead of waiting for them', async () => {
    const h = await startReceiver({ protocols: { http: { endpoint: 'localhost:0' } } });
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const r = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.httpUrl}/v1/traces`, { method: 'POST', agent, headers: PROTO }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(encodeRequest('traces', sampleTraces()));
    });
    assert.equal(r, 200);
    await tick();
    assert.equal(Object.values(agent.freeSockets).flat().length, 1, 'the connection stays open, idle');
    // Would wait for the agent's idle socket without closeIdleConnections.
    await h.stop();
    agent.destroy();
  });

  it('lets a gRPC call in flight finish on shutdown', async () => {
    const h = await startReceiver({ protocols: { grpc: { endpoint: 'localhost:0' } } });
    const c = rawGrpc(h.receiver.grpcPort ?? 0);
    let open = (): void => {};
    h.rec.gate = new Promise((r) => (open = r));
    const inflight = c.exportRaw('traces', encodeRequest('traces', sampleTraces()));
    while (h.rec.calls === 0) await tick();
    let stopped = false;
    const stopping = h.stop().then(() => (stopped = true));
    await tick();
    assert.equal(stopped, false, 'shutdown waits for the call');
    open();
    assert.ok((await inflight).ok);
    await stopping;
    c.close();
    assert.equal(h.rec.got.traces.length, 1);
  });

  it('exposes no ports before start', () => {
    const { next } = recorder();
    const r = new OtlpReceiver(testSettings('otlp', 'receiver'), { protocols: { grpc: null } }, next);
    assert.equal(r.grpcPort, undefined);
    assert.equal(r.httpPort, undefined);
  });
});

describe('otlp receiver: retries', () => {
  it('the official HTTP exporter retries 429 (after Retry-After) and 503 until the pipeline takes the data', async () => {
    const h = await startReceiver({ protocols: { http: { endpoint: 'localhost:0' } } });
    const ex = officialExporters('http/protobuf', h.httpUrl);
    try {
      h.rec.failures.push(
        retryableError('queue full', { throttled: true, retryAfterMs: 1 }),
        retryableError('exporter down'),
      );
      const result = await exportWith(ex.traces, await makeSpans('retried'));
      assert.equal(result.code, ExportResultCode.SUCCESS);
      assert.equal(h.rec.calls, 3, 'two refusals, then taken');
      assert.ok(findSpan(h.rec, 'span-retried'));
      assert.equal(h.rec.got.traces.length, 1, 'taken once');
    } finally {
      await shutdownAll(ex);
      await h.stop();
    }
  });

  it('the official gRPC exporter (0.301.2) does not retry at all: it reports the refusal', async () => {
    const h = await startReceiver({ protocols: { grpc: { endpoint: 'localhost:0' } } });
    const ex = officialExporters('grpc', h.grpcUrl);
    try {
      h.rec.failures.push(retryableError('exporter down'));
      assert.equal((await exportWith(ex.traces, await makeSpans('grpc-refused'))).code, ExportResultCode.FAILED);
      assert.equal(h.rec.calls, 1);
      assert.equal(findSpan(h.rec, 'span-grpc-refused'), undefined);
    } finally {
      await shutdownAll(ex);
      await h.stop();
    }
  });
});
