// The console's JSON API on a whole hub (no browser; the page is e2e-console.test.ts): what the OTLP receiver
// drops for good is sampled with its transport and client address, devices on the embedded broker are listed, and
// a persistent queue shows its depth, disk use and the age of what waits while its destination is down.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { eventually, freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';

const LOG = JSON.stringify({ logs: [{ value: 'door opened', level: 'info', timestamp: Date.now() * 1e6 }] });
const SPANS = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: '0102030405060708090a0b0c0d0e0f10',
              spanId: '0102030405060708',
              name: 'refused',
              kind: 1,
              startTimeUnixNano: '1',
              endTimeUnixNano: '2',
            },
          ],
        },
      ],
    },
  ],
});

describe('console JSON API on a hub', () => {
  const work = mkdtempSync(join(tmpdir(), 'console-api-'));
  let refusing: TestHttpServer;
  let hub: TestHub;
  let api: string;
  let mqttPort: number;

  before(async () => {
    refusing = await startHttpServer();
    refusing.reply = () => ({ status: 400, body: 'no thanks' });
    mqttPort = await freePort();
    const down = await freePort();
    hub = await startTestHub(`
extensions:
  file_storage: { directory: ${join(work, 'queue')} }
  console: { endpoint: localhost:0, refresh_interval: 250ms }
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
  mqtt:
    embedded_broker: { endpoint: "127.0.0.1:${mqttPort}", session_file: ${join(work, 'sessions.json')} }
    topics: [factory/#]
processors:
  schema:
exporters:
  otlp_http/refusing:
    endpoint: ${refusing.url}
    sending_queue: { enabled: false }
  otlp_http/queued:
    endpoint: http://127.0.0.1:${down}
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms }
    sending_queue: { storage: file_storage }
service:
  extensions: [file_storage, console]
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http/refusing] }
    logs: { receivers: [mqtt], processors: [schema], exporters: [otlp_http/queued] }
`);
    api = `${hub.endpoint('console listening')}api/v1`;
  });
  after(async () => {
    await hub?.shutdown();
    await refusing?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${api}/${path}`)).json()) as T;

  it('samples an OTLP request refused for good with its transport and client address', async () => {
    const otlp = hub.endpoint('OTLP HTTP receiver listening');
    const r = await fetch(`http://${otlp.replace(/^https?:\/\//, '')}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: SPANS,
    });
    assert.equal(r.status, 400);
    const drops = await get<{ groups: { component: string; reason: string; samples: { origin: unknown }[] }[] }>(
      'drops',
    );
    const g = drops.groups.find((x) => x.component === 'receiver:otlp' && x.reason === 'permanent');
    assert.deepEqual(g?.samples[0]?.origin, { transport: 'http', client: '127.0.0.1' });
  });

  it('lists the devices on the embedded broker and shows the persistent queue holding what waits', async () => {
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: 'device-7',
      protocolVersion: 5,
    });
    try {
      type Devices = Record<string, { count: number; devices: { client_id?: string; address: string }[] }>;
      await eventually(
        async () => (await get<Devices>('devices')).mqtt?.devices.some((d) => d.client_id === 'device-7') ?? false,
        'device-7 listed',
      );
      const d = (await get<Devices>('devices')).mqtt?.devices.find((x) => x.client_id === 'device-7');
      assert.match(d?.address ?? '', /^127\.0\.0\.1:\d+$/);
      // Acknowledged once on disk, though the destination is down.
      await device.publishAsync('factory/door', LOG, { qos: 1 });
      type Queues = Record<
        string,
        {
          queues: { signal: string; kind: string; size: number; disk_bytes?: number; oldest_age_s?: number }[];
          delivery: { state: string; last_error?: string };
        }
      >;
      await eventually(
        async () => (await get<Queues>('queues'))['otlp_http/queued']?.delivery.state === 'failing',
        'delivery failing',
      );
      const q = (await get<Queues>('queues'))['otlp_http/queued'];
      assert.deepEqual(
        q?.queues.map((x) => [x.signal, x.kind]),
        [['logs', 'persistent']],
      );
      assert.equal(q?.queues[0]?.size, 1);
      assert.ok((q?.queues[0]?.disk_bytes ?? 0) > 0);
      assert.ok((q?.queues[0]?.oldest_age_s ?? -1) >= 0);
      assert.match(q?.delivery.last_error ?? '', /ECONNREFUSED|connect/);
    } finally {
      await device.endAsync();
    }
  });
});
