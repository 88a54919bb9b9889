// The hub in a process of its own, with the mqtt receiver's default settings, draining a backlog queued on a real
// Mosquitto: its drain rate against a bare mqtt.js subscriber on the same broker, and its own peak RSS (the kernel's
// high-water mark, VmHWM, read before it stops). The sink and the reference run in this process, not the hub's. Both
// drains are timed from their connection to the broker.
// The hub runs compiled (see hub-process.ts).
import { buildDist, cpuSecondsOf, peakRssOf, spawnCompiledHub } from './hub-process.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import type { MqttFigures } from './mqtt-e2e.ts';
import type { HubVariant } from './mqtt-e2e.ts';
import { forEachCorrelationId } from './span-id-scan.ts';
import { METRICS_VARIANT, TRACES_VARIANT, Tally, baseline, queueBacklog, startSink, withTimeout } from './mqtt-e2e.ts';

const RUN_TIMEOUT_MS = Number(process.env.BENCH_MQTT_TIMEOUT_MS ?? 600_000);

async function hubProcess(url: string, n: number, variant: HubVariant): Promise<MqttFigures> {
  const clientId = `bench-hub-process-${variant.key}`;
  const topic = `bench/hub-process/${variant.key}`;
  await queueBacklog(url, clientId, topic, n);
  const tally = new Tally(n);
  // Spans are counted off the wire (see span-id-scan.ts): a whole decode beside the hub took a third of a core.
  const read: HubVariant['read'] =
    variant === TRACES_VARIANT ? (body, add) => forEachCorrelationId(body, (id) => add(Number(id))) : variant.read;
  const sink = await startSink((body) => read(body, (seq) => tally.add(seq)));
  // No receive_maximum, max_inflight_bytes or batch settings unless asked for: the defaults are what is measured.
  const window = process.env.BENCH_MQTT_RECEIVE_MAXIMUM;
  const budget = process.env.BENCH_MQTT_MAX_INFLIGHT_BYTES;
  // Info logs, read here: the drain is timed from the hub's "connected to the MQTT broker", as the bare subscriber's
  // is from its connect; the hub's own start (Node, modules, config: a few hundred ms) is reported beside it. Lines
  // at warn and above are passed on.
  let onConnected: (t: bigint) => void = () => {};
  const connected = new Promise<bigint>((resolve) => (onConnected = resolve));
  const hub = spawnCompiledHub(
    `receivers:\n  mqtt:\n    endpoint: ${url}\n    topics: ['${topic}']\n    client_id: ${clientId}\n` +
      (window ? `    receive_maximum: ${window}\n` : '') +
      (budget ? `    max_inflight_bytes: ${budget}\n` : '') +
      `processors:\n  ${variant.processors}\n  batch: {}\n` +
      `exporters:\n  otlp_http:\n    endpoint: ${sink.url}\n    compression: none\n` +
      `service:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    ${variant.pipeline}\n`,
    (line) => {
      if (line.includes('"msg":"connected to the MQTT broker"')) onConnected(process.hrtime.bigint());
      else if (!/"level":"(debug|info)"/.test(line)) process.stderr.write(`${line}\n`);
    },
  );
  const { flags, spawned } = hub;
  try {
    await withTimeout('hub process', RUN_TIMEOUT_MS, Promise.race([tally.done, hub.exited]));
    const t0 = await connected;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const startSecs = Number(t0 - spawned) / 1e9;
    const peakRss = peakRssOf(hub.child.pid ?? 0);
    // Its own CPU, start-up included: a figure that other load on the machine changes less than the rate.
    const cpuSecs = cpuSecondsOf(hub.child.pid ?? 0);
    return {
      name: `otelhub process (started in ${startSecs.toFixed(2)} s), compiled (${[window && `receive_maximum ${window}`, budget && `max_inflight_bytes ${budget}`, flags.join(' ') || 'V8 defaults'].filter(Boolean).join(', ')}): ${variant.name.replace(/^otelhub: /, '')}`,
      messagesPerSec: n / secs,
      cpuMsPer1k: (cpuSecs * 1000) / (n / 1000),
      peakRss,
      delivered: tally.distinct,
      lost: n - tally.distinct,
    };
  } finally {
    await hub.stop();
    await sink.close();
  }
}

/** The bare subscriber's figures, then the hub process's for `schema` and for `correlation`; the broker queues up to 2 x n messages. */
export async function benchMqttHubProcess(n: number): Promise<MqttFigures[]> {
  buildDist();
  const broker = await startMosquitto({ extraConfig: [`max_queued_messages ${2 * n}`] });
  try {
    // BENCH_MQTT_PROCESS_PIPELINES=correlation (say) runs one of them.
    const wanted = (process.env.BENCH_MQTT_PROCESS_PIPELINES ?? 'schema,correlation').split(',');
    const variants = [METRICS_VARIANT, TRACES_VARIANT].filter((v) => wanted.some((w) => v.processors.startsWith(w)));
    const figures = [await baseline(broker.url, n)];
    for (const v of variants) figures.push(await hubProcess(broker.url, n, v));
    return figures;
  } finally {
    await broker.stop();
  }
}
