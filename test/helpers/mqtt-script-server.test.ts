// The scripted MQTT server's defaults and hooks, driven by a real MQTT.js client, as the receiver tests will use it.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { IAuthPacket, IDisconnectPacket, IPublishPacket, Packet } from 'mqtt-packet';
import { makeTestCerts } from './certs.ts';
import type { TestCerts } from './certs.ts';
import { startScriptServer } from './mqtt-script-server.ts';
import type { ScriptServer, ScriptServerOptions } from './mqtt-script-server.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connected(
  opts: ScriptServerOptions = {},
  client: IClientOptions = {},
): Promise<{ server: ScriptServer; client: MqttClient }> {
  const server = await startScriptServer(opts);
  cleanups.push(() => server.close());
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.port}`, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    ...client,
  });
  cleanups.push(() => c.endAsync(true));
  return { server, client: c };
}

describe('startScriptServer', () => {
  it('accepts, grants subscriptions and acknowledges QoS 1 by default, recording every packet', async () => {
    const { server, client } = await connected();
    const granted = await client.subscribeAsync({ 'a/#': { qos: 1 }, b: { qos: 0 } });
    assert.deepEqual(
      granted.map((g) => g.qos),
      [1, 0],
    );
    await client.publishAsync('t', 'x', { qos: 1 });
    await client.unsubscribeAsync('b');
    assert.deepEqual(
      server.packets.map((p) => `${p.conn}:${p.packet.cmd}`),
      ['0:connect', '0:subscribe', '0:publish', '0:unsubscribe'],
    );
    assert.equal(server.connections[0]?.connect?.protocolVersion, 5);
    assert.deepEqual(
      server.packets.map((p) => p.seq),
      [0, 1, 2, 3],
    );
  });

  it('refuses a connection with the reason code onConnect returns', async () => {
    const server = await startScriptServer({ onConnect: () => ({ reasonCode: 0x87 }) });
    cleanups.push(() => server.close());
    const client = mqtt.connect(`mqtt://127.0.0.1:${server.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
    cleanups.push(() => client.endAsync(true));
    const err = await new Promise<Error & { code?: number }>((resolve) => client.once('error', resolve));
    assert.equal(err.code, 0x87);
  });

  it('holds back the PUBACK when onPublish says ignore, until the test sends it', async () => {
    const { server, client } = await connected({ onPublish: () => 'ignore' });
    let acked = false;
    const publishing = client.publishAsync('t', 'x', { qos: 1 }).then(() => (acked = true));
    const { packet } = await server.waitFor((p) => p.packet.cmd === 'publish');
    await sleep(50);
    assert.equal(acked, false);
    server.send(0, { cmd: 'puback', messageId: (packet as IPublishPacket).messageId, reasonCode: 0 });
    await publishing;
    assert.equal(acked, true);
  });

  it('answers SUBACK and AUTH with the reason codes the hooks return', async () => {
    const { server, client } = await connected(
      { onSubscribe: () => ({ reasonCode: 0x80 }), onAuth: () => ({ reasonCode: 0 }) },
      { properties: { authenticationMethod: 'TEST', authenticationData: Buffer.from('a') } },
    );
    await assert.rejects(client.subscribeAsync('x', { qos: 1 }), { name: 'ErrorWithSubackPacket' }); // 0x80: refused
    const answer = new Promise<Packet>((resolve) => client.once('packetreceive', resolve));
    // MQTT.js has no public way to send AUTH (see receivers/mqtt/sat-auth.ts).
    (client as unknown as { _sendPacket(p: IAuthPacket): void })._sendPacket({
      cmd: 'auth',
      reasonCode: 0x19,
      properties: { authenticationMethod: 'TEST' },
    });
    const { reasonCode, properties } = (await answer) as IAuthPacket;
    assert.deepEqual([reasonCode, properties?.authenticationMethod], [0, 'TEST']);
    assert.equal((await server.waitFor((p) => p.packet.cmd === 'auth')).conn, 0);
  });

  it('publishes to the client and records when the client acknowledged', async () => {
    const { server, client } = await connected();
    await client.subscribeAsync('t', { qos: 1 });
    const held: (() => void)[] = [];
    // MQTT.js sends the PUBACK only once handleMessage calls back: that is how a receiver defers its acknowledgement.
    client.handleMessage = (_packet, done) => void held.push(() => done());
    const sent = server.publish(0, { topic: 't', payload: 'hello', qos: 1 });
    await sleep(50);
    // Asserted through a copy: asserting on sent.puback itself would narrow it to undefined for the rest of the test.
    const pubackWhileHeld = sent.puback;
    assert.equal(pubackWhileHeld, undefined, 'not acknowledged while the message is held');
    held.forEach((release) => release());
    const puback = await sent.acked;
    assert.equal(puback.messageId, sent.messageId);
    assert.ok(sent.puback && sent.puback.at >= sent.sentAt);
    assert.equal(server.publish(0, { topic: 't', payload: 'qos0' }).messageId, 0);
  });

  it('disconnects a client with a reason code, and waitFor names what it saw when it times out', async () => {
    const { server, client } = await connected();
    const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));
    server.disconnect(0, 0x8b);
    assert.equal((await disconnect).reasonCode, 0x8b);
    await assert.rejects(
      server.waitFor((p) => p.packet.cmd === 'pingreq', 50),
      /no matching packet within 50 ms; received: 0:connect/,
    );
  });

  describe('over TLS', () => {
    let certs: TestCerts;
    before(() => (certs = makeTestCerts()));
    after(() => certs.cleanup());

    it('serves mqtts with the given key and certificate', async () => {
      const server = await startScriptServer({
        tls: { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) },
      });
      cleanups.push(() => server.close());
      const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${server.port}`, {
        protocolVersion: 5,
        reconnectPeriod: 0,
        ca: certs.read(certs.caFile),
      });
      cleanups.push(() => client.endAsync(true));
      assert.equal(server.connections.length, 1);
    });
  });
});
