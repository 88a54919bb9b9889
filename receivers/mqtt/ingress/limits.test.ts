// The embedded broker's bounds, with devices that do what mqtt.js will not: an MQTT 5 device past the Receive
// Maximum it was told, MQTT 3.1.1 devices (which have no Receive Maximum) held back by not reading from them, an
// oversize or malformed packet, and a device that goes silent past its keep-alive.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cleanupEmbedded, startEmbedded } from '../../../test/helpers/embedded-broker.ts';
import { eventually } from '../../../test/helpers/hub.ts';
import { publisher } from '../../../test/helpers/mqtt-receiver-harness.ts';
import { isCmd, rawDevice } from '../../../test/helpers/mqtt-raw-device.ts';
import type { RawDevice } from '../../../test/helpers/mqtt-raw-device.ts';
import { LIMIT_HITS_METRIC } from '../../../core/receiver-reports.ts';

after(cleanupEmbedded);

async function connected(port: number, v: 4 | 5, extra: Record<string, unknown> = {}): Promise<RawDevice> {
  const d = await rawDevice(port, v);
  d.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: v,
    clean: true,
    clientId: `raw-${v}-${port}-${Math.random()}`,
    keepalive: 60,
    ...extra,
  });
  const ack = await d.next(isCmd('connack'), 'CONNACK');
  assert.equal(ack.reasonCode ?? ack.returnCode, 0);
  return d;
}

const publish = (d: RawDevice, id: number, payload = `m${id}`, topic = 'factory/x') =>
  d.send({ cmd: 'publish', topic, payload, qos: 1, messageId: id, dup: false, retain: false });

describe('embedded broker limits', () => {
  it('disconnects an MQTT 5 device that sends past its Receive Maximum (0x93); the hub keeps serving', async () => {
    const { h, port, url } = await startEmbedded({}, { receive_maximum: 3 });
    try {
      h.rec.mode = 'hold';
      const d = await connected(port, 5);
      for (let id = 1; id <= 4; id++) publish(d, id);
      const bye = await d.next(isCmd('disconnect'), 'DISCONNECT');
      assert.equal(bye.reasonCode, 0x93);
      await eventually(() => d.closed, 'the connection closed');
      h.rec.release();
      const other = await publisher(url);
      await other.publishAsync('factory/y', 'after', { qos: 1 });
      await other.endAsync();
    } finally {
      await h.stop();
    }
  });

  it('stops reading from an MQTT 3.1.1 device at the window and takes the rest once there is room', async () => {
    const { h, port } = await startEmbedded({}, { receive_maximum: 3 });
    const server = h.receiver.embeddedBroker?.server;
    try {
      h.rec.mode = 'hold';
      const d = await connected(port, 4);
      for (let id = 1; id <= 10; id++) publish(d, id);
      // Messages taken together go down in one consume: the server's count is the one to watch.
      await eventually(
        () => server?.inflight === 3 && server.paused === 1,
        'three messages taken, then reading paused',
      );
      assert.ok(h.rec.pending >= 1, 'held in the pipeline');
      assert.equal(d.packets.filter((p) => p.cmd === 'puback').length, 0, 'nothing acknowledged while held');
      h.rec.release();
      await eventually(() => d.packets.filter((p) => p.cmd === 'puback').length === 10, 'all ten acknowledged');
      assert.equal(h.rec.got.length, 10);
      assert.equal(server?.paused, 0);
      d.end();
    } finally {
      await h.stop();
    }
  });

  it('stops reading from every device while the byte budget across devices is spent', async () => {
    const { h, port } = await startEmbedded({}, { max_inflight_bytes: 1 });
    const server = h.receiver.embeddedBroker?.server;
    try {
      h.rec.mode = 'hold';
      const a = await connected(port, 5);
      const b = await connected(port, 4);
      publish(a, 1, 'from-a');
      await eventually(() => h.rec.pending === 1 && server?.paused === 1, 'one message takes the budget');
      publish(b, 1, 'from-b');
      await eventually(() => server?.paused === 2, 'the other device is not read from either');
      assert.equal(h.rec.calls, 1);
      h.rec.release();
      await eventually(() => h.rec.got.length === 2, 'both delivered once there is room');
      const acked = (d: RawDevice) => d.packets.some((p) => p.cmd === 'puback' && p.messageId === 1);
      await eventually(() => acked(a) && acked(b), 'both acknowledged');
      a.end();
      b.end();
    } finally {
      await h.stop();
    }
  });

  for (const v of [5, 4] as const) {
    it(`refuses a packet above max_packet_size from its header (MQTT ${v === 5 ? '5: 0x95' : '3.1.1: closed'})`, async () => {
      const { h, port } = await startEmbedded({}, { max_packet_size: 256 });
      try {
        const d = await connected(port, v);
        publish(d, 1, 'x'.repeat(1000));
        await eventually(() => d.closed, 'the connection closed');
        if (v === 5) assert.equal(d.packets.find(isCmd('disconnect'))?.reasonCode, 0x95);
        assert.equal(h.rec.calls, 0);
      } finally {
        await h.stop();
      }
    });
  }

  it('drops a connection that sends malformed packets, and keeps serving other devices', async () => {
    const { h, port, url } = await startEmbedded();
    try {
      const garbage = [
        Buffer.from(`GET / HTTP/1.1\r\nHost: hub\r\n${'x'.repeat(100)}\r\n\r\n`), // not MQTT at all
        Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]), // a fifth length byte
        Buffer.from([0x10, 0x04, 0x00, 0x02, 0x4d, 0x51]), // a CONNECT cut short
      ];
      for (const bytes of garbage) {
        const d = await rawDevice(port, 4);
        d.socket.write(bytes);
        await eventually(() => d.closed, `closed after ${bytes.toString('hex')}`);
      }
      const d = await connected(port, 5);
      d.socket.write(Buffer.from([0x00, 0x00])); // reserved packet type 0
      await eventually(() => d.closed, 'closed after a reserved packet type');
      const ok = await publisher(url);
      await ok.publishAsync('factory/z', 'still here', { qos: 1 });
      await ok.endAsync();
      assert.deepEqual(h.rec.payloads(), ['still here']);
    } finally {
      await h.stop();
    }
  });

  it('closes the connection of a device silent for 1.5 x its keep-alive', async () => {
    const { h, port } = await startEmbedded();
    try {
      const d = await connected(port, 4, { keepalive: 1 });
      await eventually(() => d.closed, 'closed by the keep-alive check');
    } finally {
      await h.stop();
    }
  });

  it('closes sockets that never send CONNECT, or trickle it, at connect_timeout; counted, the hub keeps serving', async () => {
    const { h, port, url } = await startEmbedded({}, { connect_timeout: '200ms' });
    try {
      const silent = await Promise.all([1, 2, 3].map(() => rawDevice(port, 4)));
      const slow = await rawDevice(port, 4);
      // A CONNECT one byte at a time, slower than the timeout allows.
      const connect = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0, 0]);
      let i = 0;
      const t = setInterval(
        () => (slow.closed || i >= connect.length ? clearInterval(t) : slow.socket.write(connect.subarray(i, ++i))),
        50,
      );
      await eventually(() => [...silent, slow].every((d) => d.closed), 'every idle or slow socket closed');
      clearInterval(t);
      const value = await h.settings.telemetry.value(LIMIT_HITS_METRIC, {
        transport: 'mqtt',
        reason: 'connect_timeout',
      });
      assert.equal(value, 4);
      const ok = await publisher(url);
      await ok.publishAsync('factory/z', 'still here', { qos: 1 });
      await ok.endAsync();
    } finally {
      await h.stop();
    }
  });

  it('closes connections past max_connections at once, counted', async () => {
    const { h, port } = await startEmbedded({}, { max_connections: 2 });
    try {
      const a = await connected(port, 5);
      const b = await connected(port, 4);
      const extra = await rawDevice(port, 4);
      await eventually(() => extra.closed, 'the third connection closed');
      assert.equal(await h.settings.telemetry.value(LIMIT_HITS_METRIC, { reason: 'max_connections' }), 1);
      assert.ok(!a.closed && !b.closed, 'the others stay');
      a.end();
      b.end();
    } finally {
      await h.stop();
    }
  });
});
