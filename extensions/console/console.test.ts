import assert from 'node:assert/strict';
import { request } from 'node:https';
import { describe, it } from 'node:test';
import type { Host } from '../../core/component.ts';
import { StatusBoard } from '../../core/status.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { makeTestCerts } from '../../test/helpers/certs.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { BearerTokenAuth } from '../bearertokenauth/bearer-token-auth.ts';
import type { ConsoleConfig } from './config.ts';
import { consoleConfigSchema, historyPoints, validateConsoleConfig } from './config.ts';
import { Console, MAX_STREAMS } from './console.ts';
import { validateConfig } from '../../config/schema.ts';

function config(over: Partial<ConsoleConfig> = {}): ConsoleConfig {
  const v = validateConfig(consoleConfigSchema, { endpoint: 'localhost:0', refresh_interval: '250ms', ...over });
  assert.deepEqual(v.issues, []);
  return v.value as ConsoleConfig;
}

interface Running {
  base: string;
  telemetry: Telemetry;
  status: StatusBoard;
  console: Console;
  settings: ReturnType<typeof testSettings>;
}

async function withConsole(cfg: ConsoleConfig, fn: (r: Running) => Promise<void>): Promise<void> {
  const telemetry = new Telemetry();
  const status = new StatusBoard();
  const auth = new BearerTokenAuth(testSettings('bearertokenauth', 'extension'), {
    token: 'tok-1',
    scheme: 'Bearer',
    header: 'authorization',
  });
  const host: Host = {
    status,
    getExtension: (id) => (id === 'bearertokenauth' ? auth : undefined),
    describe: () => ({
      pipelines: { metrics: { receivers: ['mqtt'], processors: ['schema'], exporters: ['otlp_http'] } },
      extensions: ['bearertokenauth', 'console'],
      startedAt: new Date().toISOString(),
      config: async () => 'receivers: {}\n',
    }),
  };
  const settings = testSettings('console', 'extension', telemetry);
  const c = new Console(settings, cfg);
  await c.start(host);
  try {
    await fn({ base: `http://localhost:${c.port}`, telemetry, status, console: c, settings });
  } finally {
    await c.shutdown();
  }
}

describe('console', () => {
  it('serves the page and every JSON section without auth when none is configured', async () => {
    await withConsole(config(), async ({ base, status, telemetry }) => {
      status.set('exporter:otlp_http', 'recoverable_error', new Error('connection refused'));
      telemetry.inspector.provide('queues', 'otlp_http', () => ({
        queues: [
          { signal: 'metrics', kind: 'memory', size: 3, capacity: 10, sizer: 'requests' },
          { signal: 'traces', kind: 'memory', size: 0, capacity: 10, sizer: 'requests' },
        ],
      }));
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await page.text(), /<script src="\/static\/app.js"/);
      assert.match(await (await fetch(`${base}/static/app.js`)).text(), /EventSource/);
      const snap = (await (await fetch(`${base}/api/v1/snapshot`)).json()) as Record<string, unknown>;
      for (const k of ['build', 'pipelines', 'components', 'queues', 'connections', 'devices', 'drops'])
        assert.ok(k in snap, k);
      const components = (await (await fetch(`${base}/api/v1/components`)).json()) as { key: string; error?: string }[];
      assert.equal(components.find((c) => c.key === 'exporter:otlp_http')?.error, 'connection refused');
      // Only the queue of a signal a pipeline sends to the exporter.
      const queues = (await (await fetch(`${base}/api/v1/queues`)).json()) as Record<string, { queues: unknown[] }>;
      assert.deepEqual(queues.otlp_http?.queues.length, 1);
      assert.equal(await (await fetch(`${base}/api/v1/config`)).text(), 'receivers: {}\n');
      assert.equal((await fetch(`${base}/api/v1/nope`)).status, 404);
      assert.equal((await fetch(`${base}/api/v1/snapshot`, { method: 'DELETE' })).status, 405);
    });
  });

  it('takes the bearer token on the API and signs a person in with an HttpOnly cookie', async () => {
    await withConsole(config({ auth: { authenticator: 'bearertokenauth' } }), async ({ base, settings }) => {
      const api = `${base}/api/v1/snapshot`;
      const none = await fetch(api);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal((await fetch(api, { headers: { authorization: 'Bearer nope' } })).status, 401);
      assert.equal((await fetch(api, { headers: { authorization: 'Bearer tok-1' } })).status, 200);
      const login = await fetch(`${base}/`);
      assert.equal(login.status, 401);
      assert.match(await login.text(), /name="token"/);
      const form = (token: string) =>
        fetch(`${base}/login`, {
          method: 'POST',
          body: new URLSearchParams({ token }),
          redirect: 'manual',
        });
      assert.equal((await form('wrong')).status, 401);
      assert.ok(
        settings.logger.lines.some((l) => l.msg === 'console sign-in refused'),
        'a refused sign-in is logged',
      );
      const ok = await form('tok-1');
      assert.equal(ok.status, 303);
      const setCookie = ok.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Strict/);
      assert.doesNotMatch(setCookie, /tok-1/);
      const cookie = setCookie.split(';')[0] ?? '';
      assert.equal((await fetch(api, { headers: { cookie } })).status, 200);
      assert.equal((await fetch(`${base}/`, { headers: { cookie } })).status, 200);
      const out = await fetch(`${base}/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
      assert.equal(out.status, 303);
      assert.equal((await fetch(api, { headers: { cookie } })).status, 401, 'the session is gone');
    });
  });

  it('streams snapshots as server-sent events, and refuses streams past MAX_STREAMS', async () => {
    await withConsole(config(), async ({ base }) => {
      // Held until the end: fetch closes the connection of a response it finds garbage collected.
      const open: Response[] = [];
      try {
        const r = await fetch(`${base}/api/v1/events`);
        open.push(r);
        assert.equal(r.headers.get('content-type'), 'text/event-stream');
        const reader = r.body!.getReader();
        let text = '';
        // Two snapshots: the first at once, the next on the timer.
        while ((text.match(/event: snapshot/g) ?? []).length < 2)
          text += Buffer.from((await reader.read()).value!).toString();
        reader.releaseLock();
        for (let i = 1; i < MAX_STREAMS; i++) {
          const s = await fetch(`${base}/api/v1/events`);
          open.push(s);
          assert.equal(s.status, 200);
        }
        assert.equal((await fetch(`${base}/api/v1/events`)).status, 503);
      } finally {
        for (const r of open) await r.body?.cancel();
      }
    });
  });

  it('samples drops only as configured: payloads off keeps origin and reason', async () => {
    await withConsole(
      config({ drop_samples: { ...config().drop_samples, payloads: false } }),
      async ({ base, telemetry }) => {
        telemetry.inspector.drops.record('receiver:mqtt', 'expired', 1, {
          origin: { topic: 't/1' },
          payload: 'secret',
        });
        const drops = (await (await fetch(`${base}/api/v1/drops`)).json()) as {
          payloads: boolean;
          groups: { samples: { origin: unknown; payload?: string }[] }[];
        };
        assert.equal(drops.payloads, false);
        assert.deepEqual(drops.groups[0]?.samples[0], { ...drops.groups[0]?.samples[0], origin: { topic: 't/1' } });
        assert.equal(drops.groups[0]?.samples[0]?.payload, undefined);
      },
    );
    await withConsole(
      config({ drop_samples: { ...config().drop_samples, enabled: false } }),
      async ({ base, telemetry }) => {
        telemetry.inspector.drops.record('receiver:mqtt', 'expired', 1, { origin: { topic: 't/1' } });
        const drops = (await (await fetch(`${base}/api/v1/drops`)).json()) as { enabled: boolean; groups: unknown[] };
        assert.deepEqual(drops, { ...drops, enabled: false, groups: [] });
      },
    );
  });

  it('serves over TLS with a Secure cookie', async () => {
    const certs = makeTestCerts();
    try {
      const cfg = config({
        auth: { authenticator: 'bearertokenauth' },
        tls: { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile, min_version: '1.2' },
      });
      await withConsole(cfg, async ({ console: c }) => {
        const res = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
          const req = request(
            { host: 'localhost', port: c.port, path: '/login', method: 'POST', ca: certs.read(certs.caFile) },
            (r) => {
              r.resume();
              resolve({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie'] ?? '') });
            },
          );
          req.on('error', reject);
          req.end('token=tok-1');
        });
        assert.equal(res.status, 303);
        assert.match(res.cookie, /; Secure/);
      });
    } finally {
      certs.cleanup();
    }
  });

  it('refuses an auth extension that is missing, and configs it could not run with', async () => {
    const c = new Console(testSettings('console', 'extension'), config({ auth: { authenticator: 'nope' } }));
    await assert.rejects(
      c.start({ status: new StatusBoard(), getExtension: () => undefined }),
      /authenticator "nope" is not configured/,
    );
    const issues = (over: Partial<ConsoleConfig>) =>
      validateConsoleConfig({ ...config(), ...over }).map((i) => i.path[0]);
    assert.deepEqual(issues({ endpoint: 'nohost' }), ['endpoint']);
    assert.deepEqual(issues({ refresh_interval: 10, history: 1000 }), ['refresh_interval']);
    assert.deepEqual(issues({ history: 100 }), ['history']);
    assert.equal(historyPoints({ history: 3_600_000, refresh_interval: 250 }), 600, 'points are capped');
  });
});
