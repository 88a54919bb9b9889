import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localhostOnlyCert, makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { validateConfig } from '../schema.ts';
import {
  loadClientTls,
  loadServerTls,
  startTlsReload,
  tlsServerSchema,
  validateTlsClient,
  validateTlsServer,
} from './tls.ts';
import type { ClientTlsOptions, ServerTlsOptions, TlsClientConfig, TlsServerConfig } from './tls.ts';
import { clientConfig, serverConfig } from '../../test/helpers/tls-configs.ts';
import { listen } from '../../core/net.ts';

async function serve(opts: ServerTlsOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(opts, (_req, res) => res.end('ok'));
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One GET over a fresh connection; resolves with the body, rejects when the handshake or request fails. */
function get(port: number, opts: ClientTlsOptions | undefined, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, ...opts }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tls config block', () => {
  it('applies the Collector defaults and checks keys that go together', () => {
    const { value } = validateConfig(tlsServerSchema, { cert_file: 'c', key_file: 'k', reload_interval: '1m' });
    assert.deepEqual(value, { cert_file: 'c', key_file: 'k', min_version: '1.2', reload_interval: 60_000 });
    assert.ok(validateConfig(tlsServerSchema, { min_version: '1.1' }).issues.length > 0);
    assert.ok(validateConfig(tlsServerSchema, { no_such_key: 1 }).issues.length > 0);

    const server = (raw: Partial<TlsServerConfig>) => validateTlsServer({ min_version: '1.2', ...raw });
    assert.deepEqual(server({ cert_file: 'c', key_file: 'k' }), []);
    assert.deepEqual(server({ cert_file: 'c' }), [
      { path: ['key_file'], message: 'key_file is required with cert_file' },
    ]);
    assert.deepEqual(
      server({ key_file: 'k' }).map((i) => i.path),
      [['cert_file']],
    );
    assert.deepEqual(
      server({}).map((i) => i.path),
      [['cert_file']],
    );
    assert.deepEqual(
      server({ cert_file: 'c', key_file: 'k', min_version: '1.3', max_version: '1.2' }).map((i) => i.path),
      [['max_version']],
    );

    const client = (raw: Partial<TlsClientConfig>) =>
      validateTlsClient({ insecure: false, insecure_skip_verify: false, min_version: '1.2', ...raw });
    assert.deepEqual(client({}), []);
    assert.deepEqual(client({ insecure: true, insecure_skip_verify: true }), []);
    assert.deepEqual(
      client({ key_file: 'k' }).map((i) => i.path),
      [['cert_file']],
    );
    assert.deepEqual(
      client({ insecure: true, ca_file: 'ca' }).map((i) => i.path),
      [['ca_file']],
    );
  });

  it('gives plain text for insecure: true', async () => {
    assert.equal(await loadClientTls(clientConfig({ insecure: true })), undefined);
  });
});

describe('tls with real certificates', () => {
  let certs: TestCerts;
  before(() => (certs = makeTestCerts()));
  after(() => certs.cleanup());

  const tlsServer = async (extra: Record<string, unknown> = {}) =>
    serve(
      await loadServerTls(serverConfig({ cert_file: certs.serverCertFile, key_file: certs.serverKeyFile, ...extra })),
    );

  it('handshakes between a server and a client built from the blocks', async () => {
    const s = await tlsServer();
    try {
      assert.equal(await get(s.port, await loadClientTls(clientConfig({ ca_file: certs.caFile }))), 'ok');
      assert.equal(await get(s.port, await loadClientTls(clientConfig({ ca_file: certs.caFile })), 'localhost'), 'ok');
      // Trusting only the other CA, the server's chain does not verify.
      await assert.rejects(get(s.port, await loadClientTls(clientConfig({ ca_file: certs.otherCaFile }))));
    } finally {
      await s.close();
    }
  });

  it('with client_ca_file, accepts only clients with a certificate from that CA', async () => {
    const s = await tlsServer({ client_ca_file: certs.caFile });
    try {
      const good = clientConfig({
        ca_file: certs.caFile,
        cert_file: certs.clientCertFile,
        key_file: certs.clientKeyFile,
      });
      assert.equal(await get(s.port, await loadClientTls(good)), 'ok');
      await assert.rejects(
        get(s.port, await loadClientTls(clientConfig({ ca_file: certs.caFile }))),
        /certificate required/,
      );
      const other = clientConfig({
        ca_file: certs.caFile,
        cert_file: certs.otherClientCertFile,
        key_file: certs.otherClientKeyFile,
      });
      await assert.rejects(get(s.port, await loadClientTls(other)));
    } finally {
      await s.close();
    }
  });

  it('with min_version 1.3, refuses a client that stops at 1.2', async () => {
    const s = await tlsServer({ min_version: '1.3' });
    try {
      assert.equal(await get(s.port, await loadClientTls(clientConfig({ ca_file: certs.caFile }))), 'ok');
      const old = await loadClientTls(clientConfig({ ca_file: certs.caFile, max_version: '1.2' }));
      await assert.rejects(get(s.port, old), /version|protocol/i);
    } finally {
      await s.close();
    }
  });

  it('with insecure_skip_verify, accepts a server whose CA the client does not trust', async () => {
    const s = await tlsServer();
    try {
      const skip = await loadClientTls(clientConfig({ ca_file: certs.otherCaFile, insecure_skip_verify: true }));
      assert.equal(await get(s.port, skip), 'ok');
      await assert.rejects(get(s.port, await loadClientTls(clientConfig({ ca_file: certs.otherCaFile }))));
    } finally {
      await s.close();
    }
  });

  it('with server_name_override, reaches 127.0.0.1 while verifying the name localhost', async () => {
    const lh = localhostOnlyCert(certs);
    const s = await serve(await loadServerTls(serverConfig({ cert_file: lh.certFile, key_file: lh.keyFile })));
    try {
      await assert.rejects(get(s.port, await loadClientTls(clientConfig({ ca_file: certs.caFile }))), /IP: 127.0.0.1/);
      const override = await loadClientTls(clientConfig({ ca_file: certs.caFile, server_name_override: 'localhost' }));
      assert.equal(await get(s.port, override), 'ok');
      const wrong = await loadClientTls(
        clientConfig({ ca_file: certs.caFile, server_name_override: 'elsewhere.example' }),
      );
      await assert.rejects(get(s.port, wrong), /elsewhere\.example/);
    } finally {
      await s.close();
    }
  });

  it('names the key and the path of a file it cannot use, never its contents', async () => {
    const missing = join(certs.dir, 'nope.pem');
    await assert.rejects(loadServerTls(serverConfig({ cert_file: missing, key_file: certs.serverKeyFile })), {
      message: `tls: cannot read cert_file ${missing}: ENOENT`,
    });
    const junk = join(certs.dir, 'junk.pem');
    writeFileSync(junk, 'SECRET-LOOKING-CONTENT\n');
    const junkErr = (await loadClientTls(clientConfig({ ca_file: junk })).catch((e: unknown) => e)) as Error;
    assert.equal(junkErr.message, `tls: invalid ca_file ${junk}: no PEM certificate found`);
    await assert.rejects(
      loadServerTls(serverConfig({ cert_file: certs.serverCertFile, key_file: junk })),
      (e: Error) => {
        assert.equal(e.message, `tls: invalid key_file ${junk}: not an unencrypted PEM private key`);
        assert.doesNotMatch(e.message, /SECRET/);
        return true;
      },
    );
    await assert.rejects(
      loadServerTls(serverConfig({ cert_file: certs.serverCertFile, key_file: certs.clientKeyFile })),
      {
        message: `tls: key_file ${certs.clientKeyFile} does not match cert_file ${certs.serverCertFile}`,
      },
    );
    await assert.rejects(
      loadServerTls(
        serverConfig({ cert_file: certs.serverCertFile, key_file: certs.serverKeyFile, client_ca_file: certs.dir }),
      ),
      {
        message: `tls: cannot read client_ca_file ${certs.dir}: EISDIR`,
      },
    );
  });

  it('reloads changed files every reload_interval and keeps the old ones when a read fails', async () => {
    const lh = localhostOnlyCert(certs);
    const certFile = join(certs.dir, 'live.crt');
    const keyFile = join(certs.dir, 'live.key');
    copyFileSync(certs.serverCertFile, certFile);
    copyFileSync(certs.serverKeyFile, keyFile);
    const cfg = serverConfig({ cert_file: certFile, key_file: keyFile, reload_interval: '20ms' });
    const initial = await loadServerTls(cfg);
    const s = await serve(initial);
    const errors: Error[] = [];
    const stop = startTlsReload(
      cfg,
      initial,
      (o) => s.server.setSecureContext(o),
      (e) => errors.push(e),
    );
    const peerCn = () =>
      new Promise<string>((resolve, reject) => {
        const sock = connect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false }, () => {
          resolve(String(sock.getPeerCertificate().subject.CN));
          sock.end();
        });
        sock.on('error', reject);
      });
    const waitFor = async (cond: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await cond()); i++) await sleep(10);
    };
    try {
      assert.equal(await peerCn(), 'server');
      copyFileSync(lh.keyFile, keyFile);
      copyFileSync(lh.certFile, certFile);
      await waitFor(async () => (await peerCn()) === 'localhost');
      assert.equal(await peerCn(), 'localhost');
      errors.length = 0; // a read between the two copies may have seen a mismatched pair
      writeFileSync(certFile, 'garbage');
      await waitFor(async () => errors.length > 0);
      await sleep(100);
      assert.equal(errors.length, 1, 'a lasting failure is reported once');
      assert.match(errors[0]?.message ?? '', /^tls: invalid cert_file .*live\.crt: no PEM certificate found$/);
      assert.equal(await peerCn(), 'localhost');
    } finally {
      stop();
      await s.close();
    }
  });
});
