// The embedded broker (`embedded_broker`): devices publish straight to the hub's own aedes broker, the receiver
// subscribes to it as an ordinary MQTT 3.1.1 client, and the acknowledgement rules hold unchanged.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { eventually } from '../../test/helpers/hub.ts';
import type { MqttReceiverConfig } from './config.ts';
import { mqttReceiverFactory } from './factory.ts';
import { publisher, startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';

/** The receiver with its embedded broker on a free port; the device URL read from its log line. */
async function startEmbedded(config: Record<string, unknown> = {}): Promise<{ h: Harness; url: string; port: number }> {
  const h = await startReceiver({ embedded_broker: { endpoint: '127.0.0.1:0' }, topics: ['factory/#'], ...config });
  const line = h.settings.logger.lines.find((l) => l.msg === 'embedded MQTT broker listening');
  assert.ok(line, 'logs where the embedded broker listens');
  const endpoint = String(line.endpoint);
  const port = Number(/:(\d+)$/.exec(endpoint)?.[1]);
  assert.ok(port > 0, `the real port, not 0: ${endpoint}`);
  return { h, url: `mqtt://${endpoint}`, port };
}

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
  it('takes a device QoS 1 message with its topic and payload, speaking MQTT 3.1.1 to its own broker', async () => {
    const { h, url } = await startEmbedded();
    const device = await publisher(url, { protocolVersion: 4 });
    try {
      await h.ready();
      assert.equal(h.receiver.cfg.protocol_version, 4);
      assert.match(h.receiver.cfg.endpoint, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
      const payload = '{"metrics":[{"name":"temperature","type":"f64_gauge","value":72.5}]}';
      await device.publishAsync('factory/line1', payload, { qos: 1 });
      await eventually(() => h.rec.got.length === 1, 'the message in the pipeline');
      const m = h.rec.got[0];
      assert.equal(m?.topic, 'factory/line1');
      assert.equal(Buffer.from(m?.payload ?? []).toString(), payload);
      assert.equal(m?.qos, 1);
    } finally {
      await device.endAsync();
      await h.stop();
    }
  });

  it('keeps the acknowledgement rules: a retryable refusal is retried, unacknowledged, until delivered', async () => {
    const { h, url } = await startEmbedded({ retry: { initial_interval: '20ms', max_interval: '50ms' } });
    const device = await publisher(url, { protocolVersion: 4 });
    try {
      await h.ready();
      const pubacks: number[] = [];
      h.receiver.client?.on('packetsend', (p) => void (p.cmd === 'puback' && pubacks.push(Date.now())));
      h.rec.mode = 'retryable';
      await device.publishAsync('factory/line1', 'retry-me', { qos: 1 });
      await eventually(() => h.rec.calls >= 3, 'several attempts');
      assert.deepEqual(pubacks, [], 'no PUBACK to the embedded broker while the pipeline refuses');
      assert.deepEqual(h.rec.got, []);
      h.rec.mode = 'deliver';
      await eventually(
        () => h.rec.got.length === 1 && pubacks.length === 1,
        'delivered once it recovers, then acknowledged',
      );
      assert.deepEqual(h.rec.payloads(), ['retry-me']);
    } finally {
      await device.endAsync();
      await h.stop();
    }
  });

  it('closes its listener on shutdown: devices are cut off and a new connection is refused', async () => {
    const { h, url, port } = await startEmbedded();
    const device = await publisher(url, { protocolVersion: 4 });
    await h.ready();
    const deviceClosed = new Promise<void>((r) => device.once('close', () => r()));
    await h.stop();
    await deviceClosed;
    assert.equal(await refusesConnection(port), 'ECONNREFUSED');
    assert.equal(h.receiver.client?.connected, false);
    await device.endAsync(true);
  });

  it('fails start, naming the endpoint, when its port is taken', async () => {
    const { h, port } = await startEmbedded();
    try {
      await assert.rejects(
        startReceiver({ embedded_broker: { endpoint: `127.0.0.1:${port}` } }),
        /embedded MQTT broker cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
      );
    } finally {
      await h.stop();
    }
  });

  it('refuses a shared group, MQTT 5, an endpoint, tls or auth with the embedded broker', () => {
    const issues = (raw: Record<string, unknown>) => {
      const v = validateConfig(mqttReceiverFactory.configSchema, { embedded_broker: {}, ...raw });
      const all = v.issues.length ? v.issues : (mqttReceiverFactory.validate?.(v.value as MqttReceiverConfig) ?? []);
      return all.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    assert.equal(issues({}), '');
    assert.match(
      issues({ shared_group: 'otelhub' }),
      /^shared_group: the embedded broker \(aedes\) has no shared subscriptions: .*use a real broker \(Mosquitto, EMQX, AIO\) to scale out/,
    );
    assert.match(issues({ protocol_version: 5 }), /^protocol_version: .*MQTT 3\.1\.1 only/);
    assert.match(issues({ endpoint: 'mqtt://broker:1883' }), /^endpoint: /);
    assert.match(issues({ tls: { ca_file: '/ca.pem' } }), /^tls: /);
    assert.match(issues({ auth: { username: 'u' } }), /^auth: /);
  });
});
