// BENCH=passthrough-latency: the answer latency a client sees at a steady 10k spans/s (open loop: requests leave on
// a schedule, whether or not earlier ones were answered), through `otlp -> batch {} -> otlphttp` to a sink, against a
// raw Node proxy that forwards the request bytes to the same sink and relays its answer. Same generator, same sink.
import http from 'node:http';
import { startHub } from '../cli/hub.ts';
import { listen } from '../core/net.ts';
import { attributes, span, traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { startSink } from './otlp-passthrough.ts';

export interface LatencyFigures {
  name: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Whole process (generator, sink and contender), in % of one core. */
  cpuPercent: number;
  failed: number;
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

async function drive(
  name: string,
  target: string,
  rate: number,
  spansPerRequest: number,
  seconds: number,
): Promise<LatencyFigures> {
  const url = new URL(target);
  const payload = body(spansPerRequest);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const perSec = rate / spansPerRequest;
  const total = Math.round(perSec * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const sends: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / perSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    sends.push(
      post(agent, url, payload).then(
        (status) => {
          if (status === 200) latencies.push(performance.now() - start);
          else failed++;
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(sends);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: total,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    failed,
  };
}

/** Forwards each request's bytes to the sink and relays the answer: the least any pass-through can do. */
async function startProxy(sinkUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const sink = new URL(sinkUrl);
  const server = http.createServer((req, res) => {
    const out = http.request(
      { host: sink.hostname, port: sink.port, path: req.url, method: 'POST', agent, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function startPassthroughHub(sinkUrl: string): Promise<{ url: string; shutdown(): Promise<void> }> {
  let endpoint = '';
  const hub = await startHub({
    configText: {
      name: 'bench-latency',
      text: `receivers:\n  otlp:\n    protocols:\n      http: { endpoint: 127.0.0.1:0 }\nprocessors:\n  batch: {}\nexporters:\n  otlphttp:\n    endpoint: ${sinkUrl}\n    compression: none\nservice:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    traces: { receivers: [otlp], processors: [batch], exporters: [otlphttp] }\n`,
    },
    logSink: {
      write: (l: string) => {
        const line = JSON.parse(l) as { msg: string; endpoint?: string };
        if (line.msg.startsWith('OTLP HTTP receiver listening')) endpoint = String(line.endpoint);
        return true;
      },
    },
  });
  return { url: `http://${endpoint}`, shutdown: () => hub.shutdown() };
}

export async function benchPassthroughLatency(
  rate: number,
  spansPerRequest: number,
  seconds: number,
): Promise<LatencyFigures[]> {
  const sink = await startSink();
  const proxy = await startProxy(sink.url);
  const raw = await drive(
    'raw Node proxy (forwards the bytes)',
    `${proxy.url}/v1/traces`,
    rate,
    spansPerRequest,
    seconds,
  );
  await proxy.close();
  const hub = await startPassthroughHub(sink.url);
  const through = await drive('otlp -> batch {} -> otlphttp', `${hub.url}/v1/traces`, rate, spansPerRequest, seconds);
  await hub.shutdown();
  await sink.close();
  return [raw, through];
}
