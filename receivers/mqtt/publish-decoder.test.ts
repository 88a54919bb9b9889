// The gate's own PUBLISH decoder against mqtt-packet's parser, which MQTT.js uses: the same packet object for every
// QoS 0/1 PUBLISH the receiver can get, and undefined (MQTT.js decides) for everything else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { generate, parser } from 'mqtt-packet';
import { fixedHeader } from './packet-frames.ts';
import { decodePublish } from './publish-decoder.ts';

function mqttPacketParse(buf: Buffer, protocolVersion: 4 | 5): Packet {
  const p = parser({ protocolVersion });
  let out: Packet | undefined;
  p.on('packet', (x: Packet) => (out = x));
  p.on('error', (err: Error) => assert.fail(err));
  p.parse(buf);
  assert.ok(out);
  return out;
}

function ours(buf: Buffer, protocolVersion: 4 | 5): IPublishPacket | undefined {
  // Decoded inside a larger read, as the gate sees it.
  const read = Buffer.concat([Buffer.from([0xc0, 0x00]), buf, Buffer.from([0xd0, 0x00])]);
  const h = fixedHeader(read, 2);
  assert.ok(h);
  return decodePublish(read, 2, h, protocolVersion);
}

/** mqtt-packet's object without its parser's bookkeeping, as plain data. */
const plain = (p: object) => JSON.parse(JSON.stringify(p)) as unknown;

describe('decodePublish', () => {
  const cases: [string, 4 | 5, Partial<IPublishPacket>][] = [
    ['QoS 0, MQTT 3.1.1', 4, { qos: 0, topic: 'a/b', payload: Buffer.from('{"x":1}') }],
    ['QoS 1, dup and retain, MQTT 3.1.1', 4, { qos: 1, messageId: 65535, dup: true, retain: true, topic: 't' }],
    ['QoS 1, no properties, MQTT 5', 5, { qos: 1, messageId: 7, topic: 'ü/ñ', payload: Buffer.alloc(0) }],
    [
      'QoS 1 with every property a PUBLISH to a subscriber carries',
      5,
      {
        qos: 1,
        messageId: 300,
        topic: 'factory/line1/telemetry',
        payload: Buffer.alloc(200_000, 0x61),
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 4_000_000_000,
          contentType: 'application/json',
          responseTopic: 'reply/here',
          correlationData: Buffer.from([0, 1, 2, 255]),
          userProperties: { site: ['berlin', 'b2', 'b3'], line: '4', ['__proto__']: 'x' },
          subscriptionIdentifier: [3, 268_435_455],
        },
      },
    ],
    [
      'payload format 0 and one subscription identifier',
      5,
      { qos: 0, topic: 't', properties: { payloadFormatIndicator: false, subscriptionIdentifier: 9 } },
    ],
  ];
  for (const [name, version, fields] of cases) {
    it(name, () => {
      const buf = generate(
        { cmd: 'publish', qos: 0, dup: false, retain: false, payload: Buffer.from('p'), ...fields } as IPublishPacket,
        { protocolVersion: version },
      );
      const want = mqttPacketParse(buf, version);
      const got = ours(buf, version);
      assert.ok(got);
      assert.deepEqual(plain(got), plain(want));
      assert.ok(Buffer.isBuffer(got.payload));
    });
  }

  it('leaves to MQTT.js what the receiver does not take itself: QoS 2, a topic alias, an empty topic, bad lengths', () => {
    const v5 = (p: Partial<IPublishPacket>) =>
      generate(
        {
          cmd: 'publish',
          qos: 1,
          messageId: 1,
          dup: false,
          retain: false,
          topic: 't',
          payload: 'x',
          ...p,
        },
        {
          protocolVersion: 5,
        },
      );
    assert.equal(ours(v5({ qos: 2 }), 5), undefined);
    assert.equal(ours(v5({ properties: { topicAlias: 3 } }), 5), undefined);
    assert.equal(ours(v5({ topic: '', properties: { topicAlias: 3 } }), 5), undefined);
    // A topic length running past the packet's end.
    const bad = Buffer.from(v5({}));
    bad.writeUInt16BE(200, 2);
    assert.equal(ours(bad, 5), undefined);
    // A properties length running past the packet's end.
    const badProps = Buffer.from(v5({}));
    badProps[2 + 2 + 1 + 2] = 100;
    assert.equal(ours(badProps, 5), undefined);
  });
});
