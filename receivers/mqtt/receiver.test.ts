// Against a real Mosquitto: what arrives (every field of the message), over MQTT 5 and 3.1.1 and WebSockets,
// the connection in the background (status recoverable_error until subscribed), reconnecting after the broker
// restarts, and the heartbeat.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, freePort } from '../../test/helpers/hub.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import { publisher, publishMany, startReceiver, uniqueId } from '../../test/helpers/mqtt-receiver-harness.ts';

let broker: Mosquitto;
before(async () => (broker = await startMosquitto({ websockets: true })));
after(() => broker.stop());

describe('mqtt receiver: messages', () => {
  it('delivers topic, payload, qos, retain and every MQTT 5 property intact', async () => {
    const topic = `${uniqueId('t')}/sensor`;
    const pub = await publisher(broker.url);
    // Retained before the receiver subscribes, so it arrives with the retain flag.
    await pub.publishAsync(`${topic}/retained`, 'kept', { qos: 1, retain: true });
    const h = await startReceiver({ endpoint: broker.url, topics: [`${topic}/#`] });
    try {
      await h.ready();
      await pub.publishAsync(topic, Buffer.from([0, 1, 2, 255]), {
        qos: 1,
        properties: {
          userProperties: { site: ['a', 'b'], line: '7' },
          contentType: 'application/octet-stream',
          correlationData: Buffer.from('corr'),
          responseTopic: 'reply/here',
          payloadFormatIndicator: false,
          messageExpiryInterval: 3600,
        },
      });
      await pub.publishAsync(`${topic}/text`, 'hello', { qos: 0, properties: { payloadFormatIndicator: true } });
      await eventually(() => h.rec.got.length === 3, 'three messages');
      const byTopic = new Map(h.rec.got.map((m) => [m.topic, m]));
      const retained = byTopic.get(`${topic}/retained`);
      assert.equal(retained?.retain, true);
      assert.equal(Buffer.from(retained.payload).toString(), 'kept');
      const m = byTopic.get(topic);
      assert.ok(m);
      assert.deepEqual([...m.payload], [0, 1, 2, 255]);
      assert.equal(m.qos, 1);
      assert.equal(m.retain, false);
      assert.equal(m.dup, false);
      assert.deepEqual(m.properties.userProperties, [
        ['site', 'a'],
        ['site', 'b'],
        ['line', '7'],
      ]);
      assert.equal(m.properties.contentType, 'application/octet-stream');
      assert.equal(Buffer.from(m.properties.correlationData ?? []).toString(), 'corr');
      assert.equal(m.properties.responseTopic, 'reply/here');
      assert.equal(m.properties.payloadFormatIndicator, false);
      // The broker subtracts the time the message spent with it, so it may be a second less.
      assert.ok((m.properties.messageExpiryInterval ?? 0) >= 3599);
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      assert.ok(m.receivedUnixNano > nowNs - 60_000_000_000n && m.receivedUnixNano <= nowNs);
      const text = byTopic.get(`${topic}/text`);
      assert.equal(text?.qos, 0);
      assert.equal(text.properties.payloadFormatIndicator, true);
      assert.ok(h.rec.ctxs.every((c) => c.transport === 'mqtt'));
    } finally {
      await h.stop();
      await pub.endAsync();
    }
  });

  for (const [what, config] of [
    ['MQTT 3.1.1', { protocol_version: 4 }],
    ['MQTT over WebSockets', {}],
    ['a QoS 0 subscription', { qos: 0 }],
  ] as const) {
    it(`receives over ${what}`, async () => {
      const topic = uniqueId('t');
      const endpoint = what.includes('WebSockets') ? broker.wsUrl : broker.url;
      const h = await startReceiver({ endpoint, topics: [topic], ...config });
      const pub = await publisher(broker.url);
      try {
        await h.ready();
        const sent = await publishMany(pub, topic, 5);
        await eventually(() => h.rec.got.length === 5, 'five messages');
        assert.deepEqual(h.rec.payloads().sort(), sent.sort());
        assert.ok(h.rec.got.every((m) => m.qos === ('qos' in config ? 0 : 1)));
      } finally {
        await h.stop();
        await pub.endAsync();
      }
    });
  }
});

describe('mqtt receiver: connection and status', () => {
  it('starts while the broker is down, reports recoverable_error, then connects, subscribes and reports ok', async () => {
    const port = await freePort();
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${port}`,
      topics: ['late/#'],
      reconnect: { min: '10ms', max: '20ms' },
    });
    const connected = () => h.settings.telemetry.value('otelhub_receiver_mqtt_connected', { receiver: 'mqtt' });
    let late: Mosquitto | undefined;
    try {
      assert.equal(h.settings.statuses.at(-1), 'recoverable_error');
      const warned = (msg: string) => h.settings.logger.lines.filter((l) => l.msg === msg && l.level === 'warn');
      await eventually(
        () => warned('cannot connect to the MQTT broker; retrying in the background').length === 1,
        'the failure is logged at warn',
      );
      // A long outage keeps showing at warn, at attempts 2, 4, 8, ...; integer milliseconds.
      await eventually(
        () => warned('still cannot connect to the MQTT broker; retrying in the background').length >= 3,
        'repeated at warn',
      );
      const again = warned('still cannot connect to the MQTT broker; retrying in the background');
      assert.deepEqual(
        again.slice(0, 3).map((l) => l.failed_attempts),
        [2, 4, 8],
      );
      assert.ok(again.every((l) => Number.isInteger(l.retry_in_ms)));
      assert.equal(await connected(), 0);
      assert.ok(!h.settings.statuses.includes('ok'));
      late = await startMosquitto({ port });
      await h.ready();
      assert.equal(await connected(), 1);
      const pub = await publisher(late.url);
      await pub.publishAsync('late/x', 'hello', { qos: 1 });
      await eventually(() => h.rec.got.length === 1, 'message after connecting');
      await pub.endAsync();
    } finally {
      await h.stop();
      await late?.stop();
    }
  });

  it('reconnects after the broker restarts, resumes its session, and goes recoverable_error then ok', async () => {
    const b = await startMosquitto();
    const topic = uniqueId('t');
    const h = await startReceiver({ endpoint: b.url, topics: [topic] });
    try {
      await h.ready();
      const mark = h.settings.statuses.length;
      await b.restart();
      await eventually(
        () => h.settings.statuses.slice(mark).includes('recoverable_error'),
        'recoverable_error while down',
      );
      await h.ready(mark);
      const pub = await publisher(b.url);
      await publishMany(pub, topic, 3);
      await eventually(() => h.rec.got.length === 3, 'messages after the restart');
      await pub.endAsync();
      assert.ok(h.settings.logger.lines.some((l) => l.msg === 'lost the connection to the MQTT broker; reconnecting'));
    } finally {
      await h.stop();
      await b.stop();
    }
  });
});

describe('mqtt receiver: heartbeat', () => {
  it('publishes the heartbeat on <base>/heartbeat and does not consume it, with a plain or a shared subscription', async () => {
    for (const shared of [undefined, 'hb-group']) {
      const base = uniqueId('plant');
      const watcher = await publisher(broker.url);
      const beats: string[] = [];
      watcher.on('message', (t, p) => t === `${base}/heartbeat` && beats.push(p.toString()));
      await watcher.subscribeAsync(`${base}/heartbeat`, { qos: 1 });
      const h = await startReceiver({
        endpoint: broker.url,
        topics: [`${base}/#`],
        shared_group: shared,
        heartbeat: { enabled: true, interval: '100ms' },
      });
      try {
        await h.ready();
        await eventually(() => beats.length >= 3, 'three heartbeats');
        assert.ok(beats.every((b) => b === 'alive'));
        await watcher.publishAsync(`${base}/data`, 'real', { qos: 1 });
        await eventually(() => h.rec.got.length === 1, 'the real message');
        assert.deepEqual(h.rec.payloads(), ['real']);
      } finally {
        await h.stop();
        await watcher.endAsync();
      }
    }
  });
});
