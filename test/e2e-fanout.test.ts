// Two exporters fed by one MQTT receiver, one of them down for a while (issue 11): the receiver retries the messages
// the failing exporter refused, and the healthy one, which accepted them the first time, must not get them again.
// Real Mosquitto, the mqtt receiver, schema, batch, two otlp_http exporters, two node:http OTLP sinks; the one for B
// answers 503 until the test lets it recover. B's own retries are off, so every refusal goes back to the receiver.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { Logs } from '../core/pdata/index.ts';
import { forEachLogRecord } from '../core/pdata/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';

const MESSAGES = 40;
const WINDOW = 10;

/** A sink that answers 503 while `down`, and keeps the log bodies of what it answered 200 to. */
async function sink(): Promise<{ server: TestHttpServer; got: string[]; refused: number; down: boolean }> {
  const s = { server: await startHttpServer(), got: [] as string[], refused: 0, down: false };
  s.server.reply = (call) => {
    if (s.down) {
      s.refused++;
      return { status: 503 };
    }
    forEachLogRecord(call.data as Logs, (r) => s.got.push(String((r.body as { stringValue?: string }).stringValue)));
    return undefined;
  };
  return s;
}

function hubYaml(broker: string, topic: string, a: string, b: string, pipelines: string): string {
  return `
receivers:
  mqtt:
    endpoint: ${broker}
    topics: [${topic}]
    client_id: fanout-${topic}
    receive_maximum: ${WINDOW}
    retry: { initial_interval: 20ms, max_interval: 100ms }
processors:
  schema:
  # Pieces of 4: a retried delivery comes back cut and grouped differently from the first time.
  batch: { send_batch_size: 4, send_batch_max_size: 4, timeout: 20ms }
exporters:
  otlp_http/a:
    endpoint: ${a}
    retry_on_failure: { enabled: false }
  otlp_http/b:
    endpoint: ${b}
    retry_on_failure: { enabled: false }
service:
  telemetry: { metrics: { level: none } }
  pipelines:
${pipelines}`;
}

const ONE_PIPELINE =
  '    logs: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http/a, otlp_http/b] }\n';
const TWO_PIPELINES =
  '    logs/a: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http/a] }\n' +
  '    logs/b: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http/b] }\n';

const sorted = (xs: string[]): string[] => [...xs].sort();

describe('two exporters, one down for a while (Mosquitto, otlp_http)', () => {
  let broker: Mosquitto;
  before(async () => (broker = await startMosquitto()));
  after(() => broker.stop());

  for (const [name, pipelines] of [
    ['in one pipeline', ONE_PIPELINE],
    ['in two pipelines sharing the receiver', TWO_PIPELINES],
  ] as const) {
    it(`${name}: the healthy one gets each message once, the other everything once it recovers`, async () => {
      const [a, b] = [await sink(), await sink()];
      b.down = true;
      const topic = `fanout/${Math.random().toString(16).slice(2)}`;
      const hub = await startTestHub(hubYaml(broker.url, topic, a.server.url, b.server.url, pipelines));
      const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      try {
        await eventually(() => hub.hub.service.status.ready(), 'hub subscribed');
        const sent = Array.from({ length: MESSAGES }, (_, i) => `m${i}`);
        for (const m of sent) {
          await pub.publishAsync(topic, JSON.stringify({ logs: [{ value: m, level: 'info' }] }), { qos: 1 });
        }
        // The window fills with messages B refuses; the receiver keeps offering them again.
        await eventually(() => a.got.length >= WINDOW && b.refused >= 10, 'A took a window; B refused retries');
        assert.deepEqual(sorted(a.got), sorted([...new Set(a.got)]), 'no retry reached A again');
        b.down = false;
        await eventually(
          () => new Set(a.got).size === MESSAGES && new Set(b.got).size === MESSAGES,
          'every message at both once B is back',
        );
      } finally {
        await pub.endAsync();
        await hub.shutdown();
        await a.server.close();
        await b.server.close();
      }
      const all = sorted(Array.from({ length: MESSAGES }, (_, i) => `m${i}`));
      assert.deepEqual(sorted(a.got), all, 'A: each message exactly once');
      // B may get a message twice: a delivery cut into pieces across its recovery is offered to it whole again.
      assert.deepEqual(sorted([...new Set(b.got)]), all, 'B: every message');
    });
  }
});

// The same with a persistent queue on B (issue 11, "two exporters with one down"): B's queue takes its copy on disk
// while B's destination is down, so the receiver's window never fills with B's refusals and A gets every message
// during the outage, once; B gets everything from its queue after it recovers.
describe('two exporters, one down, the down one with a persistent queue (Mosquitto, otlp_http, file_storage)', () => {
  let broker: Mosquitto;
  let dir: string;
  before(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'otelhub-fanout-pq-'));
  });
  after(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('A gets every message exactly once during the outage; B gets every message after it', async () => {
    const N = 1000;
    const [a, b] = [await sink(), await sink()];
    b.down = true;
    const topic = `fanout-pq/${Math.random().toString(16).slice(2)}`;
    const hub = await startTestHub(`
extensions:
  file_storage: { directory: ${join(dir, 'queue')} }
receivers:
  mqtt:
    endpoint: ${broker.url}
    topics: [${topic}]
    client_id: fanout-pq
    receive_maximum: 50
processors:
  schema:
  batch:
exporters:
  otlp_http/a:
    endpoint: ${a.server.url}
  otlp_http/b:
    endpoint: ${b.server.url}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms }
    sending_queue: { storage: file_storage }
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: none } }
  pipelines:
    logs: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http/a, otlp_http/b] }
`);
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const all = sorted(Array.from({ length: N }, (_, i) => `m${i}`));
    try {
      await eventually(() => hub.hub.service.status.ready(), 'hub subscribed');
      for (let i = 0; i < N; i++) {
        await pub.publishAsync(topic, JSON.stringify({ logs: [{ value: `m${i}`, level: 'info' }] }), { qos: 1 });
      }
      await eventually(() => new Set(a.got).size === N, `all ${N} messages at A while B is down`).catch(
        (err: unknown) => {
          throw new Error(`${String(err)}; A got ${new Set(a.got).size}, B refused ${b.refused}`);
        },
      );
      assert.ok(b.refused > 0, 'B was tried while down');
      assert.ok(hub.hub.service.status.ready(), 'still ready: B keeps what it is sent');
      assert.equal(b.got.length, 0);
      assert.deepEqual(sorted(a.got), all, 'A: each message exactly once during the outage');
      b.down = false;
      await eventually(() => new Set(b.got).size === N, `all ${N} messages at B once it is back`).catch(
        (err: unknown) => {
          throw new Error(`${String(err)}; B got ${new Set(b.got).size}`);
        },
      );
    } finally {
      await pub.endAsync();
      await hub.shutdown();
      await a.server.close();
      await b.server.close();
    }
    assert.deepEqual(sorted(a.got), all, 'A: each message exactly once');
    assert.deepEqual(sorted([...new Set(b.got)]), all, 'B: every message');
  });
});
