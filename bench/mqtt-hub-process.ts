// The hub in a process of its own, with the mqtt receiver's default settings, draining a backlog queued on a real
// Mosquitto: its drain rate against a bare mqtt.js subscriber on the same broker, and its own peak RSS (the kernel's
// high-water mark, VmHWM, read before it stops). The sink and the reference run in this process, not the hub's. Both
// drains are timed from their connection to the broker.
// The hub runs compiled (dist/, as the package and the image ship it), not through tsx, whose loader alone adds
// tens of MiB to a process's RSS.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { missingNodeFlags } from '../bin/node-flags.js';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import type { MqttFigures } from './mqtt-e2e.ts';
import type { HubVariant } from './mqtt-e2e.ts';
import { METRICS_VARIANT, TRACES_VARIANT, Tally, baseline, queueBacklog, startSink, withTimeout } from './mqtt-e2e.ts';

const RUN_TIMEOUT_MS = Number(process.env.BENCH_MQTT_TIMEOUT_MS ?? 600_000);

function peakRssOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function hubProcess(url: string, n: number, variant: HubVariant): Promise<MqttFigures> {
  const clientId = `bench-hub-process-${variant.key}`;
  const topic = `bench/hub-process/${variant.key}`;
  await queueBacklog(url, clientId, topic, n);
  const tally = new Tally(n);
  const sink = await startSink((body) => variant.read(body, (seq) => tally.add(seq)));
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-bench-'));
  const config = join(dir, 'hub.yaml');
  // No receive_maximum, max_inflight_bytes or batch settings unless asked for: the defaults are what is measured.
  const window = process.env.BENCH_MQTT_RECEIVE_MAXIMUM;
  const budget = process.env.BENCH_MQTT_MAX_INFLIGHT_BYTES;
  writeFileSync(
    config,
    `receivers:\n  mqtt:\n    endpoint: ${url}\n    topics: ['${topic}']\n    client_id: ${clientId}\n` +
      (window ? `    receive_maximum: ${window}\n` : '') +
      (budget ? `    max_inflight_bytes: ${budget}\n` : '') +
      `processors:\n  ${variant.processors}\n  batch: {}\n` +
      `exporters:\n  otlphttp:\n    endpoint: ${sink.url}\n    compression: none\n` +
      `service:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    ${variant.pipeline}\n`,
  );
  const runner = join(dir, 'run-compiled.mjs');
  writeFileSync(
    runner,
    `const { cli } = await import(${JSON.stringify(new URL('../dist/cli/main.js', import.meta.url).href)});\n` +
      'process.exitCode = await cli(process.argv.slice(2));\n',
  );
  // BENCH_HUB_NODE_OPTIONS: Node and V8 flags for the hub alone (heap limits, --trace-gc, --cpu-prof ...), given on
  // its command line (NODE_OPTIONS refuses some of them), not to this process and its reference. The flags
  // bin/otelhub.js starts the hub with (bin/node-flags.js) come first, unless these set the same ones;
  // OTELHUB_NODE_FLAGS=none leaves them out, as it does for bin/otelhub.js.
  const nodeOptions = process.env.BENCH_HUB_NODE_OPTIONS;
  const own = nodeOptions?.split(/\s+/).filter(Boolean) ?? [];
  const flags = [...missingNodeFlags(own, { ...process.env, NODE_OPTIONS: '' }), ...own];
  // Info logs, read here: the drain is timed from the hub's "connected to the MQTT broker", as the bare subscriber's
  // is from its connect; the hub's own start (Node, modules, config: a few hundred ms) is reported beside it. Lines
  // at warn and above are passed on.
  const hub = spawn(process.execPath, [...flags, runner, '--config', config, '--log-level', 'info'], {
    stdio: ['ignore', process.env.BENCH_HUB_STDOUT ? 'inherit' : 'ignore', 'pipe'],
  });
  const spawned = process.hrtime.bigint();
  const connected = new Promise<bigint>((resolve) => {
    createInterface({ input: hub.stderr }).on('line', (line) => {
      if (line.includes('"msg":"connected to the MQTT broker"')) resolve(process.hrtime.bigint());
      else if (!/"level":"(debug|info)"/.test(line)) process.stderr.write(`${line}\n`);
    });
  });
  const exited = new Promise<never>((_, reject) =>
    hub.once('exit', (code, signal) => reject(new Error(`the hub exited early (${signal ?? `code ${code}`})`))),
  );
  exited.catch(() => {});
  try {
    await withTimeout('hub process', RUN_TIMEOUT_MS, Promise.race([tally.done, exited]));
    const t0 = await connected;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const startSecs = Number(t0 - spawned) / 1e9;
    const peakRss = peakRssOf(hub.pid ?? 0);
    return {
      name: `otelhub process (started in ${startSecs.toFixed(2)} s), compiled (${[window && `receive_maximum ${window}`, budget && `max_inflight_bytes ${budget}`, flags.join(' ') || 'V8 defaults'].filter(Boolean).join(', ')}): ${variant.name.replace(/^otelhub: /, '')}`,
      messagesPerSec: n / secs,
      cpuMsPer1k: NaN,
      peakRss,
      delivered: tally.distinct,
      lost: n - tally.distinct,
    };
  } finally {
    if (hub.exitCode === null && hub.signalCode === null) {
      hub.kill('SIGTERM');
      await new Promise((r) => hub.once('exit', r));
    }
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare subscriber's figures, then the hub process's for `schema` and for `correlation`; the broker queues up to 2 x n messages. */
export async function benchMqttHubProcess(n: number): Promise<MqttFigures[]> {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
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
