// The JSON nesting bomb of issue 12 against a hub in its own process (the real command): twenty 20 KiB gzip bodies
// of ten million `[` then `]` at once, twice over. Refused 400 with the process's peak RSS (VmHWM, the kernel's own
// figure) under 250 MB, and the health endpoint answered while the attack is under way: the event loop keeps turning.
// Before the depth check ran on the body as it arrived, the same attack peaked at 760 MB to 1.1 GB.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startCli } from './helpers/process.ts';
import type { Running } from './helpers/process.ts';

const PEAK_RSS_LIMIT = 250 * 1024 * 1024;
const BOMBS = 20;
const ROUNDS = 2;
const MAX_ROUNDS = 10;

const CONFIG = `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
exporters: { debug: }
extensions: { health_check: { endpoint: "127.0.0.1:0" } }
service:
  extensions: [health_check]
  telemetry: { metrics: { level: none } }
  pipelines: { traces: { receivers: [otlp], exporters: [debug] } }
`;

function nestingBomb(): Buffer {
  const text = Buffer.alloc(20_000_000, 0x5d);
  text.fill(0x5b, 0, 10_000_000);
  return gzipSync(text, { level: 9 });
}

function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'VmHWM in /proc/<pid>/status');
  return Number(m[1]) * 1024;
}

function post(endpoint: string, body: Buffer): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `http://${endpoint}/v1/traces`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('e2e: the JSON nesting bomb', () => {
  let dir: string;
  let hub: Running;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelhub-json-bomb-'));
    writeFileSync(join(dir, 'hub.yaml'), CONFIG);
    hub = startCli(['--config', join(dir, 'hub.yaml')]);
  });
  after(async () => {
    hub.child.kill('SIGKILL');
    await hub.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${BOMBS} at once, ${ROUNDS} times: each refused 400, peak RSS under 250 MB, health answered meanwhile`, async () => {
    const http = await hub.waitForLog((l) => String(l.msg).startsWith('OTLP HTTP receiver listening'));
    const health = await hub.waitForLog((l) => l.msg === 'health check listening');
    await hub.waitForLog((l) => String(l.msg).startsWith('everything is ready'));
    const bomb = nestingBomb();
    assert.ok(bomb.length < 25 * 1024, `a 20 KiB body: ${bomb.length}`);
    const pid = hub.child.pid!;

    let attacking = true;
    const healthAnswers: number[] = [];
    let answeredDuringAttack = 0;
    const probe = (async () => {
      while (attacking) {
        const r = await fetch(`http://${String(health.endpoint)}/`);
        await r.body?.cancel();
        healthAnswers.push(r.status);
        if (attacking) answeredDuringAttack++;
      }
    })();
    const results: { status: number }[] = [];
    // At least ROUNDS, and on until a health answer came back while bombs were in flight (a busy machine may be slow
    // to send the first probe), within a bound.
    for (let round = 0; round < ROUNDS || (answeredDuringAttack === 0 && round < MAX_ROUNDS); round++) {
      results.push(...(await Promise.all(Array.from({ length: BOMBS }, () => post(String(http.endpoint), bomb)))));
    }
    attacking = false;
    await probe;

    assert.ok(results.length >= BOMBS * ROUNDS);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([400]));
    const peak = peakRss(pid);
    assert.ok(peak < PEAK_RSS_LIMIT, `peak RSS ${Math.round(peak / 2 ** 20)} MiB`);
    assert.ok(answeredDuringAttack > 0, 'the health endpoint answered while bombs were in flight');
    assert.ok(
      healthAnswers.every((s) => s === 200),
      `health stayed 200: ${healthAnswers.join(',')}`,
    );
    assert.equal(hub.child.exitCode, null, 'the hub is still running');
  });
});
