// When PUBACK goes out, observed exactly from the server side with the scripted server (a real broker cannot
// report when a client acknowledged): only after the pipelines settled, concurrently for many messages, never
// for a retryable failure, and on the right connection when one drops in between.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IConnackPacket, IPubackPacket } from 'mqtt-packet';
import { eventually } from '../../test/helpers/hub.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import { startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';

let server: ScriptServer;
before(async () => (server = await startScriptServer()));
after(() => server.close());

const pubacksOn = (conn: number): IPubackPacket[] =>
  server.packets.filter((p) => p.conn === conn && p.packet.cmd === 'puback').map((p) => p.packet as IPubackPacket);

async function connected(): Promise<number> {
  const seen = server.connections.length;
  await server.waitFor((p) => p.conn >= seen && p.packet.cmd === 'subscribe');
  return server.connections.length - 1;
}

describe('mqtt receiver: acknowledgements', () => {
  it('acknowledges a QoS 1 message only after the pipelines settled it, many in flight at once', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
    try {
      const conn = await wait;
      h.rec.mode = 'hold';
      const sent = [1, 2, 3].map((i) => server.publish(conn, { topic: 'a/x', payload: `m${i}`, qos: 1 }));
      // All three are in the pipelines together: one slow message does not hold up the others.
      await eventually(() => h.rec.offered === 3, 'three messages in flight');
      await sleep(100);
      assert.ok(
        sent.every((s) => s.puback === undefined),
        'no PUBACK before settling',
      );
      const released = Date.now();
      h.rec.release();
      const acks = await Promise.all(sent.map((s) => s.acked));
      assert.ok(acks.every((a) => (a.reasonCode ?? 0) === 0));
      assert.ok(sent.every((s) => (s.puback?.at ?? 0) >= released));
      assert.deepEqual(h.rec.payloads().sort(), ['m1', 'm2', 'm3']);
    } finally {
      await h.stop();
    }
  });

  it('does not acknowledge while the pipelines refuse retryably, retries under one retry key, and acknowledges once delivered', async () => {
    const wait = connected();
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a/#'],
      retry: { initial_interval: '20ms', max_interval: '50ms' },
    });
    try {
      const conn = await wait;
      h.rec.mode = 'retryable';
      const s = server.publish(conn, { topic: 'a/x', payload: 'retry-me', qos: 1 });
      await eventually(() => h.rec.calls >= 4, 'several attempts');
      assert.equal(s.puback, undefined);
      h.rec.mode = 'deliver';
      await s.acked;
      assert.deepEqual(h.rec.payloads(), ['retry-me']);
      // Every attempt names the same data, so a pipeline that accepted it is not sent it again (core/resend.ts).
      const keys = new Set(h.rec.ctxs.map((c) => c.retryKey));
      assert.equal(keys.size, 1);
      assert.notEqual([...keys][0], undefined);
      assert.ok(
        h.settings.logger.lines.some(
          (l) => l.msg === 'pipeline refused MQTT messages; retrying them (not acknowledged)',
        ),
      );
    } finally {
      await h.stop();
    }
  });

  it('sets the flush hint once receive_maximum messages are unacknowledged', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'], receive_maximum: 3 });
    try {
      const conn = await wait;
      assert.equal(server.connections[conn]?.connect?.properties?.receiveMaximum, 3);
      h.rec.mode = 'hold';
      for (let i = 0; i < 3; i++) server.publish(conn, { topic: 'a/x', payload: `m${i}`, qos: 1 });
      await eventually(() => h.rec.offered === 3, 'three messages offered');
      // However they were read (together: one consume), the consume that filled the window, and only it, says so.
      const flushes = h.rec.ctxs.map((c) => c.flush ?? false);
      assert.deepEqual(flushes, [...flushes.slice(0, -1).map(() => false), true]);
      h.rec.release();
      await eventually(() => pubacksOn(conn).length === 3, 'three PUBACKs');
    } finally {
      await h.stop();
    }
  });

  it('consumes QoS 0 once: a retryable refusal is counted, not retried; beyond receive_maximum they are dropped', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'], receive_maximum: 2 });
    const dropped = (reason: string) =>
      h.settings.telemetry.value('otelhub_receiver_mqtt_dropped_messages_total', { receiver: 'mqtt', reason });
    try {
      const conn = await wait;
      h.rec.mode = 'retryable';
      server.publish(conn, { topic: 'a/x', payload: 'q0', qos: 0 });
      await eventually(async () => (await dropped('qos0_refused')) === 1, 'counted');
      assert.equal(h.rec.calls, 1);
      h.rec.mode = 'hold';
      for (let i = 0; i < 3; i++) server.publish(conn, { topic: 'a/x', payload: `h${i}`, qos: 0 });
      await eventually(async () => (await dropped('qos0_overload')) === 1, 'the third dropped');
      const flushes = h.rec.ctxs.slice(1).map((c) => c.flush ?? false);
      assert.deepEqual(flushes, [...flushes.slice(0, -1).map(() => false), true]);
      h.rec.release();
      await eventually(() => h.rec.got.length === 2, 'the two held ones delivered');
    } finally {
      await h.stop();
    }
  });

  it('joins a redelivery of a message still in the pipelines (session resumed) and acknowledges it on the new connection', async () => {
    const resuming = await startScriptServer({
      onConnect: (p, conn) => {
        // The second connection resumes the session, as a broker with the client's session does.
        const connack: IConnackPacket = { cmd: 'connack', sessionPresent: conn.id > 0, reasonCode: 0 };
        resuming.send(conn, connack);
        return 'ignore';
      },
    });
    const wait = (n: number) => resuming.waitFor((p) => p.conn === n && p.packet.cmd === 'subscribe');
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${resuming.port}`, topics: ['a/#'] });
    try {
      await wait(0);
      h.rec.mode = 'hold';
      resuming.publish(0, { topic: 'a/x', payload: 'once', qos: 1 });
      await eventually(() => h.rec.calls === 1, 'in the pipelines');
      resuming.connections[0]?.socket.destroy();
      await wait(1);
      // The broker resends it with the same packet ID (1) and DUP set.
      resuming.send(1, {
        cmd: 'publish',
        topic: 'a/x',
        payload: 'once',
        qos: 1,
        messageId: 1,
        dup: true,
        retain: false,
      });
      await sleep(50);
      h.rec.release();
      await resuming.waitFor((p) => p.conn === 1 && p.packet.cmd === 'puback' && p.packet.messageId === 1);
      assert.equal(h.rec.calls, 1, 'processed once');
      assert.deepEqual(h.rec.payloads(), ['once']);
    } finally {
      await h.stop();
      await resuming.close();
    }
  });

  it('never acknowledges a message of a lost session on the new connection, where its packet ID is reused', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
    try {
      const first = await wait;
      h.rec.mode = 'hold';
      server.publish(first, { topic: 'a/x', payload: 'old', qos: 1 });
      await eventually(() => h.rec.calls === 1, 'old message in the pipelines');
      const reconnected = connected();
      server.connections[first]?.socket.destroy();
      const second = await reconnected;
      // sessionPresent false: packet IDs start over, and 1 now names a different message.
      h.rec.mode = 'deliver';
      const fresh = server.publish(second, { topic: 'a/x', payload: 'new', qos: 1 });
      assert.equal(fresh.messageId, 1);
      await fresh.acked;
      h.rec.release();
      await eventually(() => h.rec.got.length === 2, 'both delivered');
      await sleep(50);
      assert.equal(pubacksOn(second).length, 1, 'only the new message is acknowledged');
    } finally {
      await h.stop();
    }
  });

  it('on shutdown, acknowledges what settles and leaves later messages unacknowledged', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
    const conn = await wait;
    h.rec.mode = 'hold';
    const inFlight = server.publish(conn, { topic: 'a/x', payload: 'in-flight', qos: 1 });
    await eventually(() => h.rec.calls === 1, 'in the pipelines');
    const stopped = h.receiver.shutdown();
    const late = server.publish(conn, { topic: 'a/x', payload: 'late', qos: 1 });
    await sleep(50);
    h.rec.release();
    await stopped;
    assert.ok(inFlight.puback, 'the settled message is acknowledged before disconnecting');
    assert.equal(late.puback, undefined, 'a message arriving during shutdown is left to the broker');
    assert.deepEqual(h.rec.payloads(), ['in-flight']);
    await server.waitFor((p) => p.conn === conn && p.packet.cmd === 'disconnect');
    await h.stop();
  });
});
