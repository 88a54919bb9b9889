// The gate's direct hand-off of PUBLISHes (publish-decoder.ts) keeps the connection's order: nothing overtakes a
// packet MQTT.js has not handled yet, the CONNACK above all (it tells the receiver whether the session was resumed).
// A PassThrough stands in for the socket: this is about the gate's bookkeeping, not the network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { generate, parser } from 'mqtt-packet';
import { FlowGate } from './flow-gate.ts';

const publish = (messageId: number) =>
  generate(
    { cmd: 'publish', topic: 't', payload: `m${messageId}`, qos: 1, messageId, dup: false, retain: false },
    { protocolVersion: 5 },
  );
const connack = generate({ cmd: 'connack', sessionPresent: true, reasonCode: 0 }, { protocolVersion: 5 });

function gate(takeDirect = true) {
  const socket = new PassThrough();
  const direct: number[] = [];
  const viaMqttJs: Packet[] = [];
  const g = new FlowGate(
    socket,
    { maxMessages: 100, maxBytes: 1 << 20, maxPacketSize: 1 << 16, protocolVersion: 5 },
    {
      keepAliveMs: () => 0,
      alive: () => {},
      tooLarge: () => {},
      awaitingAnswer: () => false,
      overrun: () => {},
      changed: () => {},
      ...(takeDirect && { publish: (p: IPublishPacket) => void direct.push(p.messageId ?? -1) }),
    },
  );
  const p = parser({ protocolVersion: 5 });
  p.on('packet', (x: Packet) => viaMqttJs.push(x));
  g.on('data', (chunk: Buffer) => p.parse(chunk));
  return { socket, g, direct, viaMqttJs };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('flow gate: direct hand-off', () => {
  it('sends PUBLISHes that follow an unhandled CONNACK through MQTT.js, and decodes them itself once it caught up', async () => {
    const { socket, g, direct, viaMqttJs } = gate();
    socket.write(Buffer.concat([connack, publish(1), publish(2)]));
    await tick();
    assert.deepEqual(direct, []);
    assert.deepEqual(
      viaMqttJs.map((p) => (p.cmd === 'publish' ? p.messageId : p.cmd)),
      ['connack', 1, 2],
    );
    // MQTT.js handled two of the three: still behind.
    g.handled();
    g.handled();
    socket.write(publish(3));
    await tick();
    assert.deepEqual(direct, []);
    g.handled();
    g.handled();
    socket.write(Buffer.concat([publish(4), publish(5)]));
    await tick();
    assert.deepEqual(direct, [4, 5]);
    assert.equal(viaMqttJs.length, 4);
    // Each direct one counts in the window like the others.
    assert.equal(g.inflightMessages, 5);
    g.destroy();
  });

  it('passes every packet to MQTT.js when nobody takes PUBLISHes directly', async () => {
    const { socket, g, viaMqttJs } = gate(false);
    socket.write(Buffer.concat([publish(1), publish(2)]));
    await tick();
    assert.equal(viaMqttJs.length, 2);
    g.destroy();
  });
});
