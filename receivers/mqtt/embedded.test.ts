// The embedded broker (`embedded_broker`): devices publish straight to the hub's ingest-only MQTT server, and each
// message goes through the receiver's delivery; a QoS 1 message is acknowledged to its device only once the
// pipelines settled it. mqtt.js stands in for the devices, speaking MQTT 5 and 3.1.1.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { IConnackPacket } from 'mqtt-packet';
import { ConfigKeyError } from '../../core/errors.ts';
import { validateConfig } from '../../config/schema.ts';
import { eventually } from '../../test/helpers/hub.ts';
import type { MqttReceiverConfig } from './config.ts';
import { mqttReceiverFactory } from './factory.ts';
import { publisher, startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';
import { cleanupEmbedded, sessionFile, startEmbedded } from '../../test/helpers/embedded-broker.ts';

after(cleanupEmbedded);

const refusesConnection = (port: number) =>
  new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

describe('mqtt receiver: embedded broker', () => {
  for (const protocolVersion of [5, 4] as const) {
    it(`acknowledges a device's QoS 1 message only once the pipelines settled it (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async () => {
      const { h, url } = await startEmbedded();
      const device = await publisher(url, { protocolVersion });
      try {
        h.rec.mode = 'hold';
        const payload = '{"metrics":[{"name":"temperature","type":"f64_gauge","value":72.5}]}';
        let acked = false;
        const published = device.publishAsync('factory/line1', payload, { qos: 1 }).then(() => (acked = true));
        await eventually(() => h.rec.pending === 1, 'the message in the pipeline, held');
        assert.equal(acked, false, 'no PUBACK while the pipeline holds the message');
        h.rec.release();
        await published;
        const m = h.rec.got[0];
        assert.equal(m?.topic, 'factory/line1');
        assert.equal(Buffer.from(m?.payload ?? []).toString(), payload);
        assert.equal(m?.qos, 1);
      } finally {
        await device.endAsync();
        await h.stop();
      }
    });
  }

  it('gives no PUBACK while the pipeline refuses retryably; delivers and acknowledges once it recovers', async () => {
    const { h, url } = await startEmbedded({ retry: { initial_interval: '20ms', max_interval: '50ms' } });
    const device = await publisher(url);
    try {
      h.rec.mode = 'retryable';
      let acked = false;
      const published = device.publishAsync('factory/line1', 'retry-me', { qos: 1 }).then(() => (acked = true));
      await eventually(() => h.rec.calls >= 3, 'several attempts');
      assert.equal(acked, false, 'no PUBACK while the pipeline refuses');
      assert.deepEqual(h.rec.got, []);
      h.rec.mode = 'deliver';
      await published;
      assert.deepEqual(h.rec.payloads(), ['retry-me']);
    } finally {
      await device.endAsync();
      await h.stop();
    }
  });

  it('takes QoS 0 messages, and acknowledges without delivering a topic outside `topics` (MQTT 5: 0x10)', async () => {
    const { h, url } = await startEmbedded();
    const device = await publisher(url);
    try {
      const codes: (number | undefined)[] = [];
      device.on('packetreceive', (p) => void (p.cmd === 'puback' && codes.push(p.reasonCode)));
      await device.publishAsync('factory/a', 'qos0', { qos: 0 });
      await device.publishAsync('elsewhere/b', 'other', { qos: 1 });
      assert.deepEqual(codes, [0x10], 'No matching subscribers');
      await device.publishAsync('factory/c', 'qos1', { qos: 1 });
      await eventually(() => h.rec.got.length === 2, 'both factory messages');
      assert.deepEqual(h.rec.payloads().sort(), ['qos0', 'qos1']);
    } finally {
      await device.endAsync();
      await h.stop();
    }
  });

  it('announces its limits to MQTT 5 devices and refuses subscriptions (0x83; 3.1.1: 0x80)', async () => {
    const { h, url } = await startEmbedded({}, { receive_maximum: 7, max_packet_size: 4096 });
    const device = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0 });
    const connack = await new Promise<IConnackPacket>((r) => device.once('connect', r));
    const old = await publisher(url, { protocolVersion: 4 });
    try {
      assert.equal(connack.properties?.receiveMaximum, 7);
      assert.equal(connack.properties?.maximumPacketSize, 4096);
      assert.equal(connack.properties?.maximumQoS, 1);
      await assert.rejects(device.subscribeAsync('commands/#', { qos: 1 }), /Subscribe error|131|0x83|Implementation/i);
      const granted = await old.subscribeAsync('commands/#', { qos: 1 }).catch((e: Error) => e);
      assert.ok(granted instanceof Error || granted.some((g) => g.qos === 128), 'refused to the 3.1.1 device too');
    } finally {
      await device.endAsync();
      await old.endAsync();
      await h.stop();
    }
  });

  it('closes its listener on shutdown: devices are cut off and a new connection is refused', async () => {
    const { h, url, port } = await startEmbedded();
    const device = await publisher(url, { protocolVersion: 4 });
    const deviceClosed = new Promise<void>((r) => device.once('close', () => r()));
    await h.stop();
    await deviceClosed;
    assert.equal(await refusesConnection(port), 'ECONNREFUSED');
    await device.endAsync(true);
  });

  it('gives no PUBACK for a message whose delivery is abandoned at shutdown (the device sends it again)', async () => {
    const { h, url } = await startEmbedded({ retry: { initial_interval: '20ms', max_interval: '50ms' } });
    const device = await publisher(url);
    const pubacks: number[] = [];
    device.on('packetreceive', (p) => void (p.cmd === 'puback' && pubacks.push(p.messageId ?? 0)));
    h.rec.mode = 'retryable';
    device.publish('factory/line1', 'abandoned', { qos: 1 });
    await eventually(() => h.rec.calls >= 2, 'retried');
    const closed = new Promise<void>((r) => device.once('close', () => r()));
    await h.stop();
    await closed;
    assert.deepEqual(pubacks, []);
    await device.endAsync(true);
  });

  it('fails start at session_file when its directory cannot be written', async () => {
    await assert.rejects(
      startReceiver({ embedded_broker: { endpoint: '127.0.0.1:0', session_file: '/nonexistent-otelhub-dir/s.json' } }),
      (err: Error) =>
        err instanceof ConfigKeyError &&
        err.path.join('::') === 'embedded_broker::session_file' &&
        /cannot write its session_file \/nonexistent-otelhub-dir\/s\.json: the directory is not writable/.test(
          err.message,
        ),
    );
  });

  it('fails start, naming the key and the address, when its port is taken', async () => {
    const { h, port } = await startEmbedded();
    try {
      await assert.rejects(
        startReceiver({ embedded_broker: { endpoint: `127.0.0.1:${port}`, session_file: sessionFile() } }),
        (err: Error) =>
          err instanceof ConfigKeyError &&
          err.path.join('::') === 'embedded_broker::endpoint' &&
          err.message === `address 127.0.0.1:${port} is already in use`,
      );
    } finally {
      await h.stop();
    }
  });
});

describe('mqtt receiver: embedded broker config', () => {
  const issues = (raw: Record<string, unknown>, eb: Record<string, unknown> = {}) => {
    const v = validateConfig(mqttReceiverFactory.configSchema, { embedded_broker: eb, ...raw });
    const all = v.issues.length ? v.issues : (mqttReceiverFactory.validate?.(v.value as MqttReceiverConfig) ?? []);
    return all.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };

  it('keeps `embedded_broker: { endpoint }` configs working, with defaults for the new keys', () => {
    assert.equal(issues({}), '');
    assert.equal(issues({ protocol_version: 4 }), '', 'a protocol_version from aedes days is ignored, not refused');
    const v = validateConfig(mqttReceiverFactory.configSchema, { embedded_broker: { endpoint: 'localhost:1883' } });
    assert.deepEqual((v.value as MqttReceiverConfig).embedded_broker, {
      endpoint: 'localhost:1883',
      receive_maximum: 10_000,
      max_packet_size: 1048576,
      max_inflight_bytes: 67108864,
      connect_timeout: 10_000,
      max_connections: 1000,
    });
  });

  it('refuses the client connection keys, a heartbeat, and anonymous devices on every interface unless asked', () => {
    assert.match(issues({ shared_group: 'otelhub' }), /^shared_group: the embedded broker has no shared subscriptions/);
    assert.match(issues({ endpoint: 'mqtt://broker:1883' }), /^endpoint: /);
    assert.match(issues({ tls: { ca_file: '/ca.pem' } }), /^tls: .*embedded_broker\.tls/);
    assert.match(issues({ auth: { username: 'u' } }), /^auth: .*embedded_broker\.password_file/);
    assert.match(issues({ heartbeat: { enabled: true } }), /^heartbeat: /);
    assert.match(
      issues({}, { endpoint: ':1883' }),
      /^embedded_broker\.allow_anonymous: :1883 is reachable from other machines/,
    );
    assert.equal(issues({}, { endpoint: ':1883', allow_anonymous: true }), '');
    assert.equal(issues({}, { endpoint: '0.0.0.0:1883', password_file: '/etc/otelhub/passwd' }), '');
    assert.match(issues({}, { endpoint: 'nope' }), /^embedded_broker\.endpoint: invalid address/);
    assert.match(issues({}, { receive_maximum: 0 }), /embedded_broker\.receive_maximum/);
    assert.match(issues({}, { max_packet_size: 10 }), /embedded_broker\.max_packet_size/);
    assert.match(issues({}, { tls: { cert_file: '/c.pem' } }), /^embedded_broker\.tls\.key_file: /);
  });
});
