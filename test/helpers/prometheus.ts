// A real Prometheus server for tests (Debian's `prometheus` package, 2.42, installed by scripts/install-prometheus.sh
// from `npm test`'s pretest): on a free port of 127.0.0.1, its TSDB in a temp dir, nothing scraped, the remote-write
// receiver on (`/api/v1/write`), and the features a test asks for (`exemplar-storage`, `native-histograms`).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './hub.ts';

const INSTALL_HINT =
  'Prometheus is required by the prometheus_remote_write tests: run scripts/install-prometheus.sh (Debian/Ubuntu: apt-get install prometheus)';

export interface Prometheus {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Where remote write goes. */
  writeUrl: string;
  /** An instant query's result vector (`/api/v1/query`). */
  query(promql: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Exemplars of a query over a range (`/api/v1/query_exemplars`). */
  exemplars(promql: string, start: number, end: number): Promise<unknown[]>;
  logs(): string;
  stop(): Promise<void>;
}

function findPrometheus(): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'prometheus'), constants.X_OK);
      return join(dir, 'prometheus');
    } catch {
      // not here
    }
  }
  throw new Error(`prometheus not found. ${INSTALL_HINT}`);
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus API ${url}: ${body.error ?? res.status}`);
  return body.data;
}

export async function startPrometheus(features: string[] = []): Promise<Prometheus> {
  const bin = findPrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      ...(features.length > 0 ? [`--enable-feature=${features.join(',')}`] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const keep = (d: Buffer): void => {
    log = (log + d.toString()).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 300) throw new Error(`Prometheus did not become ready:\n${log}`);
    await sleep(100);
  }
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    query: (promql, time) =>
      api(`${url}/api/v1/query?query=${encodeURIComponent(promql)}${time === undefined ? '' : `&time=${time}`}`).then(
        (d) => (d as { result: { metric: Record<string, string>; value: [number, string] }[] }).result,
      ),
    exemplars: (promql, start, end) =>
      api(`${url}/api/v1/query_exemplars?query=${encodeURIComponent(promql)}&start=${start}&end=${end}`),
    logs: () => log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
