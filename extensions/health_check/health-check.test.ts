import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { StatusBoard } from '../../core/status.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import type { HealthCheckConfig } from './config.ts';
import { validateHealthCheckConfig } from './config.ts';
import { HealthCheck } from './health-check.ts';

async function withHealthCheck(
  config: HealthCheckConfig,
  fn: (base: string, status: StatusBoard) => Promise<void>,
): Promise<void> {
  const status = new StatusBoard();
  const hc = new HealthCheck(testSettings('health_check', 'extension'), config);
  await hc.start({ getExtension: () => undefined, status });
  try {
    await fn(`http://localhost:${hc.port}`, status);
  } finally {
    await hc.shutdown();
  }
}

/** fetch cannot tell an absent HEAD body from an empty one; a raw request can. */
function head(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const probes: HealthCheckConfig = {
  endpoint: 'localhost:0',
  path: '/',
  liveness_path: '/healthz',
  readiness_path: '/readyz',
};

describe('health_check', () => {
  it('answers 200 while every component is ok and 503 otherwise', async () => {
    const status = new StatusBoard();
    status.set('receiver:a', 'ok');
    const hc = new HealthCheck(testSettings('health_check', 'extension'), { endpoint: 'localhost:0', path: '/health' });
    await hc.start({ getExtension: () => undefined, status });
    try {
      const url = `http://localhost:${hc.port}/health`;
      assert.equal((await fetch(url)).status, 200);
      status.set('receiver:a', 'recoverable_error', new Error('broker unreachable'));
      const r = await fetch(`${url}?verbose`);
      assert.equal(r.status, 503);
      const body = (await r.json()) as { status: string; components: Record<string, { error: string }> };
      assert.equal(body.status, 'Server not available');
      assert.equal(body.components['receiver:a']?.error, 'broker unreachable');
      assert.equal((await fetch(`http://localhost:${hc.port}/other`)).status, 404);
    } finally {
      await hc.shutdown();
      await hc.shutdown();
    }
  });

  it('readiness follows every component being ok; liveness fails only on a fatal error', async () => {
    await withHealthCheck(probes, async (base, status) => {
      const get = async (p: string) => {
        const r = await fetch(`${base}${p}`);
        return `${r.status} ${await r.text()}`;
      };
      // Nothing reported yet: the hub is starting.
      assert.equal(await get('/readyz'), '503 not ready');
      assert.equal(await get('/healthz'), '200 ok');
      status.set('receiver:mqtt', 'ok');
      status.set('exporter:otlp', 'ok');
      assert.equal(await get('/readyz'), '200 ready');
      assert.equal(await get('/readyz?x=1'), '200 ready', 'a query string does not change the path');
      // The broker session drops: not ready, but alive (a restart would not bring the broker back).
      status.set('receiver:mqtt', 'recoverable_error', new Error('connection lost'));
      assert.equal(await get('/readyz'), '503 not ready');
      assert.equal(await get('/healthz'), '200 ok');
      assert.equal((await fetch(`${base}/`)).status, 503, 'path keeps its JSON answer');
      status.set('receiver:mqtt', 'ok');
      assert.equal(await get('/readyz'), '200 ready');
      status.set('exporter:otlp', 'fatal_error', new Error('gave up'));
      assert.equal(await get('/healthz'), '503 not ok');
      assert.equal(await get('/readyz'), '503 not ready');
    });
  });

  it('answers HEAD without a body, refuses other methods with 405, and is never cached', async () => {
    await withHealthCheck(probes, async (base, status) => {
      status.set('receiver:a', 'ok');
      const h = await head(`${base}/readyz`);
      assert.equal(h.status, 200);
      assert.equal(h.body, '');
      assert.equal(h.headers['content-length'], '5');
      assert.equal((await head(`${base}/healthz`)).status, 200);
      const g = await fetch(`${base}/healthz`);
      assert.equal(g.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(g.headers.get('cache-control'), 'no-store');
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const r = await fetch(`${base}/readyz`, { method });
        assert.equal(r.status, 405, method);
        assert.equal(r.headers.get('allow'), 'GET, HEAD');
        assert.equal((await fetch(`${base}/healthz`, { method })).status, 405, method);
      }
    });
  });

  it('leaves the probe paths off unless configured', async () => {
    await withHealthCheck({ endpoint: 'localhost:0', path: '/' }, async (base, status) => {
      status.set('receiver:a', 'ok');
      assert.equal((await fetch(`${base}/healthz`)).status, 404);
      assert.equal((await fetch(`${base}/readyz`)).status, 404);
      assert.equal((await fetch(`${base}/`)).status, 200);
    });
  });

  it('refuses paths that would shadow one another', () => {
    assert.deepEqual(validateHealthCheckConfig(probes), []);
    assert.deepEqual(
      validateHealthCheckConfig({ endpoint: 'x:1', path: '/', liveness_path: '/', readiness_path: '/' }).map((i) =>
        i.path.join('.'),
      ),
      ['liveness_path', 'readiness_path', 'readiness_path'],
    );
    assert.match(
      validateHealthCheckConfig({ endpoint: 'x:1', path: '/', liveness_path: '/h', readiness_path: '/h' })[0]
        ?.message ?? '',
      /differ from liveness_path/,
    );
  });

  it('refuses an endpoint start could not listen on, saying what is wrong with it', () => {
    const issue = (endpoint: string) => validateHealthCheckConfig({ endpoint, path: '/' })[0]?.message;
    assert.equal(issue('localhost:13133'), undefined);
    assert.equal(issue(':0'), undefined);
    assert.match(issue('localhost:99999') ?? '', /port 99999 is out of range \(0-65535\)/);
    assert.match(issue('localhost') ?? '', /expected host:port/);
  });
});
