// What goes on the wire, read from the scripted server: CONNECT carries the session, window and keep-alive
// settings; SUBSCRIBE the filters and options; an unanswered CONNECT is given up after connect_timeout; refused
// connections are retried with growing waits between reconnect.min and reconnect.max.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ISubscribePacket } from 'mqtt-packet';
import { eventually } from '../../test/helpers/hub.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ScriptServerOptions } from '../../test/helpers/mqtt-script-server.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';

type Server = Awaited<ReturnType<typeof startScriptServer>>;

async function withServer(
  opts: ScriptServerOptions,
  config: Record<string, unknown>,
  fn: (s: Server, h: Harness) => Promise<void>,
): Promise<void> {
  const server = await startScriptServer(opts);
  const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, ...config });
  try {
    await fn(server, h);
  } finally {
    await h.stop();
    await server.close();
  }
}

const subscribeOf = (s: Server) =>
  s.waitFor((p) => p.packet.cmd === 'subscribe').then((p) => p.packet as ISubscribePacket);

describe('mqtt receiver: on the wire', () => {
  it('sends client ID, clean start, session expiry, receive maximum and keep-alive in CONNECT', async () => {
    const config = {
      client_id: 'wire-1',
      clean_start: true,
      session_expiry: '2h',
      receive_maximum: 42,
      keep_alive: '25s',
      topics: ['a/#'],
    };
    await withServer({}, config, async (s) => {
      await subscribeOf(s);
      const c = s.connections[0]?.connect;
      assert.equal(c?.clientId, 'wire-1');
      assert.equal(c.protocolVersion, 5);
      assert.equal(c.clean, true);
      assert.equal(c.keepalive, 25);
      assert.deepEqual(c.properties, { sessionExpiryInterval: 7200, receiveMaximum: 42, maximumPacketSize: 262_144 });
    });
  });

  it('sends MQTT 3.1.1 CONNECT without properties, with user name and password', async () => {
    await withServer({}, { protocol_version: 4, auth: { username: 'u', password: 'p' } }, async (s) => {
      await subscribeOf(s);
      const c = s.connections[0]?.connect;
      assert.equal(c?.protocolVersion, 4);
      assert.equal(c.clean, false);
      assert.equal(c.properties, undefined);
      assert.equal(c.username, 'u');
      assert.equal(c.password?.toString(), 'p');
    });
  });

  it('subscribes plainly with No Local and retain handling 1, or as $share/<group>/ without No Local', async () => {
    await withServer({}, { topics: ['a/#', 'b'], qos: 0 }, async (s) => {
      const sub = await subscribeOf(s);
      assert.deepEqual(
        sub.subscriptions.map((x) => [x.topic, x.qos, x.nl, x.rh]),
        [
          ['a/#', 0, true, 1],
          ['b', 0, true, 1],
        ],
      );
    });
    // Membership's presence connection would subscribe to this scripted server too: off, it has its own tests.
    await withServer({}, { topics: ['a/#'], shared_group: 'g', membership: { enabled: false } }, async (s) => {
      const sub = await subscribeOf(s);
      assert.deepEqual(
        sub.subscriptions.map((x) => [x.topic, x.qos, x.nl, x.rh]),
        [['$share/g/a/#', 1, false, 1]],
      );
    });
  });

  it('tries a refused subscription again, not ready meanwhile, and acknowledges messages once subscribed', async () => {
    let refusals = 0;
    // 0x87 Not authorized, twice.
    await withServer(
      { onSubscribe: () => (refusals++ < 2 ? { reasonCode: 0x87 } : 'accept') },
      { topics: ['a/#'] },
      async (s, h) => {
        await h.ready();
        assert.equal(refusals, 3);
        assert.ok(
          h.settings.logger.lines.some(
            (l) => l.level === 'error' && l.msg === 'the MQTT broker refused the subscription; trying again',
          ),
        );
        assert.deepEqual(h.settings.statuses, ['recoverable_error', 'recoverable_error', 'recoverable_error', 'ok']);
        await s.publish(0, { topic: 'a/x', payload: 'after', qos: 1 }).acked;
        assert.equal(s.connections.length, 1, 'on the same connection');
      },
    );
  });

  it('gives up on a CONNECT left unanswered after connect_timeout and tries again', async () => {
    await withServer({ onConnect: () => 'ignore' }, { connect_timeout: '200ms' }, async (s) => {
      // Two CONNECTs, not two connections: a second socket is accepted before its CONNECT is read.
      const connects = () => s.packets.filter((p) => p.packet.cmd === 'connect');
      await eventually(() => connects().length >= 2, 'a second attempt');
      const [first, second] = connects();
      assert.ok(first && second);
      // The unanswered connection was given up (closed by the receiver), not kept beside the new one. (No timing
      // is asserted: on a loaded machine the server may read the first CONNECT late.)
      assert.notEqual(first.conn, second.conn);
      assert.equal(s.connections[first.conn]?.closed, true);
    });
  });

  it('waits longer between refused attempts, from reconnect.min up to reconnect.max', async () => {
    // 0x87 Not authorized: every attempt is refused.
    await withServer(
      { onConnect: () => ({ reasonCode: 0x87 }) },
      { reconnect: { min: '100ms', max: '400ms' } },
      async (s) => {
        await eventually(() => s.connections.length >= 6, 'six attempts', 10_000);
        const at = s.packets.filter((p) => p.packet.cmd === 'connect').map((p) => p.at);
        const gaps = at.slice(1).map((t, i) => t - (at[i] ?? t));
        // Waits: 100ms, then drawn within +-50% of 200ms and 400ms, never below min nor above max.
        assert.ok(
          gaps.every((g) => g >= 90 && g <= 400 + 250),
          `gaps ${gaps.join(', ')}`,
        );
        assert.ok(
          gaps.slice(2).every((g) => g >= 190),
          `later gaps are longer: ${gaps.join(', ')}`,
        );
      },
    );
  });
});
