// MQTT messages to trace spans end to end, against a real Mosquitto: one hub (mqtt receiver, correlation, batch,
// otlp) exports over gRPC to a second hub (otlp receiver, sink). Spans for valid, invalid and non-JSON payloads
// carry exactly the attributes and events of the Rust exporter otelhub replaces; a message with `traceparent`
// joins its trace; drop-in mode (the Rust exporter's env vars, no --config) exports the same spans as the YAML
// `print-config` prints for it; its health endpoints follow the broker session; SIGKILL mid-stream loses nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { IClientPublishOptions } from 'mqtt';
import type { Span, Traces } from '../core/pdata/index.ts';
import { forEachSpan, getAttribute } from '../core/pdata/index.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { eventually, freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { runCli, startCli } from './helpers/process.ts';

const SINK = `
receivers:
  otlp: { protocols: { grpc: { endpoint: "localhost:0" } } }
exporters:
  test_sink:
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [test_sink] }
`;

interface Seen {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  status: { code: number; message: string };
  attrs: Record<string, unknown>;
  attrKeys: string[];
  events: { name: string; attrs: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
// Integers arrive as bigint (int64): numbers here keep the expectations readable.
const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
const attrMap = (kvs: Span['attributes']): Record<string, unknown> =>
  Object.fromEntries(kvs.map((a) => [a.key, plain(getAttribute(kvs, a.key))]));

function spansAt(h: TestHub): Seen[] {
  const out: Seen[] = [];
  for (const r of h.t.sinks.get('test_sink')?.received ?? []) {
    if (r.signal !== 'traces') continue;
    forEachSpan(r.data as Traces, (s, ss, rs) =>
      out.push({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        traceState: s.traceState,
        name: s.name,
        kind: s.kind,
        status: { code: s.status.code, message: s.status.message },
        attrs: attrMap(s.attributes),
        attrKeys: s.attributes.map((a) => a.key),
        events: s.events.map((e) => ({ name: e.name, attrs: attrMap(e.attributes) })),
        resource: attrMap(rs.resource.attributes),
        scope: ss.scope.name,
      }),
    );
  }
  return out;
}

const byTopic = (spans: Seen[], topic: string): Seen[] =>
  spans.filter((s) => s.attrs['messaging.destination'] === topic);

async function publish(
  url: string,
  messages: { topic: string; payload: string | Buffer; opts?: IClientPublishOptions }[],
): Promise<void> {
  const c = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: `pub-${Math.random().toString(16).slice(2)}`,
  });
  for (const m of messages) await c.publishAsync(m.topic, m.payload, { qos: 1, ...m.opts });
  await c.endAsync();
}

// Each test its own filter: sessions left on the broker by earlier tests must not share its subscription.
function yamlHub(broker: string, clientId: string, filter: string, sink: string, correlation = ''): string {
  return `
receivers:
  mqtt:
    endpoint: ${broker}
    topics: [${filter}]
    shared_group: edge-ai
    client_id: ${clientId}
    reconnect: { min: 50ms, max: 500ms }
    retry: { initial_interval: 20ms, max_interval: 200ms }
processors:
  correlation: {${correlation}}
  batch: { timeout: 20ms }
exporters:
  otlp_grpc:
    endpoint: http://${sink}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 0s }
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [mqtt], processors: [correlation, batch], exporters: [otlp_grpc] }
`;
}

const LEGACY_KEYS = [
  'messaging.system',
  'messaging.destination',
  'messaging.destination_kind',
  'messaging.operation',
  'messaging.mqtt.qos',
  'messaging.mqtt.retain',
  'messaging.mqtt.dup',
  'messaging.message_payload_size_bytes',
  'messaging.message_payload_sha256',
  'messaging.ack.required',
];

function assertMessageAttributes(s: Seen, topic: string, payload: Buffer): void {
  assert.equal(s.name, 'mqtt.receive');
  assert.equal(s.kind, 1, 'INTERNAL');
  assert.deepEqual(s.attrKeys.slice(0, LEGACY_KEYS.length), LEGACY_KEYS);
  assert.deepEqual(Object.fromEntries(LEGACY_KEYS.map((k) => [k, s.attrs[k]])), {
    'messaging.system': 'mqtt',
    'messaging.destination': topic,
    'messaging.destination_kind': 'topic',
    'messaging.operation': 'process',
    'messaging.mqtt.qos': 1,
    'messaging.mqtt.retain': false,
    'messaging.mqtt.dup': false,
    'messaging.message_payload_size_bytes': payload.length,
    'messaging.message_payload_sha256': createHash('sha256').update(payload).digest('hex'),
    'messaging.ack.required': true,
  });
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('MQTT to trace spans end to end (Mosquitto)', () => {
  let broker: Mosquitto;
  let sink: TestHub;
  let sinkEndpoint: string;
  before(async () => {
    broker = await startMosquitto();
    sink = await startTestHub(SINK);
    sinkEndpoint = sink.endpoint('OTLP gRPC receiver listening');
  });
  after(async () => {
    await sink.shutdown();
    await broker.stop();
  });

  it('gives valid, invalid and non-JSON payloads exactly the attributes and events of the original', async () => {
    const h = await startTestHub(yamlHub(broker.url, 'corr-kinds', 'telemetry/kinds/#', sinkEndpoint));
    try {
      await eventually(() => h.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      const valid = Buffer.from(JSON.stringify({ correlationId: 'order-42', temp: 21.5 }));
      const missing = Buffer.from(JSON.stringify({ temp: 21.5 }));
      const notJson = Buffer.from('not json at all');
      const empty = Buffer.alloc(0);
      await publish(broker.url, [
        { topic: 'telemetry/kinds/valid', payload: valid },
        { topic: 'telemetry/kinds/missing', payload: missing },
        { topic: 'telemetry/kinds/notjson', payload: notJson },
        { topic: 'telemetry/kinds/empty', payload: empty },
      ]);
      await eventually(
        () =>
          spansAt(sink).filter((s) => String(s.attrs['messaging.destination']).startsWith('telemetry/kinds/'))
            .length === 4,
        'four spans',
      );
      const spans = spansAt(sink);

      const [v] = byTopic(spans, 'telemetry/kinds/valid');
      assertMessageAttributes(v!, 'telemetry/kinds/valid', valid);
      assert.deepEqual(v!.attrKeys.slice(LEGACY_KEYS.length), [
        'correlation.id',
        'correlation.generated',
        'messaging.acknowledged',
      ]);
      assert.equal(v!.attrs['correlation.id'], 'order-42');
      assert.equal(v!.attrs['correlation.generated'], false);
      assert.equal(v!.attrs['messaging.acknowledged'], true);
      assert.deepEqual(v!.events, [{ name: 'ack', attrs: { status: 'success' } }]);
      assert.deepEqual(v!.status, { code: 1, message: '' });
      assert.equal(v!.parentSpanId, '', 'a new root span');
      assert.equal(v!.traceId.length, 32);

      for (const [topic, payload, reason] of [
        ['telemetry/kinds/missing', missing, 'missing_field'],
        ['telemetry/kinds/notjson', notJson, 'invalid_json'],
        ['telemetry/kinds/empty', empty, 'empty_payload'],
      ] as const) {
        const [s] = byTopic(spans, topic);
        assert.ok(s, topic);
        assertMessageAttributes(s, topic, payload);
        assert.deepEqual(
          s.attrKeys.slice(LEGACY_KEYS.length),
          ['correlation.id', 'correlation.generated', 'messaging.acknowledged'],
          'exactly these, in this order',
        );
        assert.deepEqual(s.status, { code: 1, message: '' });
        const id = s.attrs['correlation.id'];
        assert.match(String(id), UUID_V4, `${topic}: a generated UUID v4`);
        assert.equal(s.attrs['correlation.generated'], true);
        assert.equal(s.attrs['messaging.acknowledged'], true);
        assert.deepEqual(s.events, [
          { name: 'correlation.generated', attrs: { reason, field_name: 'correlationId', value: id } },
          { name: 'ack', attrs: { status: 'success' } },
        ]);
      }
    } finally {
      await h.shutdown();
    }
  });

  it('joins the trace of a message that carries traceparent and tracestate', async () => {
    const h = await startTestHub(yamlHub(broker.url, 'corr-tp', 'telemetry/tp/#', sinkEndpoint));
    try {
      await eventually(() => h.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      await publish(broker.url, [
        {
          topic: 'telemetry/tp',
          payload: JSON.stringify({ correlationId: 'with-parent' }),
          opts: {
            properties: { userProperties: { traceparent: `00-${traceId}-${parent}-01`, tracestate: 'vendor=abc' } },
          },
        },
      ]);
      await eventually(() => byTopic(spansAt(sink), 'telemetry/tp').length === 1, 'the span');
      const [s] = byTopic(spansAt(sink), 'telemetry/tp');
      assert.equal(s!.traceId, traceId);
      assert.equal(s!.parentSpanId, parent);
      assert.equal(s!.traceState, 'vendor=abc');
      assert.notEqual(s!.spanId, parent);
      assert.equal(s!.attrs['correlation.id'], 'with-parent');
    } finally {
      await h.shutdown();
    }
  });

  it('with allow_generated false: an ERROR span, the message acknowledged and never redelivered', async () => {
    const cfg = yamlHub(broker.url, 'corr-strict', 'telemetry/strict/#', sinkEndpoint, ' allow_generated: false ');
    let h = await startTestHub(cfg);
    try {
      await eventually(() => h.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      await publish(broker.url, [{ topic: 'telemetry/strict/bad', payload: 'nope' }]);
      await eventually(() => byTopic(spansAt(sink), 'telemetry/strict/bad').length === 1, 'the error span');
      const [s] = byTopic(spansAt(sink), 'telemetry/strict/bad');
      assert.equal(s!.status.code, 2, 'ERROR');
      assert.match(s!.status.message, /invalid_json/);
      assert.equal(s!.attrs['correlation.id'], undefined);
      assert.deepEqual(
        s!.events.map((e) => e.name),
        ['exception', 'ack'],
      );
      assert.deepEqual(s!.events[1]!.attrs, { status: 'dropped' });
      assert.equal(s!.attrs['messaging.acknowledged'], true);
      await h.shutdown();
      // Same client ID, persistent session: an unacknowledged message would come back now.
      h = await startTestHub(cfg);
      await eventually(() => h.lines.some((l) => l.msg === 'subscribed'), 'subscribed again');
      await publish(broker.url, [
        { topic: 'telemetry/strict/good', payload: JSON.stringify({ correlationId: 'fine' }) },
      ]);
      await eventually(() => byTopic(spansAt(sink), 'telemetry/strict/good').length === 1, 'the good span');
      assert.equal(byTopic(spansAt(sink), 'telemetry/strict/bad').length, 1, 'the invalid message was not redelivered');
    } finally {
      await h.shutdown();
    }
  });

  describe('drop-in mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-dropin-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function dropInEnv(clientId: string, topic: string): Promise<Record<string, string>> {
      return {
        MQTT_BROKER_HOST: '127.0.0.1',
        MQTT_BROKER_PORT: String(broker.port),
        MQTT_CLIENT_ID: clientId,
        MQTT_TOPIC_FILTERS: `${topic}/#`,
        MQTT_SHARED_SUBSCRIPTION: 'edge-ai',
        MQTT_KEEP_ALIVE_SECS: '1',
        MQTT_RETRY_MIN_BACKOFF_SECS: '1',
        MQTT_RETRY_MAX_BACKOFF_SECS: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${sinkEndpoint}`,
        OTEL_SERVICE_INSTANCE_ID: 'replica-1',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        HTTP_HEALTH_ADDR: `127.0.0.1:${await freePort()}`,
        OTELHUB_METRICS_HOST: '127.0.0.1',
        OTELHUB_METRICS_PORT: String(await freePort()),
        // Read in drop-in mode too: whatever the shell running the tests has must not change the spans.
        RUST_LOG: '',
        OTEL_RESOURCE_ATTRIBUTES: '',
      };
    }

    const MESSAGES = (topic: string) => [
      { topic: `${topic}/a`, payload: JSON.stringify({ correlationId: 'a-1', meta: { trace: { id: 'x' } } }) },
      // Beyond 2^53: JSON.parse alone would print 12345678901234567000.
      { topic: `${topic}/b`, payload: '{"correlationId":12345678901234567890}' },
      { topic: `${topic}/c`, payload: 'plain text' },
    ];

    /** A span with what differs from run to run (IDs, generated correlation IDs, topic prefix) taken out. */
    const comparable = (s: Seen, prefix: string) => ({
      ...s,
      traceId: undefined,
      spanId: undefined,
      attrs: {
        ...s.attrs,
        'messaging.destination': String(s.attrs['messaging.destination']).slice(prefix.length),
        'correlation.id': s.attrs['correlation.generated'] ? 'generated' : s.attrs['correlation.id'],
      },
      events: s.events.map((e) =>
        e.name === 'correlation.generated' ? { ...e, attrs: { ...e.attrs, value: 'generated' } } : e,
      ),
    });

    it('exports the same spans from env vars alone as from the YAML print-config prints', async () => {
      const envRun = await dropInEnv('dropin-env', 'telemetry/dropin-env');
      const printed = await runCli(['print-config'], envRun);
      assert.equal(printed.code, 0, printed.stderr);
      const file = join(dir, 'printed.yaml');
      writeFileSync(file, printed.stdout);

      const run = async (
        args: string[],
        env: Record<string, string>,
        prefix: string,
        health: string,
      ): Promise<Seen[]> => {
        const start = spansAt(sink).length;
        const mine = () =>
          spansAt(sink)
            .slice(start)
            .filter((s) => String(s.attrs['messaging.destination']).startsWith(`${prefix}/`));
        const hub = startCli(args, env);
        try {
          await hub.waitForLog((l) => l.msg === 'subscribed');
          await eventually(
            async () => (await fetch(`http://${health}/readyz`).catch(() => undefined))?.status === 200,
            'ready',
          );
          assert.equal((await fetch(`http://${health}/healthz`)).status, 200);
          await publish(broker.url, MESSAGES(prefix));
          await eventually(() => mine().length === 3, `3 spans under ${prefix}`);
        } finally {
          hub.child.kill('SIGTERM');
          assert.equal((await hub.exited).code, 0, hub.output());
        }
        return mine().sort((x, y) =>
          String(x.attrs['messaging.destination']).localeCompare(String(y.attrs['messaging.destination'])),
        );
      };

      const fromEnv = await run([], envRun, 'telemetry/dropin-env', envRun.HTTP_HEALTH_ADDR!);
      // The printed YAML has the first run's topics and ports: read it with --config and no drop-in env at all.
      const fromYaml = await run(['--config', file], {}, 'telemetry/dropin-env', envRun.HTTP_HEALTH_ADDR!);
      const norm = (list: Seen[]) => list.map((s) => comparable(s, 'telemetry/dropin-env'));
      assert.deepEqual(norm(fromYaml), norm(fromEnv));
      const [a] = fromEnv;
      assert.equal(a!.scope, 'mqtt-otel-trace-exporter');
      assert.deepEqual(a!.resource, {
        'service.name': 'mqtt-otel-trace-exporter',
        'service.namespace': 'edge-ai',
        'service.instance.id': 'replica-1',
      });
      assert.equal(fromEnv[1]!.attrs['correlation.id'], '12345678901234567890', 'integers exactly as written');
    });

    it('publishes the heartbeat and is ready only while the broker session is up', async () => {
      const own = await startMosquitto();
      const env: Record<string, string> = {
        ...(await dropInEnv('dropin-health', 'telemetry')),
        MQTT_BROKER_PORT: String(own.port),
      };
      const watcher = await mqtt.connectAsync(own.url, { protocolVersion: 5 });
      const beats: string[] = [];
      watcher.on('message', (topic, payload) => beats.push(`${topic} ${payload.toString()}`));
      await watcher.subscribeAsync('telemetry/heartbeat', { qos: 1 });
      const hub = startCli([], env);
      const url = (p: string) => `http://${env.HTTP_HEALTH_ADDR}${p}`;
      const status = async (p: string) => (await fetch(url(p)).catch(() => undefined))?.status;
      try {
        await hub.waitForLog((l) => l.msg === 'subscribed');
        await eventually(async () => (await status('/readyz')) === 200, 'ready');
        await eventually(() => beats.length >= 2, 'two heartbeats (keep-alive 1s)');
        assert.deepEqual(new Set(beats), new Set(['telemetry/heartbeat alive']));
        await watcher.endAsync(true);
        await own.stop();
        await eventually(async () => (await status('/readyz')) === 503, 'not ready without the broker');
        assert.equal(await status('/healthz'), 200, 'still alive: the session comes back by itself');
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
        await own.stop().catch(() => undefined);
      }
    });

    it('loses nothing when killed with SIGKILL mid-stream and started again', async () => {
      const env = await dropInEnv('dropin-kill', 'telemetry/kill');
      const N = 300;
      const ids = () =>
        new Set(byTopic(spansAt(sink), 'telemetry/kill/seq').map((s) => String(s.attrs['correlation.id'])));
      let hub = startCli([], env);
      await hub.waitForLog((l) => l.msg === 'subscribed');
      const publishing = publish(
        broker.url,
        Array.from({ length: N }, (_, i) => ({
          topic: 'telemetry/kill/seq',
          payload: JSON.stringify({ correlationId: `m${i}` }),
        })),
      );
      await eventually(() => ids().size >= 20, 'some spans before the kill');
      hub.child.kill('SIGKILL');
      await hub.exited;
      await publishing;
      hub = startCli([], env);
      try {
        await eventually(() => ids().size === N, `all ${N} correlation IDs (at least once)`, 60_000).catch(
          (err: unknown) => {
            throw new Error(
              `${String(err)}; ${ids().size} distinct arrived; hub output:\n${hub.output().slice(-3000)}`,
            );
          },
        );
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
      }
    });
  });
});
