// memory_limiter under a real memory push: the hub (the real command, in its own process) takes OTLP requests
// whose destination does not answer yet, so what it holds is real data (every request's bytes, waiting in the
// exporter's queue). Past the soft limit it answers 503 / UNAVAILABLE with Retry-After, says so in the log and in
// its metrics; once the destination answers, the memory falls and the hub takes data again. Every request the hub
// answered 200 reaches the destination.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { Traces } from '../core/pdata/index.ts';
import { forEachSpan, span, traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { eventually } from './helpers/hub.ts';
import { decodeStatus, PROTO, send } from './helpers/otlp-receiver-http-client.ts';
import type { Reply } from './helpers/otlp-receiver-http-client.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { Running } from './helpers/process.ts';
import { startCli } from './helpers/process.ts';

const MIB = 1024 * 1024;
/** The soft limit above what the idle hub measures: room for about 30 of the requests below. */
const HEADROOM_MIB = 64;
const SPANS_PER_REQUEST = 64;
/** About 2 MiB per request: 64 spans with a 32 KiB attribute each. */
const FILLER = 'x'.repeat(32 * 1024);
/** Stops a broken limiter from pushing the machine: far more than the headroom needs. */
const MAX_HELD_REQUESTS = 400;

const work = mkdtempSync(join(tmpdir(), 'otelhub-memlim-'));
after(() => rmSync(work, { recursive: true, force: true }));

const config = (destination: string, limitMib: number): string => `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0", response_timeout: 25s }
processors:
  memory_limiter:
    check_interval: 100ms
    limit_mib: ${limitMib}
    spike_limit_mib: ${Math.max(1, Math.round(limitMib / 5))}
    min_gc_interval_when_soft_limited: 200ms
exporters:
  otlp_http:
    endpoint: ${destination}
    timeout: 60s
    sending_queue: { num_consumers: 1000, queue_size: 1000 }
service:
  telemetry:
    metrics:
      readers:
        - pull: { exporter: { prometheus: { host: 127.0.0.1, port: 0 } } }
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter], exporters: [otlp_http] }
`;

/** Starts the hub; resolves with its OTLP/HTTP URL and metrics URL once it is ready. */
async function startHub(
  destination: string,
  limitMib: number,
): Promise<{ hub: Running; otlp: string; metrics: string }> {
  const file = join(work, `hub-${limitMib}.yaml`);
  writeFileSync(file, config(destination, limitMib));
  const hub = startCli(['--config', file]);
  const http = await hub.waitForLog((l) => l.msg === 'OTLP HTTP receiver listening');
  const metrics = await hub.waitForLog((l) => l.msg === 'serving internal metrics');
  await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
  return { hub, otlp: `http://${String(http.endpoint)}/v1/traces`, metrics: String(metrics.endpoint) };
}

async function stop(hub: Running): Promise<void> {
  hub.child.kill('SIGTERM');
  await hub.exited;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const request = (n: number): Uint8Array =>
  encodeRequest(
    'traces',
    traces(
      Array.from({ length: SPANS_PER_REQUEST }, (_, i) =>
        span({ name: `r${n}-s${i}`, attributes: [{ key: 'filler', value: { stringValue: FILLER } }] }),
      ),
    ),
  );

describe('memory_limiter under a real memory push', () => {
  it('refuses with 503 and Retry-After above the soft limit, logs and counts it, and recovers; nothing acknowledged is lost', async (t) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const dest = await startHttpServer();
    // The destination holds every export until released: the hub keeps their data meanwhile.
    dest.reply = async () => {
      await released;
      return undefined;
    };
    try {
      // The idle hub's own measure, so the limit sits a known distance above it wherever the test runs.
      const probe = await startHub(dest.url, 4096);
      const idle = await metric(probe.metrics, 'otelhub_processor_memory_limiter_memory_used_bytes');
      await stop(probe.hub);
      assert.ok(idle > 0, 'the gauge reports the memory in use');
      const soft = Math.ceil(idle / MIB) + HEADROOM_MIB;
      const limit = Math.ceil(soft * 1.25); // spike 20%: soft = limit - limit / 5
      const { hub, otlp, metrics } = await startHub(dest.url, limit);
      try {
        const outcomes = new Map<number, Promise<Reply>>();
        const answered = new Map<number, Reply>();
        const fire = (n: number): void => {
          const p = send(otlp, { headers: PROTO, body: request(n) });
          outcomes.set(n, p);
          void p.then((r) => answered.set(n, r));
        };
        // Push: requests the hub holds (the destination does not answer) until it refuses them and says so in its
        // state gauge (a forced collection may briefly bring it back under the limit at first: pushing goes on).
        let n = 0;
        const refusedOne = (): boolean => [...answered.values()].some((r) => r.status === 503);
        const refusing = async (): Promise<boolean> =>
          refusedOne() && (await metric(metrics, 'otelhub_processor_memory_limiter_refusing')) === 1;
        while (!(await refusing())) {
          assert.ok(n < MAX_HELD_REQUESTS, `no refusal after ${n} requests held`);
          fire(n++);
          await sleep(5);
        }
        const refusal = [...answered.values()].find((r) => r.status === 503);
        assert.equal(decodeStatus(refusal?.body ?? new Uint8Array()).code, 14, 'UNAVAILABLE');
        assert.equal(refusal?.headers['retry-after'], '1', 'check_interval 100ms, in whole seconds rounded up');
        t.diagnostic(`idle ${(idle / MIB).toFixed(1)} MiB, soft limit ${soft} MiB: refused after ${n} requests`);
        const line = await hub.waitForLog((l) => l.msg === 'memory usage is above the soft limit; refusing data');
        assert.ok(Number(line.used_mib) >= Number(line.soft_limit_mib));
        assert.ok((await metric(metrics, 'otelcol_processor_refused_spans_total')) >= SPANS_PER_REQUEST);
        // Not answered yet: held by the hub for the destination (or still on their way to the limiter).
        const held = [...outcomes.keys()].filter((k) => !answered.has(k));
        assert.ok(![...answered.values()].some((r) => r.status === 200), 'nothing acknowledged before delivery');

        // Recovery: the destination answers, what the hub held is freed, and new data is taken again.
        release();
        let recovered: Reply | undefined;
        while (recovered?.status !== 200) {
          const k = n++;
          fire(k);
          recovered = await outcomes.get(k);
          if (recovered?.status !== 200) await sleep(50);
        }
        await hub.waitForLog((l) => l.msg === 'memory usage is back below the soft limit; taking data again');
        await eventually(
          async () => (await metric(metrics, 'otelhub_processor_memory_limiter_refusing')) === 0,
          'the refusing gauge back to 0',
        );
        const replies = await Promise.all(outcomes.values());
        assert.ok(
          replies.every((r) => r.status === 200 || r.status === 503),
          'answered 200 or 503, nothing else',
        );
        assert.ok(
          held.filter((k) => answered.get(k)?.status === 200).length >= HEADROOM_MIB / 4,
          'what the hub held while refusing was delivered and acknowledged',
        );

        // Nothing the hub acknowledged is missing at the destination.
        const arrived = new Set<string>();
        for (const c of dest.calls) forEachSpan(c.data as Traces, (s) => arrived.add(s.name));
        const acknowledged = [...answered].filter(([, r]) => r.status === 200).map(([k]) => k);
        for (const k of acknowledged)
          for (let i = 0; i < SPANS_PER_REQUEST; i++) assert.ok(arrived.has(`r${k}-s${i}`), `r${k}-s${i} arrived`);
      } finally {
        release();
        await stop(hub);
      }
    } finally {
      release();
      await dest.close();
    }
  });
});
