// Authentication against a real Mosquitto (user name and password, a password file re-read on reconnect, TLS,
// mTLS) and K8S-SAT against the scripted server (Mosquitto cannot do enhanced authentication). A refused
// connection keeps the receiver not ready and retrying; no password or token ever reaches a log line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../../test/helpers/hub.ts';
import { makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';
import { publisher, startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';

const PASSWORD = 's3cret-pa55';
let dir: string;
let certs: TestCerts;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'otelhub-mqtt-auth-'));
  certs = makeTestCerts();
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  certs.cleanup();
});

/** Resolves once the receiver failed to connect at least `n` times, checking it never became ready. */
async function refused(h: Harness, why: RegExp, n = 2): Promise<void> {
  const failures = [
    'cannot connect to the MQTT broker; retrying in the background',
    'still cannot connect to the MQTT broker; retrying in the background',
    'MQTT connection attempt failed',
  ];
  await eventually(
    () => h.settings.logger.lines.filter((l) => failures.includes(String(l.msg))).length >= n,
    'failed attempts',
  );
  assert.ok(!h.settings.statuses.includes('ok'), 'never ready');
  assert.equal(h.settings.statuses.at(-1), 'recoverable_error');
  const failure = h.settings.logger.lines.find(
    (l) => l.msg === 'cannot connect to the MQTT broker; retrying in the background',
  );
  assert.match(String(failure?.error), why);
}

function noSecretsLogged(h: Harness, ...secrets: string[]): void {
  const text = JSON.stringify(h.settings.logger.lines);
  for (const s of secrets) assert.ok(!text.includes(s), 'a secret reached the logs');
}

describe('mqtt receiver: user name and password', () => {
  let broker: Mosquitto;
  before(async () => (broker = await startMosquitto({ users: { device: PASSWORD } })));
  after(() => broker.stop());

  it('connects with the right password', async () => {
    const h = await startReceiver({
      endpoint: broker.url,
      topics: ['a'],
      auth: { username: 'device', password: PASSWORD },
    });
    try {
      await h.ready();
      noSecretsLogged(h, PASSWORD);
    } finally {
      await h.stop();
    }
  });

  it('is refused with a wrong password or none, stays not ready and keeps retrying', async () => {
    for (const auth of [{ username: 'device', password: 'wrong-password' }, undefined]) {
      const h = await startReceiver({ endpoint: broker.url, topics: ['a'], ...(auth ? { auth } : {}) });
      try {
        await refused(h, /Bad User Name or Password|Not authorized/);
        noSecretsLogged(h, 'wrong-password');
      } finally {
        await h.stop();
      }
    }
  });

  it('reads password_file again before each reconnect, so a fixed password is picked up without a restart', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'not-yet\n');
    const h = await startReceiver({
      endpoint: broker.url,
      topics: ['a'],
      auth: { username: 'device', password_file: file },
    });
    try {
      await refused(h, /Bad User Name or Password|Not authorized/);
      writeFileSync(file, `${PASSWORD}\n`);
      await h.ready();
      noSecretsLogged(h, PASSWORD, 'not-yet');
    } finally {
      await h.stop();
    }
  });

  it('fails start naming an unreadable password_file', async () => {
    await assert.rejects(
      startReceiver({ endpoint: broker.url, auth: { username: 'device', password_file: join(dir, 'missing') } }),
      /password_file .*missing: ENOENT/,
    );
  });
});

describe('mqtt receiver: TLS', () => {
  let tls: Mosquitto;
  let mtls: Mosquitto;
  before(async () => {
    const files = { caFile: certs.caFile, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile };
    [tls, mtls] = await Promise.all([
      startMosquitto({ tls: files, websockets: true }),
      startMosquitto({ tls: { ...files, requireCertificate: true } }),
    ]);
  });
  after(() => Promise.all([tls.stop(), mtls.stop()]));

  async function receives(h: Harness, url: string, tlsOpts: Record<string, unknown>): Promise<void> {
    await h.ready();
    const pub = await publisher(url, tlsOpts);
    await pub.publishAsync('secure/x', 'over tls', { qos: 1 });
    await eventually(() => h.rec.got.length === 1, 'a message over TLS');
    await pub.endAsync();
  }

  it('verifies the broker with ca_file and receives over mqtts', async () => {
    const h = await startReceiver({ endpoint: tls.url, topics: ['secure/#'], tls: { ca_file: certs.caFile } });
    try {
      await receives(h, tls.url, { ca: certs.read(certs.caFile) });
    } finally {
      await h.stop();
    }
  });

  it('receives over wss, and applies server_name_override there too', async () => {
    const wss = tls.wsUrl ?? '';
    const h = await startReceiver({ endpoint: wss, topics: ['secure/#'], tls: { ca_file: certs.caFile } });
    try {
      await receives(h, tls.url, { ca: certs.read(certs.caFile) });
    } finally {
      await h.stop();
    }
    const wrongName = await startReceiver({
      endpoint: wss,
      topics: ['a'],
      tls: { ca_file: certs.caFile, server_name_override: 'other.example' },
    });
    try {
      await refused(wrongName, /altnames|Hostname/i);
    } finally {
      await wrongName.stop();
    }
  });

  it('refuses a broker its CA did not sign, or whose name does not match server_name_override', async () => {
    for (const t of [
      { ca_file: certs.otherCaFile },
      { ca_file: certs.caFile, server_name_override: 'other.example' },
    ]) {
      const h = await startReceiver({ endpoint: tls.url, topics: ['a'], tls: t });
      try {
        await refused(h, /certificate|altnames|Hostname/i);
      } finally {
        await h.stop();
      }
    }
  });

  it('connects with insecure_skip_verify (encrypted, unverified)', async () => {
    const h = await startReceiver({ endpoint: tls.url, topics: ['a'], tls: { insecure_skip_verify: true } });
    try {
      await h.ready();
    } finally {
      await h.stop();
    }
  });

  it('presents a client certificate (mTLS); without one, or with one from another CA, it is refused', async () => {
    const url = mtls.url;
    const ok = await startReceiver({
      endpoint: url,
      topics: ['secure/#'],
      tls: { ca_file: certs.caFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile },
    });
    try {
      await receives(ok, url, {
        ca: certs.read(certs.caFile),
        cert: certs.read(certs.clientCertFile),
        key: certs.read(certs.clientKeyFile),
      });
    } finally {
      await ok.stop();
    }
    for (const extra of [{}, { cert_file: certs.otherClientCertFile, key_file: certs.otherClientKeyFile }]) {
      const h = await startReceiver({ endpoint: url, topics: ['a'], tls: { ca_file: certs.caFile, ...extra } });
      try {
        await refused(h, /.+/);
      } finally {
        await h.stop();
      }
    }
  });
});

describe('mqtt receiver: K8S-SAT', () => {
  it('connects with the token from sat_token_file as K8S-SAT authentication data, never logging it', async () => {
    const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJvdGVsaHViIn0.c2ln';
    const file = join(dir, 'sat-token');
    writeFileSync(file, `${token}\n`);
    const server = await startScriptServer();
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a'],
      auth: { sat_token_file: file },
    });
    try {
      await h.ready();
      const props = server.connections[0]?.connect?.properties;
      assert.equal(props?.authenticationMethod, 'K8S-SAT');
      assert.equal(props.authenticationData?.toString(), token);
      assert.equal(server.connections[0]?.connect?.username, undefined);
      noSecretsLogged(h, token);
    } finally {
      await h.stop();
      await server.close();
    }
  });

  it('fails start naming a missing token file', async () => {
    await assert.rejects(
      startReceiver({ endpoint: 'mqtt://127.0.0.1:1', auth: { sat_token_file: join(dir, 'no-token') } }),
      /no-token/,
    );
  });
});
