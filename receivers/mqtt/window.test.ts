// The receiver's own window against a real Mosquitto, which honours a subscriber's Receive Maximum for the first
// window only and then sends on: the broker itself is what proves that the hub bounds itself. Backlogs are queued
// for an offline persistent session, then drained.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import type { Packet } from 'mqtt-packet';
import { eventually } from '../../test/helpers/hub.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';
import { publisher, startReceiver, uniqueId } from '../../test/helpers/mqtt-receiver-harness.ts';

let broker: Mosquitto;
// The helper's max_queued_messages (100,000) is above every backlog built here: the broker drops nothing.
before(async () => (broker = await startMosquitto()));
after(() => broker.stop());

const KiB = 1024;
const packetBytes = (remaining: number) =>
  1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4) + remaining;

/** What MQTT.js was handed and not yet acknowledged, sampled on every PUBLISH it receives. */
function watchWindow(client: MqttClient) {
  const unacked = new Map<number, number>();
  const w = { messages: 0, bytes: 0, maxMessages: 0, maxBytes: 0, pubacks: 0, closes: 0, connects: 0 };
  client.on('packetreceive', (p: Packet) => {
    if (p.cmd === 'connack') w.connects++;
    if (p.cmd !== 'publish' || p.qos !== 1 || p.messageId === undefined) return;
    unacked.set(p.messageId, packetBytes(p.length ?? 0));
    w.messages = unacked.size;
    w.bytes = [...unacked.values()].reduce((a, b) => a + b, 0);
    w.maxMessages = Math.max(w.maxMessages, w.messages);
    w.maxBytes = Math.max(w.maxBytes, w.bytes);
  });
  // Before the receiver's own listeners: a PUBACK lets the next PUBLISH in at once, within the same emit.
  client.prependListener('packetsend', (p: Packet) => {
    if (p.cmd !== 'puback' || p.messageId === undefined) return;
    w.pubacks++;
    unacked.delete(p.messageId);
  });
  // A new connection starts a new window: the broker resends what was not acknowledged.
  client.on('close', () => {
    w.closes++;
    unacked.clear();
  });
  return w;
}

/** Creates `clientId`'s persistent session on `topic`, leaves it offline and queues `n` QoS 1 messages for it. */
async function queueBacklog(
  config: Record<string, unknown>,
  n: number,
  payloadBytes = 16,
  url = broker.url,
): Promise<Set<string>> {
  const h = await startReceiver(config);
  await h.ready();
  await h.stop();
  const pub = await publisher(url);
  const sent = new Set<string>();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const body = `m${i}-`.padEnd(payloadBytes, 'x');
    sent.add(body);
    pending.push(pub.publishAsync(String((config.topics as string[])[0]), body, { qos: 1 }));
  }
  await Promise.all(pending);
  await pub.endAsync();
  return sent;
}

function assertAllOnce(h: Harness, sent: Set<string>): void {
  const got = h.rec.payloads();
  assert.equal(new Set(got).size, sent.size, 'every message delivered');
  assert.ok(
    got.every((p) => sent.has(p)),
    'nothing else',
  );
}

const overran = (h: Harness) => h.settings.logger.lines.some((l) => String(l.msg).includes('beyond receive_maximum'));

describe('mqtt receiver: its own window with Mosquitto', () => {
  it('never holds more than receive_maximum messages while draining a 20,000-message backlog, none lost', async () => {
    const config = { endpoint: broker.url, topics: [uniqueId('t')], client_id: uniqueId('c'), receive_maximum: 50 };
    const sent = await queueBacklog(config, 20_000);
    const h = await startReceiver(config);
    const w = watchWindow(h.receiver.client as MqttClient);
    try {
      await eventually(() => h.rec.got.length >= sent.size, 'the whole backlog', 20_000);
      assertAllOnce(h, sent);
      assert.ok(w.maxMessages <= 50, `at most 50 unacknowledged; saw ${w.maxMessages}`);
      assert.ok((h.receiver.flowControl?.peak.messages ?? 0) <= 50);
      assert.ok(overran(h), 'the broker did send beyond the window (else this test shows nothing)');
      await eventually(() => w.pubacks === sent.size, 'each acknowledged once processed');
      assert.equal(h.rec.got.length, sent.size, 'each processed once');
      assert.equal(
        await h.settings.telemetry.value('otelhub_receiver_mqtt_inflight_messages', { receiver: 'mqtt' }),
        0,
      );
    } finally {
      await h.stop();
    }
  });

  it('keeps the messages in the pipelines within max_inflight_bytes, and what it reads within the documented bound', async () => {
    const budget = 32 * KiB;
    const config = {
      endpoint: broker.url,
      topics: [uniqueId('t')],
      client_id: uniqueId('c'),
      receive_maximum: 1000,
      max_inflight_bytes: budget,
      max_packet_size: 2 * KiB,
    };
    const sent = await queueBacklog(config, 3000, KiB);
    const h = await startReceiver(config);
    const w = watchWindow(h.receiver.client as MqttClient);
    try {
      await eventually(() => h.rec.got.length >= sent.size, 'the whole backlog', 20_000);
      assertAllOnce(h, sent);
      assert.ok(w.maxBytes <= budget, `unacknowledged bytes within the budget; saw ${w.maxBytes}`);
      assert.ok(w.maxMessages < 1000, 'the byte budget, not the window, was the limit');
      const peak = h.receiver.flowControl?.peak.bytes ?? Infinity;
      // While the SUBACK of a resumed session waits behind its first messages reading goes on to twice the budget.
      assert.ok(peak <= 2 * budget + 64 * KiB, `held bytes within the documented bound; saw ${peak}`);
    } finally {
      await h.stop();
    }
  });
});

describe('mqtt receiver: reading stopped for longer than 1.5 x keep-alive', () => {
  // A window of 20 KiB-messages against a 16 KiB budget: the first window alone stops reading.
  const pausing = (url: string) => ({
    endpoint: url,
    topics: [uniqueId('t')],
    client_id: uniqueId('c'),
    keep_alive: '2s',
    receive_maximum: 20,
    max_inflight_bytes: 16 * KiB,
    max_packet_size: 2 * KiB,
    retry: { initial_interval: '100ms', max_interval: '200ms' },
  });

  /** Starts the receiver with the destination refusing and waits until the gate stopped reading. */
  async function paused(config: Record<string, unknown>): Promise<Harness> {
    const h = await startReceiver(config);
    h.rec.mode = 'retryable';
    await eventually(() => h.receiver.flowControl?.gate?.reading === false, 'reading stopped');
    return h;
  }

  it('keeps the connection through a 4.5 s outage with keep_alive 2s and loses nothing', async () => {
    const config = pausing(broker.url);
    const sent = await queueBacklog(config, 300, KiB);
    const h = await paused(config);
    const w = watchWindow(h.receiver.client as MqttClient);
    try {
      const mark = h.settings.statuses.length;
      await sleep(4500);
      assert.equal(h.receiver.flowControl?.gate?.reading, false, 'still not reading');
      assert.equal(w.closes, 0, 'the connection was kept');
      assert.ok(!h.settings.statuses.slice(mark).includes('recoverable_error'), 'never reported lost');
      h.rec.mode = 'deliver';
      await eventually(() => h.rec.got.length >= sent.size, 'everything once the destination is back', 15_000);
      assertAllOnce(h, sent);
      assert.equal(w.closes, 0);
      assert.equal(w.connects, 0, 'no reconnect');
    } finally {
      await h.stop();
    }
  });

  it('reconnects when the broker restarts while reading is stopped, and delivers everything', async () => {
    const b = await startMosquitto();
    const config = pausing(b.url);
    try {
      const sent = await queueBacklog(config, 300, KiB, b.url);
      const h = await paused(config);
      try {
        const mark = h.settings.statuses.length;
        await b.restart();
        await h.ready(mark);
        h.rec.mode = 'deliver';
        await eventually(() => h.rec.got.length >= sent.size, 'everything after the reconnect', 15_000);
        assertAllOnce(h, sent);
      } finally {
        await h.stop();
      }
    } finally {
      await b.stop();
    }
  });

  it('shuts down cleanly while reading is stopped; the next start gets every message', async () => {
    const config = pausing(broker.url);
    const sent = await queueBacklog(config, 300, KiB);
    const h = await paused(config);
    const client = h.receiver.client as MqttClient;
    let disconnectSent = false;
    client.on('packetsend', (p: Packet) => void (p.cmd === 'disconnect' && (disconnectSent = true)));
    await h.stop();
    assert.ok(disconnectSent, 'DISCONNECT sent');
    assert.ok(client.disconnected, 'closed');
    await eventually(() => broker.logs().includes(`Client ${String(config.client_id)} disconnected.`), 'clean');
    const again = await startReceiver(config);
    try {
      await eventually(() => again.rec.got.length >= sent.size, 'everything in the next session', 15_000);
      assertAllOnce(again, sent);
    } finally {
      await again.stop();
    }
  });
});
