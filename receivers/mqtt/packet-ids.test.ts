// Packet identifiers as MQTT 5 has them (sections 4.3.3, 4.4, 4.8.2), against the scripted server, which lets a test
// reuse an ID, set DUP and decide Session Present. A PUBLISH is a redelivery only with DUP 1 on a resumed session
// while the broker is still resending; any other PUBLISH whose ID matches an unsettled message is a new message and
// is processed (acknowledging it as a redelivery would lose it silently).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/helpers/hub.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import { startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';
import type { Harness } from '../../test/helpers/mqtt-receiver-harness.ts';

const FAULTS = 'otelhub_receiver_mqtt_broker_faults_total';
const INFLIGHT = 'otelhub_receiver_mqtt_inflight_messages';

interface Setup {
  server: ScriptServer;
  h: Harness;
  /** Holds the next connection's CONNACK until `connack()`: the receiver stays offline meanwhile. */
  holdNextConnack(): void;
  connack(): void;
  /** Resolves once connection `id` subscribed. */
  subscribed(id: number): Promise<unknown>;
  publish(conn: number, id: number, payload: string, dup?: boolean): void;
  pubacks(conn: number, id: number): number;
  /** Resolves once connection `conn` acknowledged packet ID `id`. */
  acked(conn: number, id: number): Promise<unknown>;
  close(): Promise<void>;
}

/** `sessionPresent`: what the CONNACK of connection `id` says (default: present on every connection after the first). */
async function setup(sessionPresent = (id: number) => id > 0): Promise<Setup> {
  let hold = false;
  let held: (() => void) | undefined;
  const server: ScriptServer = await startScriptServer({
    onConnect: (_p, conn) => {
      const answer = () =>
        server.send(conn, { cmd: 'connack', sessionPresent: sessionPresent(conn.id), reasonCode: 0 });
      if (hold) {
        hold = false;
        held = answer;
      } else answer();
      return 'ignore';
    },
  });
  const h = await startReceiver({ endpoint: `mqtt://127.0.0.1:${server.port}`, topics: ['a/#'] });
  const s: Setup = {
    server,
    h,
    holdNextConnack: () => void (hold = true),
    connack: () => held?.(),
    subscribed: (id) => server.waitFor((p) => p.conn === id && p.packet.cmd === 'subscribe'),
    publish: (conn, messageId, payload, dup = false) =>
      server.send(conn, { cmd: 'publish', topic: 'a/x', payload, qos: 1, messageId, dup, retain: false }),
    pubacks: (conn, id) =>
      server.packets.filter((p) => p.conn === conn && p.packet.cmd === 'puback' && p.packet.messageId === id).length,
    acked: (conn, id) =>
      server.waitFor((p) => p.conn === conn && p.packet.cmd === 'puback' && p.packet.messageId === id),
    close: async () => {
      await h.stop();
      await server.close();
    },
  };
  await s.subscribed(0);
  return s;
}

/** Drops connection `conn` from the server side and waits for the receiver's next CONNECT. */
async function dropConnection(s: Setup, conn: number): Promise<void> {
  s.server.connections[conn]?.socket.destroy();
  await s.server.waitFor((p) => p.conn === conn + 1 && p.packet.cmd === 'connect');
}

/**
 * Sends `messages` ([packet ID, payload]) on connection 0 into pipelines that hold them, then drops the connection;
 * `offline`: the next CONNACK is held, so the receiver stays offline until `s.connack()`.
 */
async function heldThenDropped(s: Setup, messages: [number, string][], offline = false): Promise<void> {
  s.h.rec.mode = 'hold';
  for (const [id, payload] of messages) s.publish(0, id, payload);
  await eventually(() => s.h.rec.offered === messages.length, 'in the pipelines');
  if (offline) s.holdNextConnack();
  await dropConnection(s, 0);
}

/** One message (packet ID 7) that settles while the receiver is offline (until `s.connack()`). */
async function settledOffline(s: Setup, payload: string): Promise<void> {
  await heldThenDropped(s, [[7, payload]], true);
  s.h.rec.release();
  await eventually(() => s.h.rec.got.length === 1, 'settled while offline');
}

/**
 * Sends `payload` on connection 1 with DUP 0 and packet ID 7, which a message of connection 0 had: it must be
 * processed as a new message (the second offered) and acknowledged once, only after it settled.
 */
async function reusedIdIsNew(s: Setup, payload: string): Promise<void> {
  s.h.rec.mode = 'hold';
  s.publish(1, 7, payload, false);
  await eventually(() => s.h.rec.offered === 2, 'the new message processed, not joined to the old one');
  await sleep(50);
  assert.equal(s.pubacks(1, 7), 0, 'no PUBACK for a message still in the pipelines');
  s.h.rec.release();
  await s.acked(1, 7);
  await sleep(50);
  assert.equal(s.pubacks(1, 7), 1, 'one PUBACK');
}

describe('mqtt receiver: packet identifiers', () => {
  it('processes a PUBLISH that reuses the ID of an unacknowledged message on the same connection (a broker fault, or IDs wrapped past 65,535): counted, logged, the old one never acknowledged', async () => {
    const s = await setup();
    try {
      s.h.rec.mode = 'hold';
      s.publish(0, 7, 'first');
      await eventually(() => s.h.rec.offered === 1, 'the first in the pipelines');
      s.publish(0, 7, 'second');
      // DUP 1 alone does not make a redelivery: there was no reconnect.
      s.publish(0, 7, 'third', true);
      await eventually(() => s.h.rec.offered === 3, 'the second and third processed too');
      assert.equal(await s.h.settings.telemetry.value(FAULTS, { receiver: 'mqtt', reason: 'repeated_packet_id' }), 2);
      assert.ok(
        s.h.settings.logger.lines.some((l) => String(l.msg).startsWith('the MQTT broker reused the packet ID')),
      );
      assert.equal(await s.h.settings.telemetry.value(INFLIGHT, { receiver: 'mqtt' }), 1, 'the orphans do not count');
      s.h.rec.release();
      await eventually(() => s.h.rec.got.length === 3, 'all three delivered');
      await s.acked(0, 7);
      await sleep(50);
      assert.equal(s.pubacks(0, 7), 1, 'one PUBACK: for the message the ID names now');
      assert.deepEqual(s.h.rec.payloads().sort(), ['first', 'second', 'third']);
    } finally {
      await s.close();
    }
  });

  it('on a resumed session, takes a PUBLISH with DUP 0 and a known ID for a new message (a shared subscription re-dispatch): processed, acknowledged once', async () => {
    const s = await setup();
    try {
      await heldThenDropped(s, [[7, 'went-elsewhere']]);
      await s.subscribed(1);
      // The broker gave the first message to another member of the group and reuses its ID for a new one.
      await reusedIdIsNew(s, 'new');
      assert.deepEqual(s.h.rec.payloads().sort(), ['new', 'went-elsewhere']);
    } finally {
      await s.close();
    }
  });

  it('joins DUP 1 redeliveries on a resumed session until the first new message; what was not resent by then is never acknowledged', async () => {
    const s = await setup();
    try {
      await heldThenDropped(s, [
        [7, 'resent'],
        [8, 'not-resent'],
      ]);
      await s.subscribed(1);
      s.publish(1, 7, 'resent', true);
      s.publish(1, 9, 'next');
      await eventually(() => s.h.rec.offered === 3, 'the new message processed');
      // After the first new message, a late DUP 1 with the ID of the one not resent is a new message too.
      s.publish(1, 8, 'late', true);
      await eventually(() => s.h.rec.offered === 4, 'the late one processed');
      assert.equal(await s.h.settings.telemetry.value(INFLIGHT, { receiver: 'mqtt' }), 3, 'resent, next and late');
      s.h.rec.release();
      await eventually(() => s.pubacks(1, 7) + s.pubacks(1, 8) + s.pubacks(1, 9) === 3, 'three PUBACKs');
      await sleep(50);
      assert.deepEqual([s.pubacks(1, 7), s.pubacks(1, 8), s.pubacks(1, 9)], [1, 1, 1]);
      assert.deepEqual(s.h.rec.payloads().sort(), ['late', 'next', 'not-resent', 'resent']);
      assert.equal(await s.h.settings.telemetry.value(FAULTS, { receiver: 'mqtt' }), 0, 'no broker fault');
    } finally {
      await s.close();
    }
  });

  it('acknowledges a message that settled while offline when its DUP 1 redelivery arrives, without processing it again; it does not count against the window meanwhile', async () => {
    const s = await setup();
    try {
      await settledOffline(s, 'once');
      await eventually(async () => (await s.h.settings.telemetry.value(INFLIGHT, { receiver: 'mqtt' })) === 0, '0');
      s.connack();
      await s.subscribed(1);
      s.publish(1, 7, 'once', true);
      await s.acked(1, 7);
      assert.equal(s.h.rec.offered, 1, 'not processed again');
      assert.equal(s.pubacks(0, 7), 0);
    } finally {
      await s.close();
    }
  });

  for (const resumed of [true, false]) {
    it(`forgets a message that settled while offline once the ${resumed ? 'resumed session sends a new message in its place' : 'session is not present'}: that message is processed before its PUBACK`, async () => {
      const s = await setup(() => resumed);
      try {
        await settledOffline(s, 'old');
        s.connack();
        await s.subscribed(1);
        await reusedIdIsNew(s, 'new');
        assert.deepEqual(s.h.rec.payloads(), ['old', 'new']);
      } finally {
        await s.close();
      }
    });
  }
});
