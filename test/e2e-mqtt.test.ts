// MQTT to OTLP end to end, against a real Mosquitto: devices publish AIO-style JSON, one hub (mqtt receiver,
// schema, batch, otlp_http / otlp_grpc) forwards to a second hub (otlp receiver, sink). The seed's examples arrive with
// every field right, invalid messages are acknowledged and never redelivered, a destination that is down for a
// while loses nothing, and neither does a hub killed with SIGKILL mid-stream.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { Logs, Metrics } from '../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, getAttribute } from '../core/pdata/index.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { eventually, freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { startCli } from './helpers/process.ts';

const SEED_METRIC = {
  metrics: [
    {
      name: 'temperature',
      description: 'The temperature reading from sensor',
      type: 'f64_gauge',
      value: 72.5,
      timestamp: 1754851200000000000,
      attributes: [
        { key: 'factoryId', value: 'factory1' },
        { key: 'location', value: 'warehouse' },
      ],
    },
  ],
};
const SEED_LOG = {
  logs: [
    {
      value: 'Device temperature sensor initialized',
      level: 'info',
      timestamp: 1754851200000000000,
      attributes: [
        { key: 'deviceId', value: 'sensor001' },
        { key: 'component', value: 'temperature-sensor' },
      ],
    },
  ],
};
// The seed's timestamp as JSON text: JSON.stringify of 1754851200000000000 is exact, but say so explicitly.
const json = (o: unknown): string => JSON.stringify(o);

function hub2(grpcPort = 0, httpPort = 0): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "localhost:${grpcPort}" }
      http: { endpoint: "localhost:${httpPort}" }
exporters:
  test_sink:
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    metrics: { receivers: [otlp], exporters: [test_sink] }
    logs: { receivers: [otlp], exporters: [test_sink] }
`;
}

function hub1(broker: string, clientId: string, grpc: string, http: string, extra = ''): string {
  return `
receivers:
  mqtt:
    endpoint: ${broker}
    topics: [factory/#]
    client_id: ${clientId}
    receive_maximum: 10
    reconnect: { min: 50ms, max: 500ms }
    retry: { initial_interval: 20ms, max_interval: 200ms }
processors:
  schema:
  batch: { timeout: 20ms }
exporters:
  otlp_http:
    endpoint: http://${http}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 0s }
  otlp_grpc:
    endpoint: ${grpc}
    tls: { insecure: true }
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 0s }
service:
${extra}  pipelines:
    metrics: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http] }
    logs: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_grpc] }
`;
}

const quiet = '  telemetry: { metrics: { level: none } }\n';

function metricsAt(
  h: TestHub,
): { name: string; value: number | bigint | undefined; time: bigint; attrs: Record<string, unknown> }[] {
  const out: { name: string; value: number | bigint | undefined; time: bigint; attrs: Record<string, unknown> }[] = [];
  for (const r of h.t.sinks.get('test_sink')?.received ?? []) {
    if (r.signal !== 'metrics') continue;
    forEachMetric(r.data as Metrics, (m) => {
      for (const p of (m.gauge ?? m.sum)?.dataPoints ?? []) {
        out.push({
          name: m.name,
          value: p.asDouble ?? p.asInt,
          time: p.timeUnixNano,
          attrs: Object.fromEntries(p.attributes.map((a) => [a.key, getAttribute(p.attributes, a.key)])),
        });
      }
    });
  }
  return out;
}

async function publish(url: string, messages: { topic: string; payload: string }[]): Promise<void> {
  const c = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: `pub-${Math.random().toString(16).slice(2)}`,
  });
  for (const m of messages) await c.publishAsync(m.topic, m.payload, { qos: 1 });
  await c.endAsync();
}

describe('MQTT to OTLP end to end (Mosquitto)', () => {
  let broker: Mosquitto;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => broker.stop());

  it('delivers the seed examples with every field right', async () => {
    const h2 = await startTestHub(hub2());
    const h1 = await startTestHub(
      hub1(
        broker.url,
        'e2e-seed',
        h2.endpoint('OTLP gRPC receiver listening'),
        h2.endpoint('OTLP HTTP receiver listening'),
        quiet,
      ),
    );
    try {
      await eventually(() => h1.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      await publish(broker.url, [
        { topic: 'factory/line1/telemetry', payload: json(SEED_METRIC) },
        { topic: 'factory/line1/logs', payload: json(SEED_LOG) },
      ]);
      await eventually(
        () =>
          metricsAt(h2).length === 1 &&
          (h2.t.sinks.get('test_sink')?.received.some((r) => r.signal === 'logs') ?? false),
        'metric and log at hub 2',
      );
      const [m] = metricsAt(h2);
      assert.equal(m?.name, 'temperature');
      assert.equal(m?.value, 72.5);
      assert.equal(m?.time, 1754851200000000000n);
      assert.deepEqual(m?.attrs, {
        factoryId: 'factory1',
        location: 'warehouse',
        'mqtt.topic': 'factory/line1/telemetry',
      });
      const logs = h2.t.sinks.get('test_sink')!.received.filter((r) => r.signal === 'logs');
      const records: {
        body: unknown;
        severityNumber: number;
        severityText: string;
        timeUnixNano: bigint;
        attrs: unknown;
      }[] = [];
      for (const r of logs)
        forEachLogRecord(r.data as Logs, (l) =>
          records.push({
            body: l.body,
            severityNumber: l.severityNumber,
            severityText: l.severityText,
            timeUnixNano: l.timeUnixNano,
            attrs: l.attributes.map((a) => [a.key, getAttribute(l.attributes, a.key)]),
          }),
        );
      assert.deepEqual(records, [
        {
          body: { stringValue: 'Device temperature sensor initialized' },
          severityNumber: 9,
          severityText: 'info',
          timeUnixNano: 1754851200000000000n,
          attrs: [
            ['deviceId', 'sensor001'],
            ['component', 'temperature-sensor'],
            ['mqtt.topic', 'factory/line1/logs'],
          ],
        },
      ]);
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });

  it('acknowledges invalid messages and never gets them again', async () => {
    const h2 = await startTestHub(hub2());
    const cfg = hub1(
      broker.url,
      'e2e-invalid',
      h2.endpoint('OTLP gRPC receiver listening'),
      h2.endpoint('OTLP HTTP receiver listening'),
      '  telemetry: { metrics: { level: normal, address: "localhost:0" } }\n',
    );
    let h1 = await startTestHub(cfg);
    try {
      await eventually(() => h1.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      await publish(broker.url, [
        { topic: 'factory/bad/1', payload: 'not json' },
        { topic: 'factory/bad/2', payload: json({ metrics: [{ name: 'x', type: 'nope', value: 1 }] }) },
        { topic: 'factory/ok', payload: json({ metrics: [{ name: 'marker1', type: 'u64_counter', value: 1 }] }) },
      ]);
      await eventually(() => metricsAt(h2).some((m) => m.name === 'marker1'), 'marker1');
      const dropped = await h1.hub.service.telemetry.value('otelhub_processor_schema_dropped_total');
      assert.ok(dropped >= 2, `the invalid messages were counted (${dropped})`);
      await h1.shutdown();
      // Same client ID, persistent session: anything not acknowledged would come back now.
      h1 = await startTestHub(cfg);
      await eventually(() => h1.lines.some((l) => l.msg === 'subscribed'), 'subscribed again');
      await publish(broker.url, [
        { topic: 'factory/ok', payload: json({ metrics: [{ name: 'marker2', type: 'u64_counter', value: 1 }] }) },
      ]);
      await eventually(() => metricsAt(h2).some((m) => m.name === 'marker2'), 'marker2');
      assert.equal(
        await h1.hub.service.telemetry.value('otelhub_processor_schema_dropped_total'),
        0,
        'no invalid message was redelivered',
      );
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });

  it('loses nothing while the destination is down for a while', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const h1 = await startTestHub(
      hub1(broker.url, 'e2e-down', `localhost:${grpcPort}`, `localhost:${httpPort}`, quiet),
    );
    let h2: TestHub | undefined;
    try {
      await eventually(() => h1.lines.some((l) => l.msg === 'subscribed'), 'subscribed');
      const N = 60;
      await publish(
        broker.url,
        Array.from({ length: N }, (_, i) => ({
          topic: 'factory/down',
          payload: json({
            metrics: [{ name: 'seq', type: 'f64_gauge', value: i, attributes: [{ key: 'i', value: String(i) }] }],
          }),
        })),
      );
      await sleep(300);
      h2 = await startTestHub(hub2(grpcPort, httpPort));
      const h = h2;
      await eventually(() => new Set(metricsAt(h).map((m) => m.attrs.i)).size === N, `all ${N} values at hub 2`);
    } finally {
      await h1.shutdown();
      await h2?.shutdown();
    }
  });

  it('loses nothing when the hub is killed with SIGKILL mid-stream and started again', async () => {
    const h2 = await startTestHub(hub2());
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-kill-'));
    const file = join(dir, 'hub.yaml');
    writeFileSync(
      file,
      hub1(
        broker.url,
        'e2e-kill',
        h2.endpoint('OTLP gRPC receiver listening'),
        h2.endpoint('OTLP HTTP receiver listening'),
        quiet,
      ),
    );
    const N = 300;
    try {
      let hub = startCli(['--config', file]);
      await hub.waitForLog((l) => l.msg === 'subscribed');
      const publishing = publish(
        broker.url,
        Array.from({ length: N }, (_, i) => ({
          topic: 'factory/kill',
          payload: json({
            metrics: [{ name: 'seq', type: 'f64_gauge', value: i, attributes: [{ key: 'i', value: String(i) }] }],
          }),
        })),
      );
      await eventually(() => metricsAt(h2).length >= 20, 'some values arrived before the kill');
      hub.child.kill('SIGKILL');
      await hub.exited;
      await publishing;
      hub = startCli(['--config', file]);
      try {
        await eventually(
          () => new Set(metricsAt(h2).map((m) => m.attrs.i)).size === N,
          `all ${N} values at hub 2 (at least once)`,
          60_000,
        ).catch((err: unknown) => {
          const got = new Set(metricsAt(h2).map((m) => m.attrs.i));
          const missing = Array.from({ length: N }, (_, i) => String(i)).filter((i) => !got.has(i));
          throw new Error(
            `${String(err)}; ${got.size} distinct arrived; missing ${missing.slice(0, 20).join(',')}...; hub output:\n${hub.output().slice(-3000)}`,
          );
        });
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await h2.shutdown();
    }
  });
});
