// BENCH=passthrough: OTLP pass-through with the defaults a user writes (`otlp -> batch {} -> otlp_http`) against a raw
// Node proxy that forwards the request bytes to the same sink and relays its answer (raw-proxy.js). Each contender
// runs in a process of its own (the hub compiled from dist/ with bin/node-flags.js's flags, see hub-process.ts);
// the generator and the sink share this process. Same generator (pre-encoded HTTP/protobuf trace requests, keep-alive),
// same sink (counts spans by walking the protobuf, so it is not the bottleneck). Two parts, each on a fresh process:
//   1. maximum throughput: a closed loop (BENCH_PASSTHROUGH_CONCURRENCY requests in flight, each sent when one is
//      answered) for BENCH_PASSTHROUGH_SECONDS after a second of warm-up, zero loss checked at the sink; the ratio
//      hub / proxy;
//   2. a steady BENCH_LATENCY_SPANS_PER_SEC (10k) in an open loop (requests leave on a schedule, answered or not):
//      p50/p99 answer latency, the contender's own CPU (utime + stime from /proc) and peak RSS (VmHWM).
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { attributes, span, traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { enter, leave, newReader, readTag, skipField } from '../otlp/proto-read.ts';
import { buildDist, cpuSecondsOf, peakRssOf, spawnCompiledHub } from './hub-process.ts';
import { startSink } from './otlp-passthrough.ts';

export interface ThroughputFigures {
  name: string;
  spansPerSec: number;
  /** The contender's own CPU during the run, in % of one core; the bench process's (generator and sink) beside it. */
  cpuPercent: number;
  benchCpuPercent: number;
  peakRss: number;
  sent: number;
  delivered: number;
  failed: number;
}

export interface LatencyFigures {
  name: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** The contender's own CPU over the steady run, in % of one core. */
  cpuPercent: number;
  peakRss: number;
  failed: number;
  delivered: number;
  sent: number;
}

interface Contender {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spans in an ExportTraceServiceRequest without decoding them: resource_spans(1) > scope_spans(2) > spans(2). */
function countSpans(body: Uint8Array): number {
  const r = newReader(body);
  let n = 0;
  const each = (field: number, inside: () => void) => {
    while (r.pos < r.len) {
      const tag = readTag(r);
      if (tag >>> 3 !== field) skipField(r, tag);
      else {
        const outer = enter(r, tag);
        inside();
        leave(r, outer);
      }
    }
  };
  each(1, () =>
    each(2, () =>
      each(2, () => {
        n++;
        r.pos = r.len;
      }),
    ),
  );
  return n;
}

function body(spans: number): Buffer {
  const list = Array.from({ length: spans }, (_, i) =>
    span({ name: `op-${i % 16}`, attributes: attributes({ n: i, 'http.route': `/r/${i % 32}` }) }),
  );
  return Buffer.from(encodeRequest('traces', traces(list)));
}

function post(agent: http.Agent, url: URL, payload: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(payload.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** For `seconds`, keeps `concurrency` requests in flight, each sent as soon as one is answered; what was sent. */
async function closedLoop(
  target: string,
  payload: Buffer,
  seconds: number,
  concurrency: number,
): Promise<{ requests: number; failed: number }> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const end = performance.now() + seconds * 1000;
  let requests = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      requests++;
      if ((await post(agent, url, payload).catch(() => 0)) !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { requests, failed };
}

/** Sends `perSec` requests a second for `seconds`, on schedule; the answer latencies (ms) and the failures. */
async function openLoop(
  target: string,
  payload: Buffer,
  perSec: number,
  seconds: number,
): Promise<{ latencies: number[]; failed: number }> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(perSec * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const sends: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / perSec - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    sends.push(
      post(agent, url, payload).then(
        (status) => void (status === 200 ? latencies.push(performance.now() - start) : failed++),
        () => void failed++,
      ),
    );
  }
  await Promise.all(sends);
  agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), failed };
}

async function startProxyProcess(sinkUrl: string): Promise<Contender> {
  const script = fileURLToPath(new URL('./raw-proxy.js', import.meta.url));
  const child = spawn(process.execPath, [script, sinkUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the raw proxy exited (code ${code})`)));
    createInterface({ input: child.stdout }).once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
  });
  return {
    name: 'raw Node proxy (forwards the bytes)',
    url: `http://127.0.0.1:${port}/v1/traces`,
    pid: child.pid!,
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

async function startHubProcess(sinkUrl: string): Promise<Contender> {
  let listening: (endpoint: string) => void = () => {};
  const endpoint = new Promise<string>((resolve) => (listening = resolve));
  const hub = spawnCompiledHub(
    `receivers:\n  otlp:\n    protocols:\n      http: { endpoint: 127.0.0.1:0 }\nprocessors:\n  batch: {}\n` +
      `exporters:\n  otlp_http:\n    endpoint: ${sinkUrl}\n    compression: none\n` +
      `service:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n` +
      `    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }\n`,
    (l) => {
      const line = JSON.parse(l) as { msg: string; level: string; endpoint?: string };
      if (line.msg.startsWith('OTLP HTTP receiver listening')) listening(String(line.endpoint));
      else if (line.level !== 'info' && line.level !== 'debug') process.stderr.write(`${l}\n`);
    },
  );
  return {
    name: `otelhub ${hub.flags.join(' ') || '(V8 defaults)'}`,
    url: `http://${await Promise.race([endpoint, hub.exited])}/v1/traces`,
    pid: hub.child.pid!,
    stop: () => hub.stop(),
  };
}

type Sink = Awaited<ReturnType<typeof startSink>>;
const PER_REQUEST = Number(process.env.BENCH_PASSTHROUGH_SPANS_PER_REQUEST ?? 512);
const CONCURRENCY = Number(process.env.BENCH_PASSTHROUGH_CONCURRENCY ?? 16);

async function throughput(c: Contender, sink: Sink, seconds: number): Promise<ThroughputFigures> {
  const payload = body(PER_REQUEST);
  // Warm-up (not counted): the JIT, the connections.
  await closedLoop(c.url, payload, 1, CONCURRENCY);
  const before = sink.count();
  const cpu0 = cpuSecondsOf(c.pid);
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  const { requests, failed } = await closedLoop(c.url, payload, seconds, CONCURRENCY);
  const secs = (performance.now() - t0) / 1000;
  const bench = process.cpuUsage(bench0);
  const sent = requests * PER_REQUEST;
  return {
    name: c.name,
    spansPerSec: sent / secs,
    cpuPercent: ((cpuSecondsOf(c.pid) - cpu0) / secs) * 100,
    benchCpuPercent: ((bench.user + bench.system) / 1e6 / secs) * 100,
    peakRss: peakRssOf(c.pid),
    sent,
    delivered: sink.count() - before,
    failed,
  };
}

async function latency(c: Contender, sink: Sink, rate: number, perRequest: number, seconds: number) {
  const payload = body(perRequest);
  await openLoop(c.url, payload, rate / perRequest, 1); // warm-up second, not counted
  const before = sink.count();
  const cpu0 = cpuSecondsOf(c.pid);
  const t0 = performance.now();
  const { latencies, failed } = await openLoop(c.url, payload, rate / perRequest, seconds);
  const secs = (performance.now() - t0) / 1000;
  const requests = Math.round((rate / perRequest) * seconds);
  return {
    name: c.name,
    requests,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    cpuPercent: ((cpuSecondsOf(c.pid) - cpu0) / secs) * 100,
    peakRss: peakRssOf(c.pid),
    failed,
    sent: requests * perRequest,
    delivered: sink.count() - before,
  } satisfies LatencyFigures;
}

/** Each part on a fresh process of each contender: the proxy's figures first, then the hub's. */
export async function benchPassthrough(
  throughputSeconds: number,
  rate: number,
  perRequest: number,
  seconds: number,
): Promise<{ throughput: ThroughputFigures[]; latency: LatencyFigures[] }> {
  buildDist();
  const sink = await startSink(countSpans);
  const out = { throughput: [] as ThroughputFigures[], latency: [] as LatencyFigures[] };
  try {
    for (const start of [startProxyProcess, startHubProcess]) {
      let c = await start(sink.url);
      try {
        out.throughput.push(await throughput(c, sink, throughputSeconds));
      } finally {
        await c.stop();
      }
      c = await start(sink.url);
      try {
        out.latency.push(await latency(c, sink, rate, perRequest, seconds));
      } finally {
        await c.stop();
      }
    }
  } finally {
    await sink.close();
  }
  return out;
}
