// Sessions and sharing against a real Mosquitto: a persistent session receives what was published while the
// receiver was down (a clean start does not), and receivers in one shared group split the messages between them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/helpers/hub.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import { publisher, publishMany, startReceiver, uniqueId } from '../../test/helpers/mqtt-receiver-harness.ts';

let broker: Mosquitto;
before(async () => (broker = await startMosquitto()));
after(() => broker.stop());

describe('mqtt receiver: sessions', () => {
  it('resumes its session after a restart (clean_start false) and receives what was published meanwhile', async () => {
    const topic = uniqueId('t');
    const config = { endpoint: broker.url, topics: [topic], client_id: uniqueId('durable') };
    const first = await startReceiver(config);
    await first.ready();
    await first.stop();
    const pub = await publisher(broker.url);
    const sent = await publishMany(pub, topic, 20);
    await pub.endAsync();
    const second = await startReceiver(config);
    try {
      await eventually(() => second.rec.got.length === 20, 'the messages published while down');
      assert.deepEqual(second.rec.payloads().sort(), sent.sort());
      assert.ok(
        second.settings.logger.lines.some(
          (l) => l.msg === 'connected to the MQTT broker' && l.session_present === true,
        ),
      );
    } finally {
      await second.stop();
    }
  });

  it('starts afresh with clean_start true: nothing published while it was down arrives', async () => {
    const topic = uniqueId('t');
    const config = {
      endpoint: broker.url,
      topics: [topic],
      client_id: uniqueId('clean'),
      clean_start: true,
      session_expiry: 0,
    };
    const first = await startReceiver(config);
    await first.ready();
    await first.stop();
    const pub = await publisher(broker.url);
    await publishMany(pub, topic, 3, 'missed');
    const second = await startReceiver(config);
    try {
      await second.ready();
      await pub.publishAsync(topic, 'after', { qos: 1 });
      await eventually(() => second.rec.got.length >= 1, 'the message published after');
      await sleep(100);
      assert.deepEqual(second.rec.payloads(), ['after']);
    } finally {
      await second.stop();
      await pub.endAsync();
    }
  });
});

describe('mqtt receiver: shared subscriptions', () => {
  it('splits a group’s messages between its receivers: each gets a share, together all, none twice', async () => {
    const topic = uniqueId('t');
    const group = uniqueId('group');
    const a = await startReceiver({ endpoint: broker.url, topics: [`${topic}/#`], shared_group: group });
    const b = await startReceiver({ endpoint: broker.url, topics: [`${topic}/#`], shared_group: group });
    const pub = await publisher(broker.url);
    try {
      await Promise.all([a.ready(), b.ready()]);
      const sent = await publishMany(pub, `${topic}/x`, 40);
      await eventually(() => a.rec.got.length + b.rec.got.length === 40, 'all forty');
      assert.ok(
        a.rec.got.length > 0 && b.rec.got.length > 0,
        `both got a share (${a.rec.got.length} / ${b.rec.got.length})`,
      );
      assert.deepEqual([...a.rec.payloads(), ...b.rec.payloads()].sort(), sent.sort());
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await pub.endAsync();
    }
  });
});
