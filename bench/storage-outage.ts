// A destination outage with the persistent queue: a hub in its own process (otlp receiver -> otlp_http exporter with
// sending_queue.storage: file_storage) takes OTLP/HTTP traces at a steady rate while its destination is down, then
// the destination comes up. Reports the hub's RSS over the outage (sampled from /proc), the queue's disk use, and
// whether every span arrived after recovery. BENCH_OUTAGE_SECONDS (600) and BENCH_OUTAGE_RATE (2000 spans/s).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '../core/net.ts';
import { forEachSpan, span, traces } from '../core/pdata/index.ts';
import { decodeRequest, encodeRequest, encodeResponse } from '../otlp/index.ts';
import { eventually, freePort } from '../test/helpers/hub.ts';
import { startCli } from '../test/helpers/process.ts';

const SPANS_PER_REQUEST = 100;

export interface OutageFigures {
  seconds: number;
  rate: number;
  sent: number;
  delivered: number;
  /** RSS in MiB: after the first tenth of the outage (warmed up), and the lowest and highest after that. */
  rssWarm: number;
  rssMin: number;
  rssMax: number;
  diskMaxMiB: number;
  drainSeconds: number;
}

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function gauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('data_type="traces"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The destination: counts distinct span names (one per span sent). */
async function startDestination(port: number, seen: Set<string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      forEachSpan(decodeRequest('traces', Buffer.concat(chunks)), (s) => seen.add(s.name));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end(encodeResponse('traces'));
    });
  });
  await listen(server, { host: '127.0.0.1', port });
  return server;
}

export async function benchStorageOutage(seconds: number, rate: number): Promise<OutageFigures> {
  const work = mkdtempSync(join(tmpdir(), 'otelhub-bench-outage-'));
  const [destPort, otlpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(work, 'hub.yaml');
  writeFileSync(
    config,
    `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:${otlpPort}" } } }
extensions:
  file_storage: { directory: ${join(work, 'queue')} }
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:${destPort}
    compression: none
    sending_queue: { storage: file_storage, sizer: items, queue_size: ${Math.ceil(seconds * rate * 1.2)} }
service:
  extensions: [file_storage]
  telemetry: { metrics: { level: normal, readers: [{ pull: { exporter: { prometheus: { host: 127.0.0.1, port: ${metricsPort} } } } }] } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`,
  );
  const hub = startCli(['--config', config]);
  const seen = new Set<string>();
  let dest: http.Server | undefined;
  try {
    await hub.waitForLog((l) => String(l.msg).startsWith('OTLP HTTP receiver listening'));
    const pid = hub.child.pid!;
    const url = `http://127.0.0.1:${otlpPort}/v1/traces`;
    const perSecond = Math.max(1, Math.round(rate / SPANS_PER_REQUEST));
    let sent = 0;
    let diskMax = 0;
    const rss: number[] = [];
    const t0 = performance.now();
    for (let s = 0; s < seconds; s++) {
      for (let r = 0; r < perSecond; r++) {
        const spans = Array.from({ length: SPANS_PER_REQUEST }, () => span({ name: `s${sent++}` }));
        const body = new Uint8Array(encodeRequest('traces', traces(spans)));
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`the hub answered ${res.status} during the outage`);
      }
      rss.push(rssMiB(pid));
      diskMax = Math.max(diskMax, await gauge(metricsPort, 'otelcol_exporter_queue_disk_bytes'));
      const wait = t0 + (s + 1) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const warm = rss.slice(Math.floor(rss.length / 10));
    const t1 = performance.now();
    dest = await startDestination(destPort, seen);
    await eventually(() => seen.size >= sent, `all ${sent} spans delivered`, 30 * 60_000);
    return {
      seconds,
      rate,
      sent,
      delivered: seen.size,
      rssWarm: warm[0] ?? 0,
      rssMin: Math.min(...warm),
      rssMax: Math.max(...warm),
      diskMaxMiB: diskMax / 2 ** 20,
      drainSeconds: (performance.now() - t1) / 1000,
    };
  } finally {
    hub.child.kill('SIGTERM');
    await hub.exited;
    await new Promise<void>((resolve) => (dest ? dest.close(() => resolve()) : resolve()));
    rmSync(work, { recursive: true, force: true });
  }
}
