// MQTT end to end: each contender drains the same backlog of N QoS 1 messages (AIO telemetry JSON, one f64_gauge
// whose value is a sequence number) that a real Mosquitto queued for its persistent session while it was offline.
//   1. baseline: a bare mqtt.js subscriber that only counts (default MQTT.js acknowledgement);
//   2. otelhub: `mqtt` receiver -> `schema` -> `batch` -> `otlp_http` to a sink decoding with our codec, zero loss checked;
//   2b. otelhub as the Rust trace exporter's replacement: `mqtt` -> `correlation` -> `batch` -> `otlp_http`, one span
//      per message, zero loss checked;
//   3. the obvious OpenTelemetry JS SDK bridge: mqtt.js (auto-ack) + one span per message through a BatchSpanProcessor
//      with its defaults + the official OTLP/proto exporter, to a sink counting spans: what it lost is reported.
// Everything (the contenders, publishers, sinks) runs in this process: CPU and RSS are the whole process's. The
// broker is a separate process and is not counted.
//
// Knobs (environment): BENCH_MQTT_SINK_LATENCY_MS delays every answer of the hub's destination (a collector that
// answers in tens of milliseconds, 0 by default); BENCH_MQTT_RECEIVE_MAXIMUM sets the hub's receive_maximum (the
// receiver's default when unset); BENCH_MQTT_METRICS_LEVEL the hub's service.telemetry.metrics.level (none).
import { createServer } from 'node:http';
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startHub } from '../cli/hub.ts';
import { forEachMetric, forEachSpan, getAttribute } from '../core/pdata/index.ts';
import { decodeRequest } from '../otlp/index.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import { listen } from '../core/net.ts';

export interface MqttFigures {
  name: string;
  messagesPerSec: number;
  /** Whole-process CPU (user + system) per 1000 messages. */
  cpuMsPer1k: number;
  /** Whole-process peak RSS during the run (sampled every 50 ms), in bytes. */
  peakRss: number;
  delivered: number;
  lost: number;
}

/** The bare subscriber's and the SDK bridge's Receive Maximum (they acknowledge at once: it hardly matters). */
const RECEIVE_MAXIMUM = 1000;
const HUB_RECEIVE_MAXIMUM = process.env.BENCH_MQTT_RECEIVE_MAXIMUM;
const SINK_LATENCY_MS = Number(process.env.BENCH_MQTT_SINK_LATENCY_MS ?? 0);
const METRICS_LEVEL = process.env.BENCH_MQTT_METRICS_LEVEL ?? 'none';
const SESSION_EXPIRY_S = 600;
const PUBLISH_CHUNK = 5000;
const RUN_TIMEOUT_MS = Number(process.env.BENCH_MQTT_TIMEOUT_MS ?? 180_000);

export function payload(seq: number): string {
  return JSON.stringify({
    // Read by the `correlation` contender; `schema` ignores it.
    correlationId: seq,
    metrics: [
      {
        name: 'bench.value',
        type: 'f64_gauge',
        value: seq,
        attributes: [
          { key: 'device', value: 'sensor-1' },
          { key: 'site', value: 'berlin' },
        ],
      },
    ],
  });
}

function clientOptions(clientId: string): IClientOptions {
  return {
    clientId,
    protocolVersion: 5,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: RECEIVE_MAXIMUM },
  };
}

export async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the persistent session (subscribed to `topic`), leaves it offline, and queues the backlog for it. */
export async function queueBacklog(url: string, clientId: string, topic: string, n: number): Promise<void> {
  const sub = await mqtt.connectAsync(url, clientOptions(clientId));
  await sub.subscribeAsync(topic, { qos: 1 });
  await sub.endAsync();
  const pub = await mqtt.connectAsync(url, { clientId: `${clientId}-pub`, protocolVersion: 5, reconnectPeriod: 0 });
  // A few thousand at a time: all 200,000 of BENCH=mqtt-process at once do not get through within minutes.
  const publishAll = async () => {
    for (let start = 0; start < n; start += PUBLISH_CHUNK) {
      const pending: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(n, start + PUBLISH_CHUNK); i++)
        pending.push(pub.publishAsync(topic, payload(i), { qos: 1 }));
      await Promise.all(pending);
    }
  };
  await withTimeout('publishing the backlog', Math.max(120_000, n * 2), publishAll());
  await pub.endAsync();
}

/** Counts distinct sequence values; `done` resolves once all `n` were seen. */
export class Tally {
  readonly seen: Uint8Array;
  distinct = 0;
  total = 0;
  private resolve!: () => void;
  readonly done = new Promise<void>((r) => (this.resolve = r));
  constructor(readonly n: number) {
    this.seen = new Uint8Array(n);
  }
  add(seq: number): void {
    this.total++;
    if (Number.isInteger(seq) && seq >= 0 && seq < this.n && this.seen[seq] === 0) {
      this.seen[seq] = 1;
      if (++this.distinct === this.n) this.resolve();
    }
  }
}

interface Sink {
  url: string;
  close: () => Promise<void>;
}

export async function startSink(handle: (body: Buffer) => void, latencyMs = 0): Promise<Sink> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        try {
          handle(Buffer.concat(chunks));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch {
          res.writeHead(400).end();
        }
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Runs `run` (which resolves with the delivered count) measuring time, whole-process CPU and peak RSS. */
async function measureRun(name: string, n: number, run: () => Promise<number>): Promise<MqttFigures> {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  try {
    const delivered = await withTimeout(name, RUN_TIMEOUT_MS, run());
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      name,
      messagesPerSec: n / secs,
      cpuMsPer1k: ((cpu.user + cpu.system) / 1000) * (1000 / n),
      peakRss,
      delivered,
      lost: n - delivered,
    };
  } finally {
    clearInterval(sampler);
  }
}

export async function baseline(url: string, n: number): Promise<MqttFigures> {
  const clientId = 'bench-baseline';
  const topic = 'bench/baseline/telemetry';
  await queueBacklog(url, clientId, topic, n);
  const tally = new Tally(n);
  let client: MqttClient | undefined;
  try {
    return await measureRun('bare mqtt.js subscriber (counts only)', n, async () => {
      client = mqtt.connect(url, clientOptions(clientId));
      client.on('message', (_topic, buf) =>
        tally.add(Number((JSON.parse(buf.toString()) as { metrics: [{ value: number }] }).metrics[0].value)),
      );
      client.on('error', (err) => console.error(`baseline client: ${err.message}`));
      await tally.done;
      return tally.distinct;
    });
  } finally {
    await client?.endAsync();
  }
}

export interface HubVariant {
  key: string;
  name: string;
  processors: string;
  pipeline: string;
  /** Feeds each sequence number found in an exported request body to `add`. */
  read: (body: Buffer, add: (seq: number) => void) => void;
}

export const METRICS_VARIANT: HubVariant = {
  key: 'otelhub',
  name: 'otelhub: mqtt -> schema -> batch -> otlp_http',
  processors: 'schema: {}',
  pipeline: 'metrics: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http] }',
  read: (body, add) =>
    forEachMetric(decodeRequest('metrics', body), (m) => {
      for (const p of m.gauge?.dataPoints ?? []) add(p.asDouble ?? Number(p.asInt));
    }),
};

export const TRACES_VARIANT: HubVariant = {
  key: 'otelhub-traces',
  name: 'otelhub: mqtt -> correlation -> batch -> otlp_http',
  processors: 'correlation: {}',
  pipeline: 'traces: { receivers: [mqtt], processors: [correlation, batch], exporters: [otlp_http] }',
  read: (body, add) =>
    forEachSpan(decodeRequest('traces', body), (s) => add(Number(getAttribute(s.attributes, 'correlation.id')))),
};

async function otelhub(url: string, n: number, v: HubVariant): Promise<MqttFigures> {
  const clientId = `bench-${v.key}`;
  const topic = `bench/${v.key}/telemetry`;
  await queueBacklog(url, clientId, topic, n);
  return drainWithHub(url, n, v, { clientId, topic, receiveMaximum: HUB_RECEIVE_MAXIMUM, latencyMs: SINK_LATENCY_MS });
}

export interface DrainOptions {
  clientId: string;
  topic: string;
  /** The receiver's default when undefined. */
  receiveMaximum: string | number | undefined;
  /** How long the destination takes to answer each export. */
  latencyMs: number;
}

/** Starts a hub of variant `v` on `url` and measures until all `n` sequence values reached its destination. */
export async function drainWithHub(url: string, n: number, v: HubVariant, o: DrainOptions): Promise<MqttFigures> {
  const { clientId, topic, receiveMaximum } = o;
  const tally = new Tally(n);
  const sink = await startSink((body) => v.read(body, (seq) => tally.add(seq)), o.latencyMs);
  let hub: Awaited<ReturnType<typeof startHub>> | undefined;
  try {
    const f = await measureRun(v.name, n, async () => {
      hub = await startHub({
        configText: {
          name: 'bench',
          text:
            `receivers:\n  mqtt:\n    endpoint: ${url}\n    topics: ['${topic}']\n    client_id: ${clientId}\n` +
            (receiveMaximum !== undefined ? `    receive_maximum: ${receiveMaximum}\n` : '') +
            `processors:\n  ${v.processors}\n  batch: {}\n` +
            `exporters:\n  otlp_http:\n    endpoint: ${sink.url}\n    compression: none\n` +
            `service:\n  telemetry:\n    metrics: { level: ${METRICS_LEVEL}, readers: [] }\n  pipelines:\n    ${v.pipeline}\n`,
        },
        logSink: {
          write: (l: string) => {
            if (/"level":"(warn|error)"|\t(warn|error)\t/.test(l)) console.error(`hub: ${l.trim()}`);
            return true;
          },
        },
      });
      await tally.done;
      return tally.distinct;
    }).catch((err: unknown) => {
      throw new Error(`${v.name} delivered ${tally.distinct} of ${n} distinct values (${n - tally.distinct} missing)`, {
        cause: err,
      });
    });
    if (f.lost !== 0) throw new Error(`${v.name} lost ${f.lost} of ${n} messages`);
    return f;
  } finally {
    await hub?.shutdown();
    await sink.close();
  }
}

async function sdkBridge(url: string, n: number): Promise<MqttFigures> {
  const clientId = 'bench-sdk-bridge';
  const topic = 'bench/sdk/telemetry';
  await queueBacklog(url, clientId, topic, n);
  const received = new Tally(n);
  const exported = new Tally(n);
  const sink = await startSink((body) => {
    forEachSpan(decodeRequest('traces', body), (s) => exported.add(Number(getAttribute(s.attributes, 'bench.seq'))));
  });
  let client: MqttClient | undefined;
  let provider: TracerProvider | undefined;
  try {
    return await measureRun('OpenTelemetry JS SDK bridge (BatchSpanProcessor defaults)', n, async () => {
      // The defaults are the point: maxQueueSize 2048, maxExportBatchSize 512, scheduledDelayMillis 5000.
      provider = new TracerProvider({
        spanProcessors: [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: `${sink.url}/v1/traces`, compression: 'none' as never }),
          }),
        ],
      });
      const tracer = provider.getTracer('mqtt-bridge');
      client = mqtt.connect(url, clientOptions(clientId));
      client.on('message', (t, buf) => {
        const value = Number((JSON.parse(buf.toString()) as { metrics: [{ value: number }] }).metrics[0].value);
        tracer.startSpan('mqtt.message', { attributes: { 'messaging.destination.name': t, 'bench.seq': value } }).end();
        received.add(value);
      });
      client.on('error', (err) => console.error(`sdk bridge client: ${err.message}`));
      await received.done;
      await provider.forceFlush();
      return exported.distinct;
    });
  } finally {
    await client?.endAsync();
    await provider?.shutdown();
    await sink.close();
  }
}

export async function benchMqtt(messages: number): Promise<MqttFigures[]> {
  const broker = await startMosquitto();
  try {
    return [
      await baseline(broker.url, messages),
      await otelhub(broker.url, messages, METRICS_VARIANT),
      await otelhub(broker.url, messages, TRACES_VARIANT),
      await sdkBridge(broker.url, messages),
    ];
  } finally {
    await broker.stop();
  }
}
