// Who may publish to the embedded broker: users of a password file written by Mosquitto's own mosquitto_passwd
// (PBKDF2 and the older SHA-512 lines), anonymous devices only when allowed, and TLS with or without client
// certificates (mTLS), with mqtt.js as the device.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { IClientOptions } from 'mqtt';
import { makeTestCerts } from '../../../test/helpers/certs.ts';
import { cleanupEmbedded, startEmbedded } from '../../../test/helpers/embedded-broker.ts';
import { PasswordFile } from './password-file.ts';
import { AUTH_REFUSED_METRIC, LIMIT_HITS_METRIC } from '../../../core/receiver-reports.ts';
import { eventually } from '../../../test/helpers/hub.ts';
import { connect } from 'node:net';

const dir = mkdtempSync(join(tmpdir(), 'otelhub-ingress-auth-'));
const certs = makeTestCerts();
after(() => {
  rmSync(dir, { recursive: true, force: true });
  certs.cleanup();
  cleanupEmbedded();
});

/** A password file as mosquitto_passwd writes it: alice with PBKDF2 (its default), bob with plain SHA-512. */
function passwordFile(): string {
  const file = join(dir, 'passwd');
  execFileSync('mosquitto_passwd', ['-c', '-b', file, 'alice', 'alice-secret']);
  execFileSync('mosquitto_passwd', ['-H', 'sha512', '-b', file, 'bob', 'bob-secret']);
  return file;
}

/** 'connected' (and disconnects), or the CONNACK code / error that refused the device. */
function tryConnect(url: string, opts: IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.once('connect', () => {
      resolve('connected');
      c.end(true);
    });
    c.once('error', (err: Error & { code?: number | string }) => {
      resolve(String(err.code ?? err.message));
      c.end(true);
    });
    c.once('close', () => resolve('closed'));
  });
}

describe('embedded broker authentication', () => {
  it('reads mosquitto_passwd files: $7$ (PBKDF2-SHA512) and $6$ (SHA-512) lines', async () => {
    const pw = await PasswordFile.load(passwordFile());
    assert.equal(pw.size, 2);
    assert.equal(await pw.verify('alice', Buffer.from('alice-secret')), true);
    assert.equal(await pw.verify('bob', Buffer.from('bob-secret')), true);
    assert.equal(await pw.verify('alice', Buffer.from('bob-secret')), false);
    assert.equal(await pw.verify('carol', Buffer.from('alice-secret')), false);
    const plain = join(dir, 'plain');
    writeFileSync(plain, 'alice:alice-secret\n');
    await assert.rejects(PasswordFile.load(plain), (err: Error) => {
      assert.match(err.message, /line 1: not a hashed password: hash the file with mosquitto_passwd -U/);
      assert.ok(!err.message.includes('alice-secret'), 'never quotes the file');
      return true;
    });
  });

  for (const protocolVersion of [5, 4] as const) {
    it(`accepts users of the password file and refuses others (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async () => {
      const { h, url } = await startEmbedded({}, { password_file: passwordFile(), allow_anonymous: false });
      try {
        const as = (username?: string, password?: string) => tryConnect(url, { protocolVersion, username, password });
        assert.equal(await as('alice', 'alice-secret'), 'connected');
        assert.equal(await as('bob', 'bob-secret'), 'connected');
        assert.equal(await as('alice', 'wrong'), protocolVersion === 5 ? '134' : '4', 'bad user name or password');
        assert.equal(await as('mallory', 'alice-secret'), protocolVersion === 5 ? '134' : '4');
        assert.equal(await as(), protocolVersion === 5 ? '135' : '5', 'anonymous: not authorized');
        assert.ok(!JSON.stringify(h.settings.logger.lines).includes('secret'), 'no password in the logs');
        const refused = (reason: string) =>
          h.settings.telemetry.value(AUTH_REFUSED_METRIC, { transport: 'mqtt', reason });
        assert.deepEqual([await refused('invalid'), await refused('missing')], [2, 1], 'counted by reason');
        const warned = h.settings.logger.lines.filter((l) => l.msg === 'refused a client for its credentials');
        assert.deepEqual(
          warned.map((l) => [l.level, l.reason]),
          [['warn', 'invalid']],
          'the first at once, the rest in the window summary',
        );
      } finally {
        await h.stop();
      }
    });
  }

  it('takes anonymous devices with allow_anonymous, next to password users', async () => {
    const { h, url } = await startEmbedded({}, { password_file: passwordFile(), allow_anonymous: true });
    try {
      assert.equal(await tryConnect(url, {}), 'connected');
      assert.equal(await tryConnect(url, { protocolVersion: 5, username: 'alice', password: 'wrong' }), '134');
    } finally {
      await h.stop();
    }
  });

  it('serves TLS with the tls block', async () => {
    const tls = { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile };
    const { h, port } = await startEmbedded({}, { tls });
    try {
      const url = `mqtts://localhost:${port}`;
      assert.equal(await tryConnect(url, { ca: certs.read(certs.caFile) }), 'connected');
      assert.notEqual(await tryConnect(url, { ca: certs.read(certs.otherCaFile) }), 'connected', 'an unknown server');
      assert.notEqual(await tryConnect(`mqtt://localhost:${port}`, {}), 'connected', 'plain text on a TLS port');
      const device = await mqtt.connectAsync(url, { ca: certs.read(certs.caFile), reconnectPeriod: 0 });
      await device.publishAsync('factory/tls', 'over tls', { qos: 1 });
      await device.endAsync();
      assert.deepEqual(h.rec.payloads(), ['over tls']);
    } finally {
      await h.stop();
    }
  });

  it('closes a TLS connection whose handshake does not finish within connect_timeout, counted', async () => {
    const tls = { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile };
    const { h, port } = await startEmbedded({}, { tls, connect_timeout: '300ms' });
    try {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      let closed = false;
      s.on('close', () => void (closed = true));
      s.write(Buffer.from([0x16, 0x03, 0x01])); // the first bytes of a ClientHello, and no more
      await eventually(() => closed, 'closed by the server');
      assert.equal(await h.settings.telemetry.value(LIMIT_HITS_METRIC, { reason: 'connect_timeout' }), 1);
    } finally {
      await h.stop();
    }
  });

  it('with client_ca_file (mTLS) takes devices by certificate, on every interface, and refuses others', async () => {
    const tls = { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile, client_ca_file: certs.caFile };
    // Not loopback, no allow_anonymous: the certificate is the credential.
    const { h, port } = await startEmbedded({}, { endpoint: '0.0.0.0:0', tls });
    try {
      const url = `mqtts://localhost:${port}`;
      const ca = certs.read(certs.caFile);
      const mine = { ca, cert: certs.read(certs.clientCertFile), key: certs.read(certs.clientKeyFile) };
      assert.equal(await tryConnect(url, mine), 'connected');
      const foreign = { ca, cert: certs.read(certs.otherClientCertFile), key: certs.read(certs.otherClientKeyFile) };
      assert.notEqual(await tryConnect(url, foreign), 'connected', 'a certificate from another CA');
      assert.notEqual(await tryConnect(url, { ca }), 'connected', 'no certificate');
    } finally {
      await h.stop();
    }
  });
});
