// What arrives at a real OTLP/gRPC server: every field, gzip on the wire, metadata and the authenticator's token,
// over plain text, TLS and mTLS, with the endpoint forms the Collector accepts.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsumerError } from '../../core/errors.ts';
import { PIPELINE_TYPES } from '../../core/pdata/index.ts';
import { exportMethodPath } from '../../otlp/index.ts';
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
import { otlpFactory } from './factory.ts';
import { startGrpcServer, startWireServer } from '../../test/helpers/otlp-grpc-exporter-server.ts';
import type { TestGrpcServer } from '../../test/helpers/otlp-grpc-exporter-server.ts';

const sendAll = (raw: Record<string, unknown>): Promise<void> => sendSamples(otlpFactory, { ...NO_RETRY, ...raw });

describe('otlp exporter delivery', () => {
  let server: TestGrpcServer;
  let certs: TestCerts;
  before(async () => {
    server = await startGrpcServer();
    certs = makeTestCerts();
  });
  after(async () => {
    await server.close();
    certs.cleanup();
  });

  for (const [form, raw] of [
    ['host:port with tls.insecure', () => ({ endpoint: server.address, tls: { insecure: true } })],
    ['http://host:port', () => ({ endpoint: `http://${server.address}` })],
  ] as const) {
    it(`sends every field in plain text (${form})`, async () => {
      server.calls.length = 0;
      await sendAll(raw());
      assert.deepEqual(
        server.calls.map((c) => c.data),
        samples(),
      );
      // The Collector's form with otelhub's name and version; grpc-js appends its own name.
      assert.match(
        String(server.calls[0]?.metadata['user-agent']),
        /^otelhub\/\d+\.\d+\.\d+\S* \([a-z0-9]+\/[a-z0-9]+\) grpc-node-js\//,
      );
    });
  }

  it('puts gzip on the wire, on the OTLP service paths, read the same by an independent decoder', async () => {
    const wire = await startWireServer();
    try {
      await sendAll({ endpoint: `http://${wire.address}` });
      await sendAll({ endpoint: `http://${wire.address}`, compression: 'none' });
      assert.deepEqual(
        wire.calls.map((c) => c.path),
        [...PIPELINE_TYPES.map(exportMethodPath), ...PIPELINE_TYPES.map(exportMethodPath)],
      );
      assert.deepEqual(
        wire.calls.map((c) => [c.headers['grpc-encoding'], c.compressed]),
        [...Array<unknown>(3).fill(['gzip', true]), ...Array<unknown>(3).fill([undefined, false])],
      );
      const [t, m, l] = wire.calls;
      assert.deepEqual(assertMatchesReference('traces', t!.message, sampleTraces()), []);
      assert.deepEqual(assertMatchesReference('metrics', m!.message, sampleMetrics()), []);
      assert.deepEqual(assertMatchesReference('logs', l!.message, sampleLogs()), ['LogRecord.eventName']);
    } finally {
      await wire.close();
    }
  });

  it("sends the configured headers and the authenticator's as metadata", async () => {
    server.calls.length = 0;
    const { exporter } = await startExporter(
      otlpFactory,
      {
        endpoint: `http://${server.address}`,
        ...NO_RETRY,
        headers: { 'X-Tenant': 't1', authorization: 'overridden' },
        auth: { authenticator: 'bearertokenauth/out' },
      },
      hostWith({ 'bearertokenauth/out': await bearerAuth('s3cret') }),
    );
    await exporter.logs.consume(sampleLogs());
    await exporter.shutdown?.();
    assert.equal(server.calls[0]?.metadata['x-tenant'], 't1');
    assert.equal(server.calls[0]?.metadata.authorization, 'Bearer s3cret');
  });

  it('refuses to start when the authenticator is missing', async () => {
    await assert.rejects(
      startExporter(otlpFactory, { endpoint: server.address, auth: { authenticator: 'oauth2client' } }),
      /auth: authenticator "oauth2client" is not configured/,
    );
  });

  it('uses TLS for host:port unless tls.insecure: a plain-text server is not reached', async () => {
    const err = await traceFailure(otlpFactory, { endpoint: server.address, ...NO_RETRY, timeout: '2s' });
    assert.ok(err instanceof ConsumerError && err.retryable, String(err));
  });

  describe('over TLS', () => {
    let tlsServer: TestGrpcServer;
    before(async () => {
      const creds = grpc.ServerCredentials.createSsl(
        certs.read(certs.caFile),
        [{ cert_chain: certs.read(certs.serverCertFile), private_key: certs.read(certs.serverKeyFile) }],
        true,
      );
      tlsServer = await startGrpcServer({ credentials: creds });
    });
    after(() => tlsServer.close());
    const mtls = () => ({ ca_file: certs.caFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile });

    for (const scheme of ['', 'https://']) {
      it(`delivers with mTLS (${scheme || 'host:port'})`, async () => {
        tlsServer.calls.length = 0;
        // The certificate names localhost and 127.0.0.1.
        await sendAll({ endpoint: `${scheme}${tlsServer.address.replace('127.0.0.1', 'localhost')}`, tls: mtls() });
        assert.deepEqual(
          tlsServer.calls.map((c) => c.data),
          samples(),
        );
      });
    }

    for (const [name, tls] of [
      ['a server certificate from the wrong CA', () => ({ ...mtls(), ca_file: certs.otherCaFile })],
      ['no client certificate', () => ({ ca_file: certs.caFile })],
      [
        'a client certificate from the wrong CA',
        () => ({ ca_file: certs.caFile, cert_file: certs.otherClientCertFile, key_file: certs.otherClientKeyFile }),
      ],
    ] as const) {
      it(`fails with ${name}`, async () => {
        const before = tlsServer.calls.length;
        const err = await traceFailure(otlpFactory, { endpoint: tlsServer.address, ...NO_RETRY, tls: tls() });
        assert.ok(err instanceof ConsumerError, String(err));
        assert.equal(tlsServer.calls.length, before);
      });
    }
  });
});
