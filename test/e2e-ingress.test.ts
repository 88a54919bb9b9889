// The embedded broker keeps its promise across a hub crash: devices publish QoS 1 messages straight to the hub
// (`otelhub` as a child process) while the destination refuses, so none is acknowledged; the hub is killed with
// SIGKILL; started again with the destination up, it tells each reconnecting device Session Present 1 (from its
// session file), the device resends what it had no PUBACK for, and every message arrives. mqtt.js is the device.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { IClientOptions } from 'mqtt';
import type { IConnackPacket } from 'mqtt-packet';
import type { Metrics } from '../core/pdata/index.ts';
import { forEachMetric, getAttribute } from '../core/pdata/index.ts';
import { eventually, freePort } from './helpers/hub.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startCli } from './helpers/process.ts';

function config(port: number, destination: string, sessionFile: string): string {
  return `
receivers:
  mqtt:
    embedded_broker:
      endpoint: 127.0.0.1:${port}
      session_file: ${sessionFile}
    topics: [factory/#]
    retry: { initial_interval: 20ms, max_interval: 200ms }
processors:
  schema:
exporters:
  otlp_http:
    endpoint: ${destination}
    retry_on_failure: { enabled: false }
    sending_queue: { enabled: false }
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    metrics: { receivers: [mqtt], processors: [schema], exporters: [otlp_http] }
`;
}

/** The distinct `i` attributes of the metrics the destination accepted. */
function arrived(dest: TestHttpServer, accepted: Set<number>): Set<string> {
  const out = new Set<string>();
  dest.calls.forEach((c, n) => {
    if (!accepted.has(n)) return;
    forEachMetric(c.data as Metrics, (m) => {
      for (const p of m.gauge?.dataPoints ?? []) {
        const i = getAttribute(p.attributes, 'i');
        if (typeof i === 'string') out.add(i);
      }
    });
  });
  return out;
}

describe('embedded broker across a hub crash', () => {
  for (const protocolVersion of [5, 4] as const) {
    it(`loses nothing a device was not told is safe: SIGKILL, restart, Session Present 1, resent (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'otelhub-ingress-crash-'));
      const dest = await startHttpServer();
      let down = true;
      const accepted = new Set<number>();
      dest.reply = (_call, n) => {
        if (down) return { status: 503 };
        accepted.add(n);
        return undefined;
      };
      const port = await freePort();
      const file = join(dir, 'hub.yaml');
      writeFileSync(file, config(port, dest.url, join(dir, 'sessions.json')));
      const N = 40;
      let hub = startCli(['--config', file]);
      let device: mqtt.MqttClient | undefined;
      try {
        await hub.waitForLog((l) => l.msg === 'embedded MQTT broker listening');
        const opts: IClientOptions = {
          protocolVersion,
          clientId: `crash-device-${protocolVersion}`,
          clean: false,
          reconnectPeriod: 100,
          ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
        };
        device = mqtt.connect(`mqtt://127.0.0.1:${port}`, opts);
        const connacks: IConnackPacket[] = [];
        device.on('connect', (p) => connacks.push(p));
        await eventually(() => connacks.length === 1, 'the device connected');
        assert.equal(connacks[0]?.sessionPresent, false, 'a new session the first time');
        let acked = 0;
        for (let i = 0; i < N; i++) {
          const payload = JSON.stringify({
            metrics: [{ name: 'seq', type: 'f64_gauge', value: i, attributes: [{ key: 'i', value: String(i) }] }],
          });
          device.publish('factory/crash', payload, { qos: 1 }, (err) => void (err || acked++));
        }
        await eventually(() => dest.calls.length >= N, 'the destination refused at least N exports');
        assert.equal(acked, 0, 'no PUBACK while the destination refuses');
        hub.child.kill('SIGKILL');
        await hub.exited;
        down = false;
        hub = startCli(['--config', file]);
        await eventually(() => connacks.length >= 2, 'the device reconnected to the new hub');
        assert.equal(connacks[1]?.sessionPresent, true, 'Session Present 1 after the crash');
        await eventually(() => acked === N, `all ${N} acknowledged; got ${acked}`);
        const got = arrived(dest, accepted);
        assert.equal(got.size, N, `all ${N} values arrived`);
      } finally {
        await device?.endAsync(true);
        hub.child.kill('SIGTERM');
        await hub.exited;
        await dest.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
