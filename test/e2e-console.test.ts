// The console in a real browser (Debian's Chromium through playwright-core): a hub with an MQTT pipeline against a
// real Mosquitto and a real OTLP/HTTP destination; a person signs in with the bearer token, valid and invalid
// messages are published, the destination is stopped, and the rendered page must show the rates moving, the
// exporter's error and queue, and the invalid message under its reason with its topic (its secret redacted). A
// screenshot of the page is written to test-artifacts/console.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';

const TOKEN = 'console-e2e-token';
export const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);

const metric = (value: number): string =>
  JSON.stringify({
    metrics: [{ name: 'temperature', type: 'f64_gauge', value, timestamp: Date.now() * 1e6, attributes: [] }],
  });

function config(broker: string, destination: string): string {
  return `
extensions:
  bearertokenauth:
    token: ${TOKEN}
  console:
    endpoint: localhost:0
    auth: { authenticator: bearertokenauth }
    refresh_interval: 250ms
    history: 1m
receivers:
  mqtt:
    endpoint: ${broker}
    topics: [factory/#]
    client_id: console-e2e
    reconnect: { min: 50ms, max: 500ms }
    retry: { initial_interval: 50ms, max_interval: 200ms }
processors:
  schema:
exporters:
  otlp_http:
    endpoint: ${destination}
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 0s }
    sending_queue: { num_consumers: 1, queue_size: 100 }
service:
  extensions: [bearertokenauth, console]
  pipelines:
    metrics: { receivers: [mqtt], processors: [schema], exporters: [otlp_http] }
`;
}

/** Publishes QoS 1 without waiting for PUBACKs (they wait for delivery, which a stopped destination holds back). */
async function publish(url: string, messages: { topic: string; payload: string }[]): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: `pub-${Math.random().toString(16).slice(2)}`,
  });
  for (const m of messages) c.publish(m.topic, m.payload, { qos: 1 });
  return c;
}

describe('console in a real browser', () => {
  let broker: Mosquitto;
  let destination: TestHttpServer;
  let hub: TestHub;
  let browser: Browser;
  const clients: mqtt.MqttClient[] = [];

  before(async () => {
    browser = await launchChromium();
    broker = await startMosquitto();
    destination = await startHttpServer();
    hub = await startTestHub(config(broker.url, destination.url));
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await hub?.shutdown();
    await destination?.close();
    await broker?.stop();
    await browser?.close();
  });

  it('shows rates, the failing exporter with its queue, and the invalid message under its reason', async () => {
    const url = hub.endpoint('console listening');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    // Signing in: the page asks for the token and keeps an HttpOnly cookie, never the token.
    await page.goto(url);
    await page.fill('#token', 'wrong');
    await page.click('button[type=submit]');
    assert.match((await page.textContent('.notice')) ?? '', /not accepted/);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#live[data-state="live"]');
    const cookies = await page.context().cookies();
    assert.equal(cookies.find((c) => c.name === 'otelhub_console')?.httpOnly, true);
    assert.ok(!cookies.some((c) => c.value.includes(TOKEN)));

    // The configured graph: receiver -> schema -> exporter, each once.
    await page.waitForSelector('#graph [data-key="receiver:mqtt"]');
    await page.waitForSelector('#graph [data-key="processor:schema@metrics"]');
    await page.waitForSelector('#graph [data-key="exporter:otlp_http"]');
    await page.waitForSelector('#connections tr[data-receiver="mqtt"][data-connected="true"]');

    clients.push(
      await publish(broker.url, [
        ...[1, 2, 3, 4, 5].map((v) => ({ topic: 'factory/line1/temp', payload: metric(v) })),
        { topic: 'factory/line1/bad', payload: '{"serial": 7, "password": "hunter2", "temp": ' },
      ]),
    );
    await eventually(() => destination.calls.length >= 1, 'the destination got the valid messages');

    // Rates move: the receiver's accepted total and the exporter's sent total, as the page shows them.
    const total = (key: string, series: string) =>
      page.getAttribute(`#components tr[data-component="${key}"] .spark[data-series="${series}"]`, 'data-total');
    await eventually(async () => Number(await total('receiver:mqtt', 'accepted')) >= 6, 'accepted shown', 20_000);
    await eventually(async () => Number(await total('exporter:otlp_http', 'sent')) >= 1, 'sent shown', 20_000);
    // ... and the sparklines: a point above zero in the receiver's accepted series.
    const peak = () =>
      page.getAttribute('#components tr[data-component="receiver:mqtt"] .spark[data-series="accepted"]', 'data-peak');
    await eventually(async () => Number(await peak()) > 0, 'an accepted rate above zero', 20_000);
    const rate = await page.textContent(
      '#components tr[data-component="receiver:mqtt"] .spark[data-series="accepted"] .rate',
    );
    assert.match(rate ?? '', /^[\d.k]+$/);

    // The invalid message under its reason, with its topic, its secret redacted.
    const group = '#drops .drop-group[data-reason="invalid_json"]';
    await page.waitForSelector(`${group} .sample[data-topic="factory/line1/bad"]`);
    const sample = (await page.textContent(`${group} .sample`)) ?? '';
    assert.match(sample, /topic factory\/line1\/bad/);
    assert.match(sample, /"password": "\[REDACTED\]"/);
    assert.doesNotMatch(sample, /hunter2/);
    assert.match(sample, /"serial": 7/);

    // The destination goes away: the exporter reports its error, the queue fills behind the request being retried.
    await destination.close();
    clients.push(await publish(broker.url, [{ topic: 'factory/line1/temp', payload: metric(6) }]));
    const exporterRow = '#components tr[data-component="exporter:otlp_http"]';
    await page.waitForSelector(`${exporterRow}[data-status="recoverable_error"]`, { timeout: 20_000 });
    assert.match((await page.textContent(`${exporterRow} td.error`)) ?? '', /\S/);
    clients.push(
      await publish(
        broker.url,
        [7, 8, 9].map((v) => ({ topic: 'factory/line2/temp', payload: metric(v) })),
      ),
    );
    const queueRow = '#queues tr[data-exporter="otlp_http"][data-signal="metrics"]';
    await eventually(
      async () => /^[1-9]\d* \/ 100 requests/.test(((await page.textContent(`${queueRow} .queue-depth`)) ?? '').trim()),
      'a queue depth above zero shown',
      20_000,
    );
    assert.match((await page.textContent(queueRow)) ?? '', /failing since/);

    // A screenshot with a few seconds of history in the sparklines (for the eye; nothing is checked from it).
    await eventually(
      async () => Number(/\((\d+) points\)/.exec((await page.textContent('#rate-window')) ?? '')?.[1]) >= 16,
      'sparklines with some history',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('console.png', ARTIFACTS).pathname, fullPage: true });
    // The config as print-config shows it: the token redacted.
    await page.click('#config-details summary');
    await eventually(async () => /REDACTED/.test((await page.textContent('#config')) ?? ''), 'config shown');
    assert.doesNotMatch((await page.textContent('#config')) ?? '', new RegExp(TOKEN));

    // Signing out forgets the session: the page asks for the token again.
    await page.click('#logout button');
    await page.waitForSelector('#token');
    await page.close();
  });
});
