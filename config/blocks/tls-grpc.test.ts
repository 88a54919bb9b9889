import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { localhostOnlyCert, makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { grpcChannelCredentials, grpcServerCredentials } from './tls-grpc.ts';
import type { TlsServerConfig } from './tls.ts';
import { clientConfig, serverConfig } from '../../test/helpers/tls-configs.ts';

const raw = (b: Buffer): Buffer => b;
const ECHO: grpc.ServiceDefinition = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

async function echoServer(cfg: TlsServerConfig | undefined): Promise<{ port: number; close(): void }> {
  const server = new grpc.Server();
  server.addService(ECHO, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request),
  });
  const creds = await grpcServerCredentials(cfg);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, close: () => server.forceShutdown() };
}

/** One unary call; resolves with the echoed text, rejects with the call's error. */
async function call(port: number, rawClient: Record<string, unknown>): Promise<string> {
  const { credentials, channelOptions } = await grpcChannelCredentials(clientConfig(rawClient));
  const client = new grpc.Client(`127.0.0.1:${port}`, credentials, channelOptions);
  try {
    return await new Promise<string>((resolve, reject) =>
      client.makeUnaryRequest(
        '/test.Echo/Echo',
        raw,
        raw,
        Buffer.from('hi'),
        { deadline: Date.now() + 5000 },
        (err, res) => (err || !res ? reject(err ?? new Error('no response')) : resolve(res.toString())),
      ),
    );
  } finally {
    client.close();
  }
}

describe('tls blocks with grpc-js', () => {
  let certs: TestCerts;
  before(() => (certs = makeTestCerts()));
  after(() => certs.cleanup());

  const tls = (extra: Record<string, unknown> = {}) =>
    serverConfig({ cert_file: certs.serverCertFile, key_file: certs.serverKeyFile, ...extra });

  it('talks plain text with no server block and insecure: true', async () => {
    const s = await echoServer(undefined);
    try {
      assert.equal(await call(s.port, { insecure: true }), 'hi');
      await assert.rejects(call(s.port, { ca_file: certs.caFile }), /wrong version number/);
    } finally {
      s.close();
    }
  });

  it('talks over TLS, verifying the server against ca_file', async () => {
    const s = await echoServer(tls());
    try {
      assert.equal(await call(s.port, { ca_file: certs.caFile }), 'hi');
      await assert.rejects(call(s.port, { ca_file: certs.otherCaFile }), /unable to verify/);
      await assert.rejects(call(s.port, { insecure: true }));
    } finally {
      s.close();
    }
  });

  it('with client_ca_file, accepts only clients with a certificate from that CA', async () => {
    const s = await echoServer(tls({ client_ca_file: certs.caFile }));
    try {
      assert.equal(
        await call(s.port, { ca_file: certs.caFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile }),
        'hi',
      );
      await assert.rejects(call(s.port, { ca_file: certs.caFile }), /certificate required/);
      await assert.rejects(
        call(s.port, {
          ca_file: certs.caFile,
          cert_file: certs.otherClientCertFile,
          key_file: certs.otherClientKeyFile,
        }),
      );
    } finally {
      s.close();
    }
  });

  it('applies min_version on the server and max_version on the client', async () => {
    const s = await echoServer(tls({ min_version: '1.3' }));
    try {
      assert.equal(await call(s.port, { ca_file: certs.caFile }), 'hi');
      await assert.rejects(call(s.port, { ca_file: certs.caFile, max_version: '1.2' }), /protocol version/);
    } finally {
      s.close();
    }
  });

  it('with insecure_skip_verify, accepts a server whose CA the client does not trust', async () => {
    const s = await echoServer(tls());
    try {
      assert.equal(await call(s.port, { ca_file: certs.otherCaFile, insecure_skip_verify: true }), 'hi');
    } finally {
      s.close();
    }
  });

  it('with server_name_override, reaches 127.0.0.1 while verifying the name localhost', async () => {
    const lh = localhostOnlyCert(certs);
    const s = await echoServer(serverConfig({ cert_file: lh.certFile, key_file: lh.keyFile }));
    try {
      await assert.rejects(call(s.port, { ca_file: certs.caFile }), /IP: 127.0.0.1/);
      assert.equal(await call(s.port, { ca_file: certs.caFile, server_name_override: 'localhost' }), 'hi');
      await assert.rejects(
        call(s.port, { ca_file: certs.caFile, server_name_override: 'elsewhere.example' }),
        /elsewhere\.example/,
      );
    } finally {
      s.close();
    }
  });

  it('picks up new certificates every reload_interval while the server runs', async () => {
    const lh = localhostOnlyCert(certs);
    const cert_file = join(certs.dir, 'grpc-live.crt');
    const key_file = join(certs.dir, 'grpc-live.key');
    copyFileSync(certs.serverCertFile, cert_file);
    copyFileSync(certs.serverKeyFile, key_file);
    const s = await echoServer(serverConfig({ cert_file, key_file, reload_interval: '20ms' }));
    try {
      assert.equal(await call(s.port, { ca_file: certs.caFile }), 'hi');
      copyFileSync(lh.keyFile, key_file);
      copyFileSync(lh.certFile, cert_file);
      // The new certificate names only localhost, so reaching 127.0.0.1 now needs the override.
      let reloaded = false;
      for (let i = 0; i < 100 && !reloaded; i++) {
        reloaded = await call(s.port, { ca_file: certs.caFile }).then(
          () => false,
          () => true,
        );
        if (!reloaded) await sleep(20);
      }
      assert.ok(reloaded, 'the server presents the new certificate');
      assert.equal(await call(s.port, { ca_file: certs.caFile, server_name_override: 'localhost' }), 'hi');
    } finally {
      s.close();
    }
  });
});
