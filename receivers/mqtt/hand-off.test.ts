// Batched hand-off, against the scripted server (which can put many PUBLISHes in one write, hence one read): messages
// that arrive together go down the pipelines in one consume, at most MAX_BATCH_MESSAGES at a time, and each is still
// settled and acknowledged on its own outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'mqtt-packet';
import type { IPublishPacket } from 'mqtt-packet';
import { eventually } from '../../test/helpers/hub.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import { startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';
import { MAX_BATCH_MESSAGES } from './hand-off.ts';

const DROPPED = 'otelhub_receiver_mqtt_dropped_messages_total';

let server: ScriptServer;
before(async () => (server = await startScriptServer()));
after(() => server.close());

interface Spec {
  payload: string;
  qos?: 0 | 1;
  expiry?: number;
}

let nextId = 0;
/** Writes the messages to connection `conn` in one write; returns the QoS 1 ones' packet IDs, in order. */
function burst(conn: number, specs: Spec[]): number[] {
  const ids: number[] = [];
  const bufs = specs.map(({ payload, qos = 1, expiry }) => {
    const p: IPublishPacket = { cmd: 'publish', topic: 'a/x', payload, qos, dup: false, retain: false };
    if (qos === 1) ids.push((p.messageId = (nextId++ % 60_000) + 1));
    if (expiry !== undefined) p.properties = { messageExpiryInterval: expiry };
    return generate(p, { protocolVersion: 5 });
  });
  server.connections[conn]?.socket.write(Buffer.concat(bufs));
  return ids;
}

const acked = (conn: number, id: number): boolean =>
  server.packets.some((p) => p.conn === conn && p.packet.cmd === 'puback' && p.packet.messageId === id);

async function connected(): Promise<number> {
  const seen = server.connections.length;
  await server.waitFor((p) => p.conn >= seen && p.packet.cmd === 'subscribe');
  return server.connections.length - 1;
}

const specs = (n: number, prefix = 'm'): Spec[] => Array.from({ length: n }, (_, i) => ({ payload: `${prefix}${i}` }));

describe('mqtt receiver: batched hand-off', () => {
  it('hands messages that arrive together to the pipelines in one consume, and acknowledges each', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
    try {
      const conn = await wait;
      const ids = burst(conn, specs(20));
      await eventually(() => ids.every((id) => acked(conn, id)), 'all twenty acknowledged');
      assert.equal(h.rec.calls, 1, 'one consume');
      assert.deepEqual(
        h.rec.payloads(),
        specs(20).map((s) => s.payload),
        'in the order they arrived',
      );
    } finally {
      await h.stop();
    }
  });

  it(`puts at most MAX_BATCH_MESSAGES (${MAX_BATCH_MESSAGES}) messages in one consume`, async () => {
    const wait = connected();
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a/#'],
      receive_maximum: 2 * MAX_BATCH_MESSAGES,
    });
    try {
      const conn = await wait;
      const n = MAX_BATCH_MESSAGES + 10;
      const ids = burst(conn, specs(n));
      await eventually(() => ids.every((id) => acked(conn, id)), 'all acknowledged');
      assert.equal(h.rec.got.length, n);
      const { sizes } = h.rec;
      assert.ok(sizes.length >= 2, `more than one consume (${sizes.join(', ')})`);
      assert.ok(
        sizes.every((s) => s <= MAX_BATCH_MESSAGES),
        `none larger than the cap (${sizes.join(', ')})`,
      );
    } finally {
      await h.stop();
    }
  });

  it('settles each message of a refused batch on its own: QoS 0 dropped, the expired one acknowledged, the rest retried until delivered', async () => {
    const wait = connected();
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a/#'],
      retry: { initial_interval: '50ms', max_interval: '100ms' },
    });
    const dropped = (reason: string) => h.settings.telemetry.value(DROPPED, { receiver: 'mqtt', reason });
    try {
      const conn = await wait;
      h.rec.mode = 'retryable';
      const [expiring, a, b] = burst(conn, [
        { payload: 'expiring', expiry: 1 },
        { payload: 'a' },
        { payload: 'q0', qos: 0 },
        { payload: 'b' },
      ]);
      await eventually(() => h.rec.calls >= 1, 'offered');
      assert.equal(h.rec.offered, 4, 'all four in the first consume');
      await eventually(async () => (await dropped('qos0_refused')) === 1, 'the QoS 0 one dropped, not retried');
      await eventually(() => acked(conn, expiring!), 'the expired one acknowledged');
      assert.equal(await dropped('expired'), 1);
      await sleep(150);
      assert.ok(!acked(conn, a!) && !acked(conn, b!), 'the others not acknowledged while refused');
      h.rec.mode = 'deliver';
      await eventually(() => acked(conn, a!) && acked(conn, b!), 'delivered, then acknowledged');
      assert.deepEqual(h.rec.payloads(), ['a', 'b']);
    } finally {
      await h.stop();
    }
  });

  it('acknowledges and counts every message of a batch refused permanently', async () => {
    const wait = connected();
    const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
    try {
      const conn = await wait;
      h.rec.mode = 'permanent';
      const ids = burst(conn, specs(3));
      await eventually(() => ids.every((id) => acked(conn, id)), 'all three acknowledged');
      assert.equal(await h.settings.telemetry.value(DROPPED, { receiver: 'mqtt', reason: 'permanent' }), 3);
      assert.equal(h.rec.calls, 1, 'offered once, together');
    } finally {
      await h.stop();
    }
  });
});
