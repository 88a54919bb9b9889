// Settlement against a real Mosquitto: retryable refusals keep messages on the broker until the pipelines take
// them, a consumer that never settles holds only receive_maximum messages (the rest wait on the broker),
// permanent refusals and expired messages are acknowledged and counted, and messages in flight when the broker
// restarts are processed once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Packet } from 'mqtt-packet';
import { eventually } from '../../test/helpers/hub.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';
import { publisher, publishMany, startReceiver, uniqueId } from '../../test/helpers/mqtt-receiver-harness.ts';

let broker: Mosquitto;
before(async () => (broker = await startMosquitto()));
after(() => broker.stop());

const DROPPED = 'otelhub_receiver_mqtt_dropped_messages_total';

/** Counts the PUBACKs the receiver sends from now on. */
function pubacks(h: Harness): { count(): number } {
  let n = 0;
  h.receiver.client?.on('packetsend', (p: Packet) => void (p.cmd === 'puback' && n++));
  return { count: () => n };
}

describe('mqtt receiver: settlement with Mosquitto', () => {
  it('keeps retrying what the pipelines refuse retryably, without acknowledging, and delivers it once they recover', async () => {
    const topic = uniqueId('t');
    const h = await startReceiver({
      endpoint: broker.url,
      topics: [topic],
      retry: { initial_interval: '20ms', max_interval: '50ms' },
    });
    const pub = await publisher(broker.url);
    try {
      await h.ready();
      const acks = pubacks(h);
      h.rec.mode = 'retryable';
      const sent = await publishMany(pub, topic, 3);
      await eventually(() => h.rec.calls >= 12, 'several attempts for each message');
      assert.equal(acks.count(), 0);
      h.rec.mode = 'deliver';
      await eventually(() => acks.count() === 3, 'acknowledged once delivered');
      assert.deepEqual(h.rec.payloads().sort(), sent.sort());
    } finally {
      await h.stop();
      await pub.endAsync();
    }
  });

  it('holds only receive_maximum messages while the pipelines do not settle; the rest wait on the broker, none lost', async () => {
    const topic = uniqueId('t');
    const h = await startReceiver({ endpoint: broker.url, topics: [topic], receive_maximum: 5 });
    const pub = await publisher(broker.url);
    try {
      await h.ready();
      h.rec.mode = 'hold';
      const sent = await publishMany(pub, topic, 50);
      await eventually(() => h.rec.offered === 5, 'a full window');
      await sleep(200);
      assert.equal(h.rec.offered, 5, 'the broker sends nothing more until something is acknowledged');
      assert.equal(
        await h.settings.telemetry.value('otelhub_receiver_mqtt_inflight_messages', { receiver: 'mqtt' }),
        5,
      );
      h.rec.release();
      await eventually(() => h.rec.got.length === 50, 'everything once the pipelines settle');
      assert.deepEqual(h.rec.payloads().sort(), sent.sort());
      assert.equal(h.rec.offered, 50, 'each message processed once');
    } finally {
      await h.stop();
      await pub.endAsync();
    }
  });

  it('acknowledges and counts messages the pipelines refuse permanently', async () => {
    const topic = uniqueId('t');
    const h = await startReceiver({ endpoint: broker.url, topics: [topic] });
    const pub = await publisher(broker.url);
    try {
      await h.ready();
      const acks = pubacks(h);
      h.rec.mode = 'permanent';
      await publishMany(pub, topic, 2);
      await eventually(() => acks.count() === 2, 'acknowledged');
      assert.equal(await h.settings.telemetry.value(DROPPED, { receiver: 'mqtt', reason: 'permanent' }), 2);
      assert.equal(h.rec.offered, 2, 'not retried');
      const logged = h.settings.logger.lines.filter((l) => String(l.msg).startsWith('dropped MQTT messages'));
      assert.ok(logged.length >= 1 && logged.length <= 2, 'logged rate-limited');
    } finally {
      await h.stop();
      await pub.endAsync();
    }
  });

  it('drops a message whose expiry interval passed before it could be delivered, acknowledged and counted', async () => {
    const topic = uniqueId('t');
    const h = await startReceiver({
      endpoint: broker.url,
      topics: [topic],
      retry: { initial_interval: '300ms', max_interval: '300ms' },
    });
    const pub = await publisher(broker.url);
    try {
      await h.ready();
      const acks = pubacks(h);
      h.rec.mode = 'retryable';
      await pub.publishAsync(topic, 'short-lived', { qos: 1, properties: { messageExpiryInterval: 1 } });
      await eventually(() => acks.count() === 1, 'acknowledged once expired');
      assert.equal(await h.settings.telemetry.value(DROPPED, { receiver: 'mqtt', reason: 'expired' }), 1);
      const calls = h.rec.calls;
      await sleep(400);
      assert.equal(h.rec.calls, calls, 'not offered again after expiring');
      assert.equal(h.rec.got.length, 0);
    } finally {
      await h.stop();
      await pub.endAsync();
    }
  });

  it('processes messages in flight across a broker restart once: the redeliveries join them', async () => {
    const b = await startMosquitto();
    const topic = uniqueId('t');
    const h = await startReceiver({ endpoint: b.url, topics: [topic], receive_maximum: 5 });
    try {
      await h.ready();
      h.rec.mode = 'hold';
      const pub = await publisher(b.url);
      const sent = await publishMany(pub, topic, 8);
      await pub.endAsync();
      await eventually(() => h.rec.offered === 5, 'a full window');
      const mark = h.settings.statuses.length;
      await b.restart();
      await h.ready(mark);
      await sleep(100);
      h.rec.release();
      await eventually(() => h.rec.got.length === 8, 'all eight');
      assert.deepEqual(h.rec.payloads().sort(), sent.sort());
      assert.equal(h.rec.offered, 8, 'the five redelivered ones were not processed again');
    } finally {
      await h.stop();
      await b.stop();
    }
  });
});
