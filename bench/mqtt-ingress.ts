// BENCH=ingress (issue 10: "one device publishing to the ingress at >= 0.5 x the broker path's drain rate"):
//   1. reference: the broker path's drain rate, measured by bench/mqtt-e2e.ts's drainWithHub: the hub
//      `mqtt -> schema -> batch -> otlp_http` drains a backlog of N QoS 1 messages a Mosquitto queued for its offline
//      session (its time includes starting the hub and connecting, as that bench measures it);
//   2. the ingress: one mqtt.js device (MQTT 5, QoS 1, the same payloads) publishes N messages to the hub's
//      `embedded_broker` with the same pipeline, as fast as its window allows (the hub's announced Receive Maximum:
//      mqtt.js queues the rest and sends one as each PUBACK frees a packet ID); timed from the first publish to the
//      last PUBACK. Zero loss checked: the sink got all N values and the device N successful PUBACKs.
// The device runs in a child process (this file, run with OTELHUB_BENCH_INGRESS_DEVICE set), as Mosquitto does in
// the reference: the CPU figures are the bench process's (hub and sink), the device's and the broker's excluded.
// Knobs: BENCH_INGRESS_MESSAGES (N, 20,000), BENCH_INGRESS_RECEIVE_MAXIMUM (embedded_broker.receive_maximum, its
// default when unset), BENCH_MQTT_RECEIVE_MAXIMUM (the reference hub's receive_maximum, as for BENCH=mqtt).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { IConnackPacket } from 'mqtt';
import { startHub } from '../cli/hub.ts';
import { listen } from '../core/net.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import type { MqttFigures } from './mqtt-e2e.ts';
import { METRICS_VARIANT, drainWithHub, payload } from './mqtt-e2e.ts';

const DEVICE_ENV = 'OTELHUB_BENCH_INGRESS_DEVICE';
const TOPIC = 'bench/ingress/telemetry';
const TIMEOUT_MS = Number(process.env.BENCH_MQTT_TIMEOUT_MS ?? 180_000);

export interface IngressFigures {
  reference: MqttFigures;
  messages: number;
  messagesPerSec: number;
  /** The bench process's CPU (hub and sink) per 1000 messages; the device's is `deviceCpuMsPer1k`. */
  cpuMsPer1k: number;
  deviceCpuMsPer1k: number;
  /** The Receive Maximum the hub announced, the device's window. */
  window: number;
  delivered: number;
  acked: number;
  hubStartMs: number;
}

type DeviceReport =
  | { type: 'ready'; window: number }
  | { type: 'done'; secs: number; acked: number; failed: number; cpuMs: number };

/** Packet IDs for at most `window` unacknowledged messages: past it, allocate() says none, and mqtt.js queues. */
class WindowedIds {
  window = 0xffff;
  private readonly used = new Set<number>();
  private next = 1;
  private last: number | null = null;
  allocate(): number | null {
    if (this.used.size >= this.window) return null;
    while (this.used.has(this.next)) this.next = (this.next % 0xffff) + 1;
    this.last = this.next;
    this.used.add(this.last);
    this.next = (this.next % 0xffff) + 1;
    return this.last;
  }
  getLastAllocated(): number | null {
    return this.last;
  }
  register(id: number): boolean {
    if (this.used.has(id)) return false;
    this.used.add(id);
    return true;
  }
  deallocate(id: number): void {
    this.used.delete(id);
  }
  clear(): void {
    this.used.clear();
  }
}

/** The device (child process): connects, reports the window, publishes all N on `go`, reports the timing. */
async function device(url: string, n: number): Promise<void> {
  const send = (r: DeviceReport) => process.send?.(r);
  const ids = new WindowedIds();
  const client = mqtt.connect(url, {
    clientId: 'bench-ingress-device',
    protocolVersion: 5,
    clean: false,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 600 },
    messageIdProvider: ids,
  });
  client.on('error', (err) => console.error(`ingress device: ${err.message}`));
  const connack = await new Promise<IConnackPacket>((r) => client.once('connect', r));
  ids.window = connack.properties?.receiveMaximum ?? 0xffff;
  send({ type: 'ready', window: ids.window });
  await new Promise((r) => process.once('message', r));
  // Only a PUBACK with reason code 0 counts: mqtt.js takes one below 0x80 (0x10, no matching subscribers) as success.
  let acked = 0;
  let settled = 0;
  client.on('packetreceive', (p) => {
    if (p.cmd === 'puback' && (p.reasonCode ?? 0) === 0) acked++;
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    client.once('close', resolve); // the connection lost: the report shows what was acknowledged
    for (let i = 0; i < n; i++) client.publish(TOPIC, payload(i), { qos: 1 }, () => ++settled === n && resolve());
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  send({ type: 'done', secs, acked, failed: n - acked, cpuMs: (cpu.user + cpu.system) / 1000 });
  await client.endAsync();
  process.disconnect?.();
}

if (process.env[DEVICE_ENV]) await device(process.env[DEVICE_ENV], Number(process.env.BENCH_INGRESS_MESSAGES));

/** The next report of `child`, or a rejection if it exits or the time runs out first. */
function report<T extends DeviceReport['type']>(child: ChildProcess, type: T): Promise<DeviceReport & { type: T }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ingress device: no '${type}' after ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    const onExit = (code: number | null) => reject(new Error(`ingress device exited (${code}) before '${type}'`));
    child.once('exit', onExit);
    child.on('message', function on(m: DeviceReport) {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('exit', onExit).off('message', on);
      resolve(m as DeviceReport & { type: T });
    });
  });
}

async function ingress(n: number): Promise<Omit<IngressFigures, 'reference'>> {
  const seen = new Uint8Array(n);
  let delivered = 0;
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      METRICS_VARIANT.read(Buffer.concat(chunks), (seq) => {
        if (seq >= 0 && seq < n && seen[seq] === 0) {
          seen[seq] = 1;
          delivered++;
        }
      });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const { port } = await listen(sink, { host: '127.0.0.1', port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-bench-ingress-'));
  const window = process.env.BENCH_INGRESS_RECEIVE_MAXIMUM;
  let endpoint: string | undefined;
  let hub: Awaited<ReturnType<typeof startHub>> | undefined;
  let child: ChildProcess | undefined;
  try {
    const h0 = process.hrtime.bigint();
    hub = await startHub({
      configText: {
        name: 'bench-ingress',
        text:
          `receivers:\n  mqtt:\n    topics: ['bench/ingress/#']\n    embedded_broker:\n      endpoint: 127.0.0.1:0\n` +
          `      session_file: ${join(dir, 'sessions.json')}\n` +
          (window ? `      receive_maximum: ${window}\n` : '') +
          `processors:\n  ${METRICS_VARIANT.processors}\n  batch: {}\n` +
          `exporters:\n  otlp_http:\n    endpoint: http://127.0.0.1:${port}\n    compression: none\n` +
          `service:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    ${METRICS_VARIANT.pipeline}\n`,
      },
      logSink: {
        write: (l: string) => {
          const line = JSON.parse(l) as { level: string; msg: string; endpoint?: string };
          if (line.msg === 'embedded MQTT broker listening') endpoint = line.endpoint;
          if (line.level === 'warn' || line.level === 'error') console.error(`hub: ${l.trim()}`);
          return true;
        },
      },
    });
    const hubStartMs = Number(process.hrtime.bigint() - h0) / 1e6;
    if (!endpoint) throw new Error('the hub did not log where its embedded broker listens');
    child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [DEVICE_ENV]: `mqtt://${endpoint}`, BENCH_INGRESS_MESSAGES: String(n) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await report(child, 'ready');
    const cpu0 = process.cpuUsage();
    const done = report(child, 'done');
    child.send('go');
    const d = await done;
    const cpu = process.cpuUsage(cpu0);
    // The device disconnects and exits by itself: the hub records its session's disconnect before it shuts down.
    if (child.exitCode === null) await new Promise((r) => child?.once('exit', r));
    if (d.acked !== n || delivered !== n)
      throw new Error(`ingress: the sink got ${delivered} of ${n} values, the device ${d.acked} successful PUBACKs`);
    return {
      messages: n,
      messagesPerSec: n / d.secs,
      cpuMsPer1k: ((cpu.user + cpu.system) / 1000) * (1000 / n),
      deviceCpuMsPer1k: d.cpuMs * (1000 / n),
      window: ready.window,
      delivered,
      acked: d.acked,
      hubStartMs,
    };
  } finally {
    child?.kill();
    await hub?.shutdown();
    sink.closeAllConnections();
    await new Promise((r) => sink.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The reference: the hub drains a backlog of `n` queued on a fresh Mosquitto. */
async function reference(n: number): Promise<MqttFigures> {
  const broker = await startMosquitto({ extraConfig: [`max_queued_messages ${Math.max(100_000, 2 * n)}`] });
  try {
    const clientId = 'bench-ingress-reference';
    const topic = 'bench/reference/telemetry';
    const sub = await mqtt.connectAsync(broker.url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 600 },
    });
    await sub.subscribeAsync(topic, { qos: 1 });
    await sub.endAsync();
    const pub = await mqtt.connectAsync(broker.url, { clientId: `${clientId}-pub`, protocolVersion: 5 });
    for (let start = 0; start < n; start += 5000) {
      const pending: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(n, start + 5000); i++)
        pending.push(pub.publishAsync(topic, payload(i), { qos: 1 }));
      await Promise.all(pending);
    }
    await pub.endAsync();
    return await drainWithHub(broker.url, n, METRICS_VARIANT, {
      clientId,
      topic,
      receiveMaximum: process.env.BENCH_MQTT_RECEIVE_MAXIMUM,
      latencyMs: 0,
    });
  } finally {
    await broker.stop();
  }
}

export async function benchIngress(n: number): Promise<IngressFigures> {
  const ref = await reference(n);
  return { reference: ref, ...(await ingress(n)) };
}

export function printIngress(f: IngressFigures): void {
  const rate = (x: number) => `${Math.round(x).toLocaleString('en').padStart(8)} messages/s`;
  const r = f.reference;
  console.log(
    `\nMQTT ingress: one device publishing ${f.messages} QoS 1 messages (AIO JSON) to the embedded broker, against the broker path`,
  );
  console.log("  (CPU is the bench process's: hub and sink; the broker and the device run in processes of their own)");
  console.log(
    `  broker path: Mosquitto backlog drained by mqtt -> schema -> batch -> otlp_http ${rate(r.messagesPerSec)}` +
      `  ${r.cpuMsPer1k.toFixed(1).padStart(6)} CPU ms per 1k  lost ${r.lost}  (time includes the hub's start)`,
  );
  console.log(
    `  ingress: device -> embedded_broker -> schema -> batch -> otlp_http     ${rate(f.messagesPerSec)}` +
      `  ${f.cpuMsPer1k.toFixed(1).padStart(6)} CPU ms per 1k  lost ${f.messages - f.delivered}  (window ${f.window};` +
      ` device ${f.deviceCpuMsPer1k.toFixed(1)} CPU ms per 1k; PUBACKs ${f.acked}; hub start ${f.hubStartMs.toFixed(0)} ms, not timed)`,
  );
  const ratio = f.messagesPerSec / r.messagesPerSec;
  console.log(`  ratio ingress / broker path: ${ratio.toFixed(2)} (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'})`);
}
