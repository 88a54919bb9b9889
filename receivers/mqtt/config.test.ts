import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IPublishPacket } from 'mqtt-packet';
import { validateConfig } from '../../config/schema.ts';
import type { ConfigIssue } from '../../core/component.ts';
import { defaultClientId, mqttConfigSchema, resolveConfig, validateMqttConfig } from './config.ts';
import type { MqttReceiverConfig } from './config.ts';
import { clientOptions } from './client-options.ts';
import { membershipEnabled } from './membership-config.ts';
import { toMessage } from './message-map.ts';
import { heartbeatTopicFor, topicFilterIssue } from './topics.ts';

function check(raw: unknown): { cfg: MqttReceiverConfig; issues: ConfigIssue[] } {
  const { value, issues } = validateConfig(mqttConfigSchema, raw);
  const cfg = value as MqttReceiverConfig;
  return { cfg, issues: issues.length ? issues : validateMqttConfig(cfg) };
}

describe('mqtt receiver config', () => {
  it('has the documented defaults', () => {
    const { cfg, issues } = check({});
    assert.deepEqual(issues, []);
    // endpoint and protocol_version have no schema default: they follow embedded_broker.
    assert.deepEqual(cfg, {
      topics: ['#'],
      qos: 1,
      clean_start: false,
      session_expiry: 86_400_000,
      receive_maximum: 10_000,
      max_inflight_bytes: 16 * 1024 * 1024,
      max_packet_size: 256 * 1024,
      keep_alive: 60_000,
      connect_timeout: 30_000,
      reconnect: { min: 1000, max: 60_000 },
      retry: { initial_interval: 1000, max_interval: 30_000 },
      heartbeat: { enabled: false, payload: 'alive' },
      membership: { topic: 'otelhub/members', adopt_after: 60_000, leave_on_shutdown: 'auto', drain_idle: 2000 },
    });
    const r = resolveConfig(cfg, 'mqtt');
    assert.equal(r.endpoint, 'mqtt://localhost:1883');
    assert.equal(r.protocol_version, 5);
    assert.match(r.client_id, /^otelhub-/);
    assert.deepEqual(r.heartbeat, { enabled: false, payload: 'alive', topic: 'heartbeat', interval: 60_000 });
  });

  it('with embedded_broker: listens on localhost:1883, with the server limits filled in', () => {
    const { cfg, issues } = check({ embedded_broker: {} });
    assert.deepEqual(issues, []);
    assert.deepEqual(cfg.embedded_broker, {
      endpoint: 'localhost:1883',
      receive_maximum: 10_000,
      max_packet_size: 1048576,
      max_inflight_bytes: 67108864,
      connect_timeout: 10_000,
      max_connections: 1000,
    });
    const r = resolveConfig(cfg, 'mqtt');
    assert.deepEqual(r.subscriptions, ['#']);
    assert.deepEqual(
      check({ embedded_broker: { endpoint: ':0', allow_anonymous: true }, protocol_version: 4 }).issues,
      [],
    );
  });

  it('derives a client ID from the host name, one per receiver name', () => {
    assert.equal(defaultClientId('mqtt', 'edge-01'), 'otelhub-edge-01');
    assert.equal(defaultClientId('mqtt/plant a', 'edge-01.local'), 'otelhub-edge-01.local-plant-a');
  });

  it('subscribes as $share/<group>/<filter> with a shared group', () => {
    const { cfg } = check({ topics: ['a/#', 'b/+/c'], shared_group: 'otel' });
    assert.deepEqual(resolveConfig(cfg, 'mqtt').subscriptions, ['$share/otel/a/#', '$share/otel/b/+/c']);
  });

  it('turns membership on by default with a shared group and persistent MQTT 5 sessions only', () => {
    const on = (c: Record<string, unknown>) => membershipEnabled(check(c).cfg);
    assert.equal(on({ shared_group: 'g' }), true);
    assert.equal(on({}), false);
    assert.equal(on({ shared_group: 'g', clean_start: true }), false);
    assert.equal(on({ shared_group: 'g', session_expiry: '0s' }), false);
    assert.equal(on({ shared_group: 'g', protocol_version: 4 }), false);
    assert.equal(on({ shared_group: 'g', membership: { enabled: false } }), false);
  });

  it('derives the heartbeat topic from the first filter, up to its first wildcard', () => {
    assert.equal(heartbeatTopicFor('telemetry/#'), 'telemetry/heartbeat');
    assert.equal(heartbeatTopicFor('factory/+/temp'), 'factory/heartbeat');
    assert.equal(heartbeatTopicFor('a/b/'), 'a/b/heartbeat');
    assert.equal(heartbeatTopicFor('plain/topic'), 'plain/topic/heartbeat');
    assert.equal(heartbeatTopicFor('+/x'), 'heartbeat');
    const { cfg } = check({ topics: ['telemetry/#'], keep_alive: '30s', heartbeat: { enabled: true } });
    assert.deepEqual(resolveConfig(cfg, 'mqtt').heartbeat, {
      enabled: true,
      payload: 'alive',
      topic: 'telemetry/heartbeat',
      interval: 30_000,
    });
  });

  it('says a port is out of range rather than that the endpoint is not a URL', () => {
    const issues = (endpoint: string) =>
      validateMqttConfig(validateConfig(mqttConfigSchema, { endpoint, topics: ['t'] }).value as MqttReceiverConfig);
    assert.deepEqual(
      issues('mqtt://broker:99999').map((i) => i.message),
      ['port 99999 is out of range (1-65535)'],
    );
    assert.match(issues('not a url')[0]?.message ?? '', /is not a URL such as mqtt:\/\/broker:1883/);
  });

  it('checks topic filters', () => {
    for (const ok of ['#', 'a/#', '+', 'a/+/b', '/leading', 'trailing/'])
      assert.equal(topicFilterIssue(ok), undefined, ok);
    for (const bad of ['a#', 'a/#/b', 'a+/b', '$share/g/a', 'a\u0000b']) assert.ok(topicFilterIssue(bad), bad);
  });

  it('builds MQTT 5 CONNECT options: session, window, keep-alive, credentials', async () => {
    const { cfg } = check({
      client_id: 'c1',
      session_expiry: '1h',
      receive_maximum: 7,
      keep_alive: '15s',
      auth: { username: 'u', password: 'p' },
    });
    const opts = await clientOptions(resolveConfig(cfg, 'mqtt'));
    assert.equal(opts.clientId, 'c1');
    assert.equal(opts.clean, false);
    assert.equal(opts.keepalive, 15);
    assert.equal(opts.reconnectPeriod, 0);
    assert.deepEqual(opts.properties, { sessionExpiryInterval: 3600, receiveMaximum: 7, maximumPacketSize: 262_144 });
    assert.equal(opts.username, 'u');
    assert.equal(opts.password?.toString(), 'p');
    const v4 = await clientOptions(resolveConfig(check({ protocol_version: 4 }).cfg, 'mqtt'));
    assert.equal(v4.properties, undefined);
    // No cache of all 65,536 packet identifiers as Buffers (7 MB of heap marked by every full collection).
    assert.equal(opts.writeCache, false);
  });

  const refused: [string, unknown, RegExp][] = [
    ['an unknown scheme', { endpoint: 'http://broker:1883' }, /endpoint: scheme/],
    ['a host-less endpoint', { endpoint: 'broker:1883' }, /endpoint/],
    ['credentials in the endpoint', { endpoint: 'mqtt://u:secret@broker:1883' }, /endpoint: put credentials in auth/],
    ['tls on a plain endpoint', { tls: { ca_file: '/ca.pem' } }, /tls: tls needs an mqtts/],
    ['tls.insecure', { endpoint: 'mqtts://b:8883', tls: { insecure: true } }, /tls,insecure/],
    ['a certificate without its key', { endpoint: 'mqtts://b:8883', tls: { cert_file: '/c.pem' } }, /tls,key_file/],
    ['QoS 2', { qos: 2 }, /qos/],
    ['MQTT 3.1', { protocol_version: 3 }, /protocol_version/],
    ['no topics', { topics: [] }, /topics/],
    ['a bad filter', { topics: ['ok', 'a/#/b'] }, /topics,1: "#"/],
    ['a group with a slash', { shared_group: 'a/b' }, /shared_group/],
    ['password and password_file', { auth: { username: 'u', password: 'p', password_file: '/p' } }, /password_file/],
    ['a password without user under 3.1.1', { protocol_version: 4, auth: { password: 'p' } }, /auth,username/],
    [
      'SAT with MQTT 3.1.1',
      { protocol_version: 4, auth: { sat_token_file: '/t' } },
      /sat_token_file: K8S-SAT authentication needs protocol_version 5/,
    ],
    ['SAT with a password', { auth: { sat_token_file: '/t', username: 'u' } }, /sat_token_file replaces/],
    ['receive_maximum 0', { receive_maximum: 0 }, /receive_maximum/],
    [
      'membership without a shared group',
      { membership: { enabled: true } },
      /membership,enabled: membership needs shared_group/,
    ],
    [
      'membership with clean sessions',
      { shared_group: 'g', clean_start: true, membership: { enabled: true } },
      /membership,enabled: membership needs sessions that outlive a connection/,
    ],
    [
      'membership on MQTT 3.1.1',
      { shared_group: 'g', protocol_version: 4, membership: { enabled: true } },
      /membership,enabled: membership needs protocol_version 5/,
    ],
    ['a membership topic with a wildcard', { shared_group: 'g', membership: { topic: 'm/#' } }, /membership,topic/],
    [
      'an unknown leave mode',
      { shared_group: 'g', membership: { leave_on_shutdown: 'sometimes' } },
      /leave_on_shutdown/,
    ],
    ['a keep-alive beyond 65535s', { keep_alive: '19h' }, /keep_alive/],
    ['reconnect.max below min', { reconnect: { min: '10s', max: '1s' } }, /reconnect,max/],
    ['a heartbeat topic with a wildcard', { heartbeat: { enabled: true, topic: 'hb/#' } }, /heartbeat,topic/],
    [
      'a heartbeat without interval or keep-alive',
      { keep_alive: 0, heartbeat: { enabled: true } },
      /heartbeat,interval/,
    ],
    ['an unknown auth key', { auth: { token: 'x' } }, /token/],
    [
      'a shared group with the embedded broker',
      { embedded_broker: {}, shared_group: 'g' },
      /shared_group: the embedded broker has no shared subscriptions/,
    ],
    [
      'an endpoint with the embedded broker',
      { embedded_broker: {}, endpoint: 'mqtt://b:1883' },
      /endpoint: devices connect to the embedded broker; the receiver makes no connection/,
    ],
    [
      'a client tls block with the embedded broker',
      { embedded_broker: {}, tls: { ca_file: '/ca.pem' } },
      /tls: .*set embedded_broker\.tls/,
    ],
    [
      'auth with the embedded broker',
      { embedded_broker: {}, auth: { username: 'u', password: 'secret' } },
      /auth: .*embedded_broker\.password_file/,
    ],
    [
      'anonymous devices on every interface, not asked for',
      { embedded_broker: { endpoint: '0.0.0.0:1883' } },
      /embedded_broker,allow_anonymous: 0\.0\.0\.0:1883 is reachable from other machines/,
    ],
    [
      'a bad embedded broker endpoint',
      { embedded_broker: { endpoint: 'mqtt://localhost:1883' } },
      /embedded_broker,endpoint: invalid address/,
    ],
    ['an unknown embedded broker key', { embedded_broker: { port: 1883 } }, /port/],
  ];
  for (const [what, raw, where] of refused) {
    it(`refuses ${what}`, () => {
      const { issues } = check(raw);
      assert.ok(issues.length > 0, 'refused');
      assert.match(issues.map((i) => `${i.path.join(',')}: ${i.message}`).join('\n'), where);
      assert.ok(!JSON.stringify(issues).includes('secret'), 'never quotes a credential');
    });
  }
});

describe('mqtt message mapping', () => {
  it('unfolds repeated user properties and keeps every MQTT 5 property', () => {
    const packet: IPublishPacket = {
      cmd: 'publish',
      topic: 'a/b',
      payload: Buffer.from('x'),
      qos: 1,
      retain: true,
      dup: true,
      messageId: 3,
      properties: {
        userProperties: { k: ['1', '2'], other: 'v' },
        correlationData: Buffer.from([7]),
        subscriptionIdentifier: [4, 9],
        messageExpiryInterval: 10,
        payloadFormatIndicator: true,
        responseTopic: 'r',
        contentType: 'text/plain',
      },
    };
    const m = toMessage(packet, 42n);
    assert.deepEqual(m.properties, {
      userProperties: [
        ['k', '1'],
        ['k', '2'],
        ['other', 'v'],
      ],
      correlationData: new Uint8Array([7]),
      subscriptionIdentifiers: [4, 9],
      messageExpiryInterval: 10,
      payloadFormatIndicator: true,
      responseTopic: 'r',
      contentType: 'text/plain',
    });
    assert.deepEqual(
      { ...m, properties: undefined, payload: [...m.payload] },
      { topic: 'a/b', payload: [120], qos: 1, retain: true, dup: true, properties: undefined, receivedUnixNano: 42n },
    );
    assert.deepEqual(toMessage({ ...packet, properties: { subscriptionIdentifier: 5 } }, 0n).properties, {
      userProperties: [],
      subscriptionIdentifiers: [5],
    });
  });
});
