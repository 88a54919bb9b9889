// Scale-out without stranded data, against the real Mosquitto: replicas (hubs in their own processes, as a
// StatefulSet runs them: stable client IDs, persistent sessions) share one subscription, and one goes away for good
// mid-stream. Mosquitto keeps queueing a departed member's share into its session and delivers it only to that
// client ID, so without membership those messages would stay there. A SIGTERM'd member leaves (unsubscribe, drain,
// end its session); a SIGKILL'd one is adopted by a remaining member after `adopt_after`. Also: a rolling restart
// of every replica and the last member restarting lose nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { Metrics } from '../core/pdata/index.ts';
import { forEachMetric, getAttribute } from '../core/pdata/index.ts';
import { DEFAULT_MEMBERSHIP_TOPIC } from '../receivers/mqtt/membership-config.ts';
import { eventually } from './helpers/hub.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import type { Mosquitto } from './helpers/mosquitto.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startCli } from './helpers/process.ts';
import type { Running } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'otelhub-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function replicaConfig(broker: string, sink: string, group: string, clientId: string, adoptAfter: string): string {
  return `
receivers:
  mqtt:
    endpoint: ${broker}
    topics: [scale/${group}/#]
    shared_group: ${group}
    client_id: ${clientId}
    receive_maximum: 50
    reconnect: { min: 50ms, max: 500ms }
    retry: { initial_interval: 20ms, max_interval: 200ms }
    membership: { adopt_after: ${adoptAfter}, drain_idle: 500ms }
processors:
  schema:
  batch: { timeout: 20ms }
exporters:
  otlp_http:
    endpoint: ${sink}
    retry_on_failure: { initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 0s }
service:
  shutdown_timeout: 20s
  telemetry: { metrics: { level: none } }
  pipelines:
    metrics: { receivers: [mqtt], processors: [schema, batch], exporters: [otlp_http] }
`;
}

/** How often each value reached the sink. */
function arrivals(sink: TestHttpServer): Map<number, number> {
  const seen = new Map<number, number>();
  for (const c of sink.calls) {
    forEachMetric(c.data as Metrics, (m) => {
      for (const p of m.gauge?.dataPoints ?? []) {
        const i = Number(getAttribute(p.attributes, 'i'));
        seen.set(i, (seen.get(i) ?? 0) + 1);
      }
    });
  }
  return seen;
}

/** Publishes `count` messages from `from` at about `perSecond`, QoS 1, each acknowledged by the broker. */
async function publish(url: string, group: string, from: number, count: number, perSecond: number): Promise<void> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `pub-${group}-${from}` });
  const t0 = performance.now();
  for (let i = from; i < from + count; i++) {
    const payload = JSON.stringify({
      metrics: [{ name: 'seq', type: 'f64_gauge', value: i, attributes: [{ key: 'i', value: String(i) }] }],
    });
    await c.publishAsync(`scale/${group}/d${i % 7}`, payload, { qos: 1 });
    const due = t0 + ((i - from + 1) * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await c.endAsync();
}

/**
 * Resolves once the broker holds an `up` presence record for each of `ids` (retained, as the members see them): a
 * member deciding at shutdown whether another is up must have been told of it first.
 */
async function membersUp(url: string, group: string, ids: string[]): Promise<void> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `watch-${group}` });
  const states = new Map<string, string>();
  c.on('message', (topic, payload) => {
    try {
      states.set(
        topic.slice(topic.lastIndexOf('/') + 1),
        String((JSON.parse(payload.toString()) as { state?: unknown }).state),
      );
    } catch {
      states.delete(topic.slice(topic.lastIndexOf('/') + 1));
    }
  });
  await c.subscribeAsync(`${DEFAULT_MEMBERSHIP_TOPIC}/${group}/+`, { qos: 1 });
  await eventually(() => ids.every((id) => states.get(id) === 'up'), `${ids.join(', ')} up on the broker`);
  await c.endAsync();
}

describe('scale-out on a shared subscription (Mosquitto)', () => {
  let broker: Mosquitto;
  let sink: TestHttpServer;
  const running: Running[] = [];
  before(async () => {
    broker = await startMosquitto();
    sink = await startHttpServer();
  });
  after(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    await sink.close();
    await broker.stop();
  });

  const start = async (group: string, clientId: string, adoptAfter = '1s'): Promise<Running> => {
    const file = join(dir, `${group}-${clientId}.yaml`);
    writeFileSync(file, replicaConfig(broker.url, sink.url, group, clientId, adoptAfter));
    const r = startCli(['--config', file]);
    running.push(r);
    await r.waitForLog((l) => l.msg === 'subscribed');
    return r;
  };

  /**
   * Every value from 0 to n-1 at the sink, and how many arrived more than once. Prints the time from `since` (the
   * event) to full delivery: the figure docs/kubernetes.md quotes (never asserted: tests check behaviour).
   */
  const allDelivered = async (
    t: TestContext,
    n: number,
    what: string,
    since: number,
  ): Promise<{ duplicates: number }> => {
    await eventually(() => arrivals(sink).size === n, `${what}: all ${n} values at the sink`, 60_000);
    const seconds = (performance.now() - since) / 1000;
    const duplicates = [...arrivals(sink).values()].filter((k) => k > 1).length;
    for (const k of arrivals(sink).keys()) assert.ok(k >= 0 && k < n, `unexpected value ${k}`);
    t.diagnostic(`${what}: all ${n} delivered ${seconds.toFixed(1)} s after the event, ${duplicates} twice`);
    return { duplicates };
  };

  it('a member stopped with SIGTERM (scale-down) leaves: its share is drained and its session ended', async (t) => {
    sink.calls.length = 0;
    const a = await start('term', 'term-a');
    const b = await start('term', 'term-b');
    const N = 1500;
    const publishing = publish(broker.url, 'term', 0, N, 500);
    await eventually(() => arrivals(sink).size > 200, 'both members busy');
    const event = performance.now();
    b.child.kill('SIGTERM');
    const stopped = await b.exited;
    assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));
    assert.match(stopped.stderr, /leaving the shared group: other members remain/);
    assert.match(stopped.stderr, /session drained; ending it/);
    await publishing;
    const { duplicates } = await allDelivered(t, N, 'scale-down (SIGTERM) of 1 of 2', event);
    assert.equal(duplicates, 0);
    a.child.kill('SIGTERM');
    const last = await a.exited;
    // The last member keeps its session: nobody else would take the share meanwhile.
    assert.match(last.stderr, /keeping the session: no other member of the shared group is up/);
  });

  it('a member killed with SIGKILL (node loss) is adopted by the remaining one, which drains its session', async (t) => {
    sink.calls.length = 0;
    const a = await start('kill', 'kill-a');
    const b = await start('kill', 'kill-b');
    const N = 1500;
    const publishing = publish(broker.url, 'kill', 0, N, 500);
    await eventually(() => arrivals(sink).size > 200, 'both members busy');
    const event = performance.now();
    b.child.kill('SIGKILL');
    await b.exited;
    await publishing;
    await a.waitForLog((l) => l.msg === 'adopting the session of a member that is gone' && l.member === 'kill-b');
    const { duplicates } = await allDelivered(t, N, 'node loss (SIGKILL) of 1 of 2, adopt_after 1s', event);
    // At least once: what b had read and not acknowledged may arrive twice, never more than its window.
    assert.ok(duplicates <= 50, `${duplicates} duplicates`);
    await a.waitForLog((l) => l.msg === 'adoption ended' && l.outcome === 'drained');
    a.child.kill('SIGTERM');
    await a.exited;
  });

  it('three members: one killed and one stopped, the third delivers everything', async (t) => {
    sink.calls.length = 0;
    const a = await start('three', 'three-a');
    const b = await start('three', 'three-b');
    const c = await start('three', 'three-c');
    const N = 1500;
    const publishing = publish(broker.url, 'three', 0, N, 500);
    await eventually(() => arrivals(sink).size > 200, 'members busy');
    const event = performance.now();
    c.child.kill('SIGKILL');
    b.child.kill('SIGTERM');
    assert.equal((await b.exited).code, 0);
    await publishing;
    await allDelivered(t, N, 'SIGKILL of 1 and SIGTERM of 1 of 3', event);
    a.child.kill('SIGTERM');
    await a.exited;
  });

  it('a rolling restart of every member, and the last member restarting, lose nothing', async (t) => {
    sink.calls.length = 0;
    let a = await start('roll', 'roll-a');
    let b = await start('roll', 'roll-b');
    const N = 2000;
    const publishing = publish(broker.url, 'roll', 0, N, 400);
    await eventually(() => arrivals(sink).size > 100, 'members busy');
    const event = performance.now();
    for (const id of ['roll-a', 'roll-b']) {
      const old = id === 'roll-a' ? a : b;
      old.child.kill('SIGTERM');
      assert.equal((await old.exited).code, 0);
      const fresh = await start('roll', id);
      if (id === 'roll-a') a = fresh;
      else b = fresh;
    }
    await publishing;
    await allDelivered(t, N, 'rolling restart of 2 (from the first SIGTERM)', event);
    // Now the last member: b stops, then a (which keeps its session), messages arrive while nobody runs.
    b.child.kill('SIGTERM');
    await b.exited;
    a.child.kill('SIGTERM');
    assert.match((await a.exited).stderr, /keeping the session/);
    await publish(broker.url, 'roll', N, 300, 1000);
    const back = performance.now();
    await start('roll', 'roll-a');
    await allDelivered(t, N + 300, 'last member restarted (from its start)', back);
  });

  it('two members stopped at once: exactly one leaves, the other keeps its session, and nothing is lost', async (t) => {
    sink.calls.length = 0;
    const a = await start('both', 'both-a');
    const b = await start('both', 'both-b');
    await publish(broker.url, 'both', 0, 200, 1000);
    await allDelivered(t, 200, 'before stopping both', performance.now());
    await membersUp(broker.url, 'both', ['both-a', 'both-b']);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    const left = [ea, eb].filter((e) => /session drained; ending it/.test(e.stderr));
    const kept = [ea, eb].filter((e) => /keeping the session/.test(e.stderr));
    assert.equal(left.length, 1, `${left.length} left`);
    assert.equal(kept.length, 1, `${kept.length} kept`);
    const keeper = kept[0] === ea ? 'both-a' : 'both-b';
    // Published while no member runs: the kept session holds it for its member.
    await publish(broker.url, 'both', 200, 300, 1000);
    const back = performance.now();
    await start('both', keeper);
    await allDelivered(t, 500, 'both stopped, the keeper restarted (from its start)', back);
  });

  it('a member killed and back within adopt_after resumes its own session; nobody adopts it', async (t) => {
    sink.calls.length = 0;
    // Longer than a restart takes here, as the default 60s is in production.
    const a = await start('back', 'back-a', '10s');
    const b = await start('back', 'back-b', '10s');
    const publishing = publish(broker.url, 'back', 0, 1000, 500);
    await eventually(() => arrivals(sink).size > 100, 'both members busy');
    const event = performance.now();
    b.child.kill('SIGKILL');
    await b.exited;
    const again = await start('back', 'back-b', '10s');
    await publishing;
    const { duplicates } = await allDelivered(t, 1000, 'SIGKILL and back within adopt_after', event);
    assert.ok(duplicates <= 50, `${duplicates} twice: at most b's window`);
    await sleep(Math.max(0, event + 10_500 - performance.now())); // past adopt_after: b is up, nothing is adopted
    assert.match(a.output(), /a member of the shared group is gone/);
    assert.doesNotMatch(a.output(), /adopting the session/);
    assert.match(again.output(), /"session_present":true/);
  });
});
