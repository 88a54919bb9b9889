// Flow control against the scripted server, for what Mosquitto cannot show: max_packet_size is advertised in CONNECT,
// and a broker that sends a larger PUBLISH anyway (Mosquitto honours the property) gets it acknowledged, dropped and
// counted, the connection and the messages after it unaffected; a K8S-SAT re-authentication is answered while
// messages wait in the gate. Also the config rules of the flow-control keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'mqtt-packet';
import { validateConfig } from '../../config/schema.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { startReceiver } from '../../test/helpers/mqtt-receiver-harness.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import { mqttConfigSchema, validateMqttConfig } from './config.ts';
import type { MqttReceiverConfig } from './config.ts';

let server: ScriptServer;
before(async () => (server = await startScriptServer()));
after(() => server.close());

const DROPPED = 'otelhub_receiver_mqtt_dropped_messages_total';

describe('mqtt receiver: max_packet_size', () => {
  it('advertises it, and acknowledges, drops and counts larger messages without losing the connection', async () => {
    const seen = server.connections.length;
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a/#'],
      max_packet_size: 1024,
    });
    try {
      await server.waitFor((p) => p.conn >= seen && p.packet.cmd === 'subscribe');
      const conn = server.connections.length - 1;
      const c = server.connections[conn];
      assert.equal(c?.connect?.properties?.maximumPacketSize, 1024);
      const big = server.publish(conn, { topic: 'a/big', payload: Buffer.alloc(2000, 1), qos: 1 });
      const small = server.publish(conn, { topic: 'a/small', payload: 'fits', qos: 1 });
      server.publish(conn, { topic: 'a/big0', payload: Buffer.alloc(1500, 2), qos: 0 });
      // Larger than one socket read, and cut inside its topic: skipped as it arrives, never buffered whole.
      const huge = generate(
        {
          cmd: 'publish',
          topic: 'a/huge',
          payload: Buffer.alloc(300_000, 3),
          qos: 1,
          messageId: 999,
          retain: false,
          dup: false,
        },
        { protocolVersion: 5 },
      );
      c?.socket.write(huge.subarray(0, 6));
      await sleep(20);
      c?.socket.write(huge.subarray(6));
      const after = server.publish(conn, { topic: 'a/after', payload: 'after', qos: 1 });
      assert.equal((await big.acked).reasonCode ?? 0, 0);
      await small.acked;
      await after.acked;
      await server.waitFor((p) => p.conn === conn && p.packet.cmd === 'puback' && p.packet.messageId === 999);
      assert.deepEqual(h.rec.payloads(), ['fits', 'after']);
      await eventually(
        async () => (await h.settings.telemetry.value(DROPPED, { receiver: 'mqtt', reason: 'too_large' })) === 3,
        'three counted as too_large',
      );
      assert.equal(server.connections.length, seen + 1, 'the same connection throughout');
      assert.ok(h.settings.logger.lines.some((l) => String(l.msg).includes('larger than max_packet_size')));
    } finally {
      await h.stop();
    }
  });
});

describe('mqtt receiver: K8S-SAT while messages wait in the gate', () => {
  it('passes the broker AUTH answer ahead of held messages: re-authenticated on the same connection, nothing lost', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'flow-sat-'));
    const file = join(dir, 'token');
    fs.writeFileSync(file, 'token-1');
    const seen = server.connections.length;
    const h = await startReceiver({
      endpoint: `mqtt://127.0.0.1:${server.port}`,
      topics: ['a/#'],
      receive_maximum: 2,
      connect_timeout: '1s',
      auth: { sat_token_file: file },
    });
    try {
      await server.waitFor((p) => p.conn >= seen && p.packet.cmd === 'subscribe');
      const conn = server.connections.length - 1;
      h.rec.mode = 'hold';
      const sent = [0, 1, 2, 3, 4, 5].map((i) => server.publish(conn, { topic: 'a/x', payload: `m${i}`, qos: 1 }));
      await eventually(() => {
        const gate = h.receiver.flowControl?.gate;
        return gate?.inflightMessages === 2 && gate.waitingBytes > 0;
      }, 'two in the pipelines, the rest waiting in the gate');
      fs.writeFileSync(file, 'token-2');
      await server.waitFor((p) => p.conn === conn && p.packet.cmd === 'auth');
      // An answer that stayed behind the held messages would end the connection after connect_timeout.
      await sleep(1500);
      assert.equal(server.connections.length, seen + 1, 'the same connection');
      assert.equal(server.connections[conn]?.closed, false);
      h.rec.release();
      await Promise.all(sent.map((s) => s.acked));
      assert.deepEqual(h.rec.payloads(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    } finally {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mqtt receiver config: flow control', () => {
  const check = (raw: Record<string, unknown>) => {
    const { value, issues } = validateConfig(mqttConfigSchema, raw);
    return issues.length ? issues : validateMqttConfig(value as MqttReceiverConfig);
  };

  it('refuses a max_packet_size above max_inflight_bytes, naming the key', () => {
    const issues = check({ max_inflight_bytes: 65_536, max_packet_size: 131_072 });
    assert.deepEqual(
      issues.map((i) => i.path),
      [['max_packet_size']],
    );
  });

  it('refuses a max_packet_size MQTT cannot encode', () => {
    assert.ok(check({ max_packet_size: 268_435_461 }).some((i) => i.path.join('.') === 'max_packet_size'));
  });
});
