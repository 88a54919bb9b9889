// TLS, mTLS and bearer tokens on both protocols, with real certificates and the real bearertokenauth extension.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { validateConfig } from '../../config/schema.ts';
import type { Extension } from '../../core/component.ts';
import { bearerTokenAuthFactory } from '../../extensions/bearertokenauth/factory.ts';
import { encodeRequest } from '../../otlp/index.ts';
import { makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';
import { findSpan, sendAndCheck } from '../../test/helpers/otlp-receiver-checks.ts';
import {
  exportWith,
  makeSpans,
  officialExporters,
  shutdownAll,
} from '../../test/helpers/otlp-receiver-official-exporters.ts';
import { TRANSPORTS } from '../../test/helpers/otlp-receiver-official-exporters.ts';
import { rawGrpc } from '../../test/helpers/otlp-receiver-grpc-client.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { JSON_TYPE, PROTO, decodeStatus, send } from '../../test/helpers/otlp-receiver-http-client.ts';
import { AUTH_REFUSED_METRIC, LIMIT_HITS_METRIC } from './reports.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { connect } from 'node:net';

const TOKEN = 's3cr3t-t0ken';

async function bearerAuth(): Promise<Extension> {
  const { value } = validateConfig(bearerTokenAuthFactory.configSchema, { token: TOKEN });
  const ext = await bearerTokenAuthFactory.createExtension(
    testSettings('bearertokenauth', 'extension'),
    value as never,
  );
  await ext.start?.({ getExtension: () => undefined, status: { ready: () => true, snapshot: () => ({}) } });
  return ext;
}

function tlsConfig(certs: TestCerts, mtls: boolean): Record<string, unknown> {
  const tls = {
    cert_file: certs.serverCertFile,
    key_file: certs.serverKeyFile,
    ...(mtls ? { client_ca_file: certs.caFile } : {}),
  };
  return { protocols: { grpc: { endpoint: 'localhost:0', tls }, http: { endpoint: 'localhost:0', tls } } };
}

/** One HTTPS request for the cases the official exporter cannot show (no client certificate at all). */
function httpsStatus(port: number, ca: Buffer): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: 'localhost', port, path: '/v1/traces', method: 'POST', ca, headers: PROTO }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end(encodeRequest('traces', sampleTraces()));
  });
}

describe('otlp receiver: TLS and mTLS', () => {
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });
  after(() => certs.cleanup());

  it('serves TLS on both protocols to the official exporters', async () => {
    const h = await startReceiver(tlsConfig(certs, false), { scheme: 'https' });
    try {
      for (const t of TRANSPORTS) await sendAndCheck(h, t, `tls-${t}`, { tls: { ca: certs.read(certs.caFile) } });
    } finally {
      await h.stop();
    }
  });

  it('under mTLS takes clients with a certificate from client_ca_file and refuses the others', async () => {
    const h = await startReceiver(tlsConfig(certs, true), { scheme: 'https' });
    try {
      const ca = certs.read(certs.caFile);
      const client = { ca, cert: certs.read(certs.clientCertFile), key: certs.read(certs.clientKeyFile) };
      for (const t of TRANSPORTS) await sendAndCheck(h, t, `mtls-${t}`, { tls: client });

      const other = { ca, cert: certs.read(certs.otherClientCertFile), key: certs.read(certs.otherClientKeyFile) };
      for (const tls of [{ ca }, other]) {
        for (const t of TRANSPORTS) {
          const ex = officialExporters(t, t === 'grpc' ? h.grpcUrl : h.httpUrl, { tls, timeoutMillis: 1000 });
          try {
            assert.equal(
              (await exportWith(ex.traces, await makeSpans('refused'))).code,
              ExportResultCode.FAILED,
              `${t} without a valid client certificate`,
            );
          } finally {
            await shutdownAll(ex);
          }
        }
      }
      assert.equal(
        typeof (await httpsStatus(h.receiver.httpPort ?? 0, ca)),
        'string',
        'handshake refused without a certificate',
      );
      const noCert = rawGrpc(h.receiver.grpcPort ?? 0, { creds: credentials.createSsl(ca) });
      const r = await noCert.exportRaw('traces', encodeRequest('traces', sampleTraces()));
      noCert.close();
      assert.equal(r.ok, false);
      assert.equal((r as { err: ServiceError }).err.code, status.UNAVAILABLE);
      assert.equal(findSpan(h.rec, 'span-refused'), undefined);
    } finally {
      await h.stop();
    }
  });
});

describe('otlp receiver: TLS handshake limit', () => {
  it('closes a connection that never completes its TLS handshake at read_header_timeout, counted', async () => {
    const certs = makeTestCerts();
    const tls = { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile };
    const h = await startReceiver({
      protocols: { http: { endpoint: 'localhost:0', tls, read_header_timeout: '300ms' } },
    });
    try {
      const s = connect(h.receiver.httpPort ?? 0, '127.0.0.1');
      s.on('error', () => {});
      let closed = false;
      s.on('close', () => void (closed = true));
      s.write(Buffer.from([0x16, 0x03, 0x01])); // the first bytes of a ClientHello, and no more
      await eventually(() => closed, 'closed by the server');
      assert.equal(
        await h.settings.telemetry.value(LIMIT_HITS_METRIC, { transport: 'http', reason: 'read_header_timeout' }),
        1,
      );
    } finally {
      await h.stop();
      certs.cleanup();
    }
  });
});

describe('otlp receiver: bearer token auth', () => {
  let h: Harness;
  let auth: Extension;
  before(async () => {
    auth = await bearerAuth();
    const a = { authenticator: 'bearertokenauth/in' };
    h = await startReceiver(
      { protocols: { grpc: { endpoint: 'localhost:0', auth: a }, http: { endpoint: 'localhost:0', auth: a } } },
      { extensions: { 'bearertokenauth/in': auth } },
    );
  });
  after(async () => {
    await h.stop();
    await auth.shutdown?.();
  });

  it('lets the right token in over every transport', async () => {
    for (const t of TRANSPORTS)
      await sendAndCheck(h, t, `token-${t}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  });

  it('answers a wrong or missing token 401 / UNAUTHENTICATED before decoding, without echoing it', async () => {
    h.rec.calls = 0;
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }] as Record<
      string,
      string
    >[]) {
      const p = await send(`${h.httpUrl}/v1/traces`, {
        headers: { ...PROTO, ...headers },
        body: encodeRequest('traces', sampleTraces()),
      });
      assert.equal(p.status, 401);
      assert.equal(decodeStatus(p.body).code, 16);
      assert.ok(!p.body.toString().includes('wrong-token'));
      // A malformed body is not even looked at.
      const j = await send(`${h.httpUrl}/v1/traces`, { headers: { ...JSON_TYPE, ...headers }, body: '{not json' });
      assert.equal(j.status, 401);
      assert.deepEqual(JSON.parse(j.body.toString()), { code: 16, message: 'authentication failed' });

      const c = rawGrpc(h.receiver.grpcPort ?? 0);
      const r = await c.exportRaw('traces', Buffer.from('garbage'), headers);
      c.close();
      assert.equal(r.ok, false);
      const err = (r as { err: ServiceError }).err;
      assert.equal(err.code, status.UNAUTHENTICATED);
      assert.ok(!err.details.includes('wrong-token'));
    }
    for (const t of TRANSPORTS) {
      const ex = officialExporters(t, t === 'grpc' ? h.grpcUrl : h.httpUrl, {
        headers: { authorization: 'Bearer nope' },
      });
      try {
        assert.equal((await exportWith(ex.traces, await makeSpans('unauth'))).code, ExportResultCode.FAILED);
      } finally {
        await shutdownAll(ex);
      }
    }
    assert.equal(h.rec.calls, 0, 'nothing reached the pipeline');
    assert.ok(!JSON.stringify(h.settings.logger.lines).includes('wrong-token'), 'never logged');
  });
});

describe('otlp receiver: refused credentials are counted and logged', () => {
  it('counts refusals by reason and transport, logs them at warn once per window and then as a summary, never the token', async () => {
    const auth = await bearerAuth();
    const a = { authenticator: 'bearertokenauth/in' };
    const h = await startReceiver(
      { protocols: { grpc: { endpoint: 'localhost:0', auth: a }, http: { endpoint: 'localhost:0', auth: a } } },
      { extensions: { 'bearertokenauth/in': auth } },
    );
    const body = encodeRequest('traces', sampleTraces());
    const c = rawGrpc(h.receiver.grpcPort ?? 0);
    try {
      for (let i = 0; i < 3; i++) {
        for (const headers of [{}, { authorization: 'Bearer wrong-token' }] as Record<string, string>[]) {
          assert.equal((await send(`${h.httpUrl}/v1/traces`, { headers: { ...PROTO, ...headers }, body })).status, 401);
          assert.equal(((await c.exportRaw('traces', body, headers)) as { err: ServiceError }).err.code, 16);
        }
      }
    } finally {
      c.close();
      await h.stop();
      await auth.shutdown?.();
    }
    const t = h.settings.telemetry;
    for (const transport of ['grpc', 'http'])
      for (const reason of ['missing', 'invalid'])
        assert.equal(
          await t.value(AUTH_REFUSED_METRIC, { receiver: 'otlp', transport, reason }),
          3,
          `${transport} ${reason}`,
        );
    const lines = h.settings.logger.lines.filter((l) =>
      String(l.msg).startsWith('refused a client for its credentials'),
    );
    assert.ok(lines.every((l) => l.level === 'warn'));
    // Per transport: the first refusal at once, the other five summed when the window closed (here: at shutdown).
    assert.equal(lines.length, 4);
    assert.deepEqual(
      lines.filter((l) => l.count === 5).map((l) => l.reasons),
      [
        { missing: 2, invalid: 3 },
        { missing: 2, invalid: 3 },
      ],
    );
    const text = JSON.stringify(h.settings.logger.lines);
    assert.ok(!text.includes('wrong-token') && !text.includes(TOKEN), 'no token in the log');
  });
});
