// What arrives at a real OTLP/HTTP server: every field, in either encoding, compressed or not, with the configured
// headers and the authenticator's, over plain HTTP, TLS and mTLS.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ConsumerError } from '../../core/errors.ts';
import { makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import { assertMatchesReference } from '../../test/helpers/reference-proto.ts';
import { hostWith } from '../../test/helpers/settings.ts';
import {
  NO_RETRY,
  bearerAuth,
  samples,
  sendSamples,
  startExporter,
  traceFailure,
} from '../../test/helpers/exporter-harness.ts';
import { otlpHttpFactory } from './factory.ts';
import { startHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from '../../test/helpers/otlp-http-exporter-server.ts';

const sendAll = (server: TestHttpServer, raw: Record<string, unknown>): Promise<void> =>
  sendSamples(otlpHttpFactory, { endpoint: server.url, ...NO_RETRY, ...raw });

describe('otlphttp exporter delivery', () => {
  let server: TestHttpServer;
  let certs: TestCerts;
  before(async () => {
    server = await startHttpServer();
    certs = makeTestCerts();
  });
  after(async () => {
    await server.close();
    certs.cleanup();
  });

  it('sends every field as gzipped protobuf to /v1/<signal> by default', async () => {
    server.calls.length = 0;
    await sendAll(server, {});
    assert.deepEqual(
      server.calls.map((c) => c.path),
      ['/v1/traces', '/v1/metrics', '/v1/logs'],
    );
    assert.deepEqual(
      server.calls.map((c) => c.data),
      samples(),
    );
    for (const c of server.calls) {
      assert.equal(c.headers['content-type'], 'application/x-protobuf');
      assert.equal(c.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(c.wire), c.body, 'gzip on the wire');
      // The Collector's form, `<description>/<version> (<os>/<arch>)`, with otelhub's name and version.
      assert.match(String(c.headers['user-agent']), /^otelhub\/\d+\.\d+\.\d+\S* \([a-z0-9]+\/[a-z0-9]+\)$/);
    }
  });

  it('is read the same by an independent protobuf decoder', async () => {
    server.calls.length = 0;
    await sendAll(server, { compression: 'none' });
    const [t, m, l] = server.calls;
    assert.equal(t?.headers['content-encoding'], undefined);
    assert.deepEqual(assertMatchesReference('traces', t!.wire, sampleTraces()), []);
    assert.deepEqual(assertMatchesReference('metrics', m!.wire, sampleMetrics()), []);
    // The reference .proto files predate LogRecord.event_name.
    assert.deepEqual(assertMatchesReference('logs', l!.wire, sampleLogs()), ['LogRecord.eventName']);
  });

  it('sends every field as JSON', async () => {
    server.calls.length = 0;
    await sendAll(server, { encoding: 'json' });
    assert.deepEqual(
      server.calls.map((c) => c.data),
      samples(),
    );
    for (const c of server.calls) assert.equal(c.headers['content-type'], 'application/json');
    assert.ok(
      (JSON.parse(server.calls[0]!.body.toString()) as { resourceSpans?: unknown }).resourceSpans,
      'OTLP/JSON on the wire',
    );
  });

  it('appends the signal path to the endpoint path, and uses a signal endpoint as it is', async () => {
    server.calls.length = 0;
    await sendAll(server, { endpoint: `${server.url}/otlp/`, logs_endpoint: `${server.url}/custom/logs` });
    assert.deepEqual(
      server.calls.map((c) => c.path),
      ['/otlp/v1/traces', '/otlp/v1/metrics', '/custom/logs'],
    );
  });

  it("sends the configured headers and the authenticator's", async () => {
    server.calls.length = 0;
    const { exporter } = await startExporter(
      otlpHttpFactory,
      {
        endpoint: server.url,
        ...NO_RETRY,
        headers: { 'X-Api-Key': 'k1', authorization: 'overridden' },
        auth: { authenticator: 'bearertokenauth' },
      },
      hostWith({ bearertokenauth: await bearerAuth('s3cret') }),
    );
    await exporter.logs.consume(sampleLogs());
    await exporter.shutdown?.();
    assert.equal(server.calls[0]?.headers['x-api-key'], 'k1');
    assert.equal(server.calls[0]?.headers.authorization, 'Bearer s3cret');
  });

  it('refuses to start when the authenticator is missing', async () => {
    await assert.rejects(
      startExporter(otlpHttpFactory, { endpoint: server.url, auth: { authenticator: 'bearertokenauth/nope' } }),
      /auth: authenticator "bearertokenauth\/nope" is not configured/,
    );
  });

  describe('over TLS', () => {
    let tlsServer: TestHttpServer;
    before(async () => {
      tlsServer = await startHttpServer({
        tls: {
          cert: certs.read(certs.serverCertFile),
          key: certs.read(certs.serverKeyFile),
          ca: certs.read(certs.caFile),
          requestCert: true,
          rejectUnauthorized: true,
        },
      });
    });
    after(() => tlsServer.close());

    it('delivers with mTLS', async () => {
      await sendAll(tlsServer, {
        tls: { ca_file: certs.caFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile },
      });
      assert.deepEqual(
        tlsServer.calls.map((c) => c.data),
        samples(),
      );
    });

    for (const [name, tls] of [
      [
        'a server certificate from the wrong CA',
        () => ({ ca_file: certs.otherCaFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile }),
      ],
      ['no client certificate', () => ({ ca_file: certs.caFile })],
      [
        'a client certificate from the wrong CA',
        () => ({ ca_file: certs.caFile, cert_file: certs.otherClientCertFile, key_file: certs.otherClientKeyFile }),
      ],
    ] as const) {
      it(`fails with ${name}`, async () => {
        const before = tlsServer.calls.length;
        const err = await traceFailure(otlpHttpFactory, { endpoint: tlsServer.url, ...NO_RETRY, tls: tls() });
        assert.ok(err instanceof ConsumerError, String(err));
        assert.equal(tlsServer.calls.length, before);
      });
    }
  });
});
