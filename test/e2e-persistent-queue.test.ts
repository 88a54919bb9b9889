// The persistent sending queue (file_storage) end to end: data acknowledged upstream while the destination is
// down survives a SIGKILL of the hub and arrives after a restart, whether it came in over OTLP (the official OTel
// JS exporter, whose exports all succeed at its default timeout) or MQTT (Mosquitto); a full queue pushes back;
// a corrupted segment is skipped and counted, and everything else is delivered.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import mqtt from 'mqtt';
import type { Metrics, Traces } from '../core/pdata/index.ts';
import { forEachMetric, forEachSpan, getAttribute, span, traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { eventually, freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { exportWith, makeSpans, officialExporters, shutdownAll } from './helpers/otlp-receiver-official-exporters.ts';
import type { Running } from './helpers/process.ts';
import { startCli } from './helpers/process.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';

const work = mkdtempSync(join(tmpdir(), 'otelhub-pq-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The destination: a second hub, its OTLP/HTTP receiver on `port`, into a sink. Not running: the outage. */
const destination = (port: number): Promise<TestHub> =>
  startTestHub(`
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${port}" }
exporters:
  test_sink:
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [test_sink] }
    metrics: { receivers: [otlp], exporters: [test_sink] }
`);

const exporterBlock = (destPort: number, queue = '', name = 'otlp_http'): string => `
extensions:
  file_storage:
    directory: ${join(work, `queue-${destPort}`)}
exporters:
  ${name}:
    endpoint: http://127.0.0.1:${destPort}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 1s }
    sending_queue: { storage: file_storage${queue} }
`;

const spanNames = (h: TestHub): Set<string> => {
  const names = new Set<string>();
  for (const r of h.t.sinks.get('test_sink')?.received ?? [])
    if (r.signal === 'traces') forEachSpan(r.data as Traces, (s) => names.add(s.name));
  return names;
};

/** A metric's value for the otlp_http exporter's metrics queue, from the hub's Prometheus endpoint. */
const gaugeIn = async (metricsPort: number, name: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('data_type="metrics"'));
  return line ? Number(line.split(' ').pop()) : 0;
};

/** One span named `name` POSTed as OTLP/HTTP protobuf; resolves with the status. */
async function postSpan(url: string, name: string): Promise<number> {
  const body = new Uint8Array(encodeRequest('traces', traces([span({ name })])));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  await res.arrayBuffer();
  return res.status;
}

async function stop(hub: Running): Promise<void> {
  hub.child.kill('SIGTERM');
  await hub.exited;
}

describe('persistent sending queue (file_storage)', () => {
  let broker: Mosquitto;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => broker.stop());

  it('OTLP in: every official-exporter export succeeds while the destination is down; SIGKILL, restart, all arrive', async () => {
    const [destPort, otlpPort] = [await freePort(), await freePort()];
    const file = join(work, 'otlp.yaml');
    writeFileSync(
      file,
      `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${otlpPort}" }
${exporterBlock(destPort)}
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`,
    );
    let hub = startCli(['--config', file]);
    await hub.waitForLog((l) => String(l.msg).startsWith('OTLP HTTP receiver listening'));
    const N = 40;
    // The official exporter with its default timeout (10 s): the hub answers once the data is on disk.
    const client = officialExporters('http/protobuf', `http://127.0.0.1:${otlpPort}`);
    let dest: TestHub | undefined;
    try {
      for (let i = 0; i < N; i++) {
        const r = await exportWith(client.traces, await makeSpans(`pq-${i}`));
        assert.equal(r.code, ExportResultCode.SUCCESS, `export ${i}: ${String(r.error)}`);
      }
      hub.child.kill('SIGKILL');
      await hub.exited;
      hub = startCli(['--config', file]);
      await hub.waitForLog((l) => l.msg === 'persistent queue replays what it held');
      dest = await destination(destPort);
      const d = dest;
      await eventually(() => spanNames(d).size === N, `all ${N} spans at the destination`, 30_000).catch(
        (err: unknown) => {
          throw new Error(`${String(err)}; got ${spanNames(d).size}; hub:\n${hub.output().slice(-3000)}`);
        },
      );
    } finally {
      await shutdownAll(client);
      await stop(hub);
      await dest?.shutdown();
    }
  });

  it('MQTT in: messages acknowledged into the queue while the destination is down survive SIGKILL', async () => {
    const [destPort, metricsPort] = [await freePort(), await freePort()];
    const file = join(work, 'mqtt.yaml');
    writeFileSync(
      file,
      `
receivers:
  mqtt:
    endpoint: ${broker.url}
    topics: [pq/#]
    client_id: e2e-persistent-queue
    receive_maximum: 10
processors:
  schema:
${exporterBlock(destPort, ', sizer: items')}
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: normal, address: "127.0.0.1:${metricsPort}" } }
  pipelines:
    metrics: { receivers: [mqtt], processors: [schema], exporters: [otlp_http] }
`,
    );
    const N = 200;
    let hub = startCli(['--config', file]);
    let dest: TestHub | undefined;
    try {
      await hub.waitForLog((l) => l.msg === 'subscribed');
      const c = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'pq-publisher' });
      for (let i = 0; i < N; i++)
        await c.publishAsync(
          'pq/seq',
          JSON.stringify({
            metrics: [{ name: 'seq', type: 'f64_gauge', value: i, attributes: [{ key: 'i', value: String(i) }] }],
          }),
          { qos: 1 },
        );
      await c.endAsync();
      // Every message is in the queue (so the hub PUBACKed it) before the kill: the broker has nothing to resend.
      await eventually(
        async () => (await gaugeIn(metricsPort, 'otelcol_exporter_queue_size')) === N,
        `${N} points queued`,
      );
      hub.child.kill('SIGKILL');
      await hub.exited;
      dest = await destination(destPort);
      hub = startCli(['--config', file]);
      const d = dest;
      const seen = (): Set<unknown> => {
        const s = new Set<unknown>();
        for (const r of d.t.sinks.get('test_sink')?.received ?? [])
          if (r.signal === 'metrics')
            forEachMetric(r.data as Metrics, (m) => {
              for (const p of m.gauge?.dataPoints ?? []) s.add(getAttribute(p.attributes, 'i'));
            });
        return s;
      };
      await eventually(() => seen().size === N, `all ${N} points at the destination`, 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}; got ${seen().size}; hub:\n${hub.output().slice(-3000)}`);
      });
      await eventually(
        async () => (await gaugeIn(metricsPort, 'otelcol_exporter_queue_size')) === 0,
        'the queue drained',
      );
    } finally {
      await stop(hub);
      await dest?.shutdown();
    }
  });

  it('pushes back with 429 once the queue is full, and delivers what it took', async () => {
    const destPort = await freePort();
    const hub = await startTestHub(`
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
${exporterBlock(destPort, ', queue_size: 3')}
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`);
    let dest: TestHub | undefined;
    try {
      const url = `http://${hub.endpoint('OTLP HTTP receiver listening')}/v1/traces`;
      const post = (i: number): Promise<number> => postSpan(url, `full-${i}`);
      // The consumers hold up to num_consumers requests in flight, still counted in the queue until delivered.
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await post(i));
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      dest = await destination(destPort);
      const d = dest;
      await eventually(() => spanNames(d).size === 3, 'the three queued requests delivered');
      assert.deepEqual([...spanNames(d)].sort(), ['full-0', 'full-1', 'full-2']);
      await eventually(async () => (await post(9)) === 200, 'room again once delivered');
    } finally {
      await hub.shutdown();
      await dest?.shutdown();
    }
  });

  it('health_check: ready while the destination is down and the queue has room; not ready while it is full', async () => {
    // The destination: a node:http OTLP sink that answers 503 while `down`.
    const dest = await startHttpServer();
    let down = true;
    let refused = 0;
    dest.reply = () => (down ? (refused++, { status: 503 }) : undefined);
    const hub = await startTestHub(`
extensions:
  health_check: { endpoint: "127.0.0.1:0", readiness_path: /readyz }
  file_storage: { directory: ${join(work, 'queue-health')} }
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
exporters:
  otlp_http:
    endpoint: ${dest.url}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 1s }
    sending_queue: { storage: file_storage, queue_size: 3 }
service:
  extensions: [health_check, file_storage]
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`);
    const health = `http://${hub.endpoint('health check listening')}`;
    const readiness = async (): Promise<number> => {
      const res = await fetch(`${health}/readyz`);
      await res.arrayBuffer();
      return res.status;
    };
    try {
      const url = `http://${hub.endpoint('OTLP HTTP receiver listening')}/v1/traces`;
      await eventually(async () => (await readiness()) === 200, 'ready once started');
      assert.equal(await postSpan(url, 'h-0'), 200);
      await eventually(() => refused >= 3, 'the destination refused a few attempts');
      assert.equal(await readiness(), 200, 'store and forward: ready while the queue takes data');
      assert.deepEqual(
        [await postSpan(url, 'h-1'), await postSpan(url, 'h-2'), await postSpan(url, 'h-3')],
        [200, 200, 429],
      );
      assert.equal(await readiness(), 503, 'not ready while the queue is full');
      const verbose = await (await fetch(`${health}/?verbose`)).text();
      assert.match(verbose, /recoverable_error.*sending queue is full/);
      down = false;
      await eventually(async () => (await readiness()) === 200, 'ready again once the queue has room');
      await eventually(() => dest.calls.length - refused === 3, 'the three queued requests delivered');
    } finally {
      await hub.shutdown();
      await dest.close();
    }
  });

  it('a queue kept under otlphttp is taken over, whole, when the config renames the exporter otlp_http', async () => {
    const destPort = await freePort();
    const config = (name: string) => `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
${exporterBlock(destPort, '', name)}
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [${name}] }
`;
    let hub = await startTestHub(config('otlphttp'));
    const url = `http://${hub.endpoint('OTLP HTTP receiver listening')}/v1/traces`;
    for (let i = 0; i < 5; i++) assert.equal(await postSpan(url, `r-${i}`), 200);
    await hub.shutdown();
    const queues = join(work, `queue-${destPort}`);
    assert.ok(readdirSync(queues).includes('exporter_otlphttp_traces'));

    const dest = await destination(destPort);
    hub = await startTestHub(config('otlp_http'));
    try {
      await eventually(() => spanNames(dest).size === 5, 'the five spans queued under the former name');
      assert.deepEqual([...spanNames(dest)].sort(), ['r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
      assert.deepEqual(
        readdirSync(queues).filter((n) => n.startsWith('exporter_otlphttp')),
        [],
        'nothing left under the former name',
      );
      // One line per queue taken over (the exporter keeps one per signal).
      const took = hub.lines.filter((l) => l.msg === 'took over the queue kept under a former name');
      assert.ok(took.some((l) => String(l.to).endsWith('exporter_otlp_http_traces')));
      assert.ok(!hub.lines.some((l) => String(l.msg).includes('deprecated')));
    } finally {
      await hub.shutdown();
      await dest.shutdown();
    }
  });

  it('skips and counts a corrupted segment, starts normally and delivers what came before the damage', async () => {
    const destPort = await freePort();
    const config = `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
${exporterBlock(destPort)}
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: normal, address: "127.0.0.1:0" } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`;
    let hub = await startTestHub(config);
    const url = `http://${hub.endpoint('OTLP HTTP receiver listening')}/v1/traces`;
    for (let i = 0; i < 10; i++) {
      assert.equal(await postSpan(url, `c-${i}`), 200);
    }
    await hub.shutdown();
    // Flip one byte in the sixth record's payload.
    const dir = join(work, `queue-${destPort}`, 'exporter_otlp_http_traces');
    const seg = join(dir, readdirSync(dir).find((n) => n.endsWith('.seg'))!);
    const bytes = readFileSync(seg);
    let off = 0;
    for (let i = 0; i < 5; i++) off += 12 + bytes.readUInt32LE(off);
    bytes[off + 14]! ^= 0xff;
    writeFileSync(seg, bytes);

    const dest = await destination(destPort);
    hub = await startTestHub(config);
    try {
      await eventually(() => spanNames(dest).size === 5, 'the five records before the corruption');
      assert.deepEqual([...spanNames(dest)].sort(), ['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
      assert.equal(
        await hub.hub.service.telemetry.value('otelcol_exporter_queue_corrupt_records_total', {
          exporter: 'otlp_http',
        }),
        1,
      );
      assert.ok(hub.lines.some((l) => String(l.msg).includes('corrupt') && l.reason === 'CRC mismatch'));
    } finally {
      await hub.shutdown();
      await dest.shutdown();
    }
  });
});
