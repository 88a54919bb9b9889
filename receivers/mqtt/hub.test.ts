// The receiver in an in-process hub with a real batch processor and a real Mosquitto: a small window and a large
// batch do not wait on each other (the flush hint), a message is acknowledged only once every pipeline it feeds
// settled it, the hub is ready only while subscribed, and a restarted hub resumes its session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessorFactory } from '../../core/component.ts';
import type { Metrics } from '../../core/pdata/index.ts';
import { eventually, startTestHub } from '../../test/helpers/hub.ts';
import type { TestHub } from '../../test/helpers/hub.ts';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { Mosquitto } from '../../test/helpers/mosquitto.ts';
import { publisher, publishMany, uniqueId } from '../../test/helpers/mqtt-receiver-harness.ts';

let broker: Mosquitto;
before(async () => (broker = await startMosquitto()));
after(() => broker.stop());

const QUIET = '  telemetry:\n    metrics: { level: none }\n    logs: { level: info }\n';

function mqttYaml(opts: { topic: string; clientId: string; receiveMaximum: number; extraPipelines?: string }): string {
  return `
receivers:
  mqtt:
    endpoint: ${broker.url}
    topics: [${opts.topic}]
    client_id: ${opts.clientId}
    receive_maximum: ${opts.receiveMaximum}
    reconnect: { min: 50ms, max: 200ms }
processors:
  test_converter:
  batch:
    send_batch_size: 1000
    timeout: 1h
  test_gate:
exporters:
  test_sink:
service:
${QUIET}  pipelines:
    metrics:
      receivers: [mqtt]
      processors: [test_converter, batch]
      exporters: [test_sink]
${opts.extraPipelines ?? ''}`;
}

/** Metric names that reached the sink (the test converter names each metric after its message's payload). */
function delivered(h: TestHub): string[] {
  const sink = h.t.sinks.get('test_sink');
  return (sink?.received ?? []).flatMap((r) =>
    (r.data as Metrics).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name))),
  );
}

/** A logs pipeline's converter stand-in that settles each message only when the test opens the gate. */
function gate(): { factory: ProcessorFactory; open(): void; calls(): number } {
  let opened = false;
  let waiting: (() => void)[] = [];
  let calls = 0;
  const factory: ProcessorFactory = {
    kind: 'processor',
    type: 'test_gate',
    stability: 'development',
    configSchema: { type: 'object', additionalProperties: false, properties: {} },
    signals: { logs: { accepts: 'messages', emits: 'logs' } },
    createProcessor: () => ({
      async consume() {
        calls++;
        if (!opened) await new Promise<void>((r) => waiting.push(r));
      },
    }),
  };
  return {
    factory,
    open() {
      opened = true;
      for (const w of waiting) w();
      waiting = [];
    },
    calls: () => calls,
  };
}

describe('mqtt receiver in a hub', () => {
  it('keeps messages flowing with receive_maximum 5 into a batch of 1000 with a 1h timeout (flush hint)', async () => {
    const topic = uniqueId('t');
    const g = gate();
    const h = await startTestHub(mqttYaml({ topic, clientId: uniqueId('hub'), receiveMaximum: 5 }), {
      factories: [g.factory],
    });
    const pub = await publisher(broker.url);
    try {
      await eventually(() => h.hub.service.status.ready(), 'hub ready once subscribed');
      const sent = await publishMany(pub, topic, 30);
      await eventually(() => delivered(h).length === 30, 'all thirty through the batch');
      assert.deepEqual(delivered(h).sort(), sent.sort());
    } finally {
      await h.shutdown();
      await pub.endAsync();
    }
  });

  it('acknowledges a message only once every pipeline it feeds settled it', async () => {
    const topic = uniqueId('t');
    const g = gate();
    const logs = '    logs:\n      receivers: [mqtt]\n      processors: [test_gate]\n      exporters: [test_sink]\n';
    // A window of one: the broker sends the second message only after the first is acknowledged.
    const h = await startTestHub(
      mqttYaml({ topic, clientId: uniqueId('hub'), receiveMaximum: 1, extraPipelines: logs }),
      { factories: [g.factory] },
    );
    const pub = await publisher(broker.url);
    try {
      await eventually(() => h.hub.service.status.ready(), 'hub ready');
      await publishMany(pub, topic, 2);
      await eventually(() => delivered(h).length === 1 && g.calls() === 1, 'the first message in both pipelines');
      await sleep(200);
      assert.equal(
        delivered(h).length,
        1,
        'the metrics pipeline settled, but the logs pipeline has not: no PUBACK yet',
      );
      g.open();
      await eventually(
        () => delivered(h).length === 2 && g.calls() === 2,
        'the second message once both settled the first',
      );
    } finally {
      await h.shutdown();
      await pub.endAsync();
    }
  });

  it('is not ready while the broker is gone, and a restarted hub resumes its session', async () => {
    const b = await startMosquitto();
    const topic = uniqueId('t');
    const yaml = mqttYaml({ topic, clientId: uniqueId('hub'), receiveMaximum: 10 }).replace(broker.url, b.url);
    const g = gate();
    const first = await startTestHub(yaml, { factories: [g.factory] });
    try {
      await eventually(() => first.hub.service.status.ready(), 'ready');
      await b.restart();
      await eventually(() => !first.hub.service.status.ready(), 'not ready while the broker restarts');
      await eventually(() => first.hub.service.status.ready(), 'ready again');
    } finally {
      await first.shutdown();
    }
    const pub = await publisher(b.url);
    const sent = await publishMany(pub, topic, 10);
    await pub.endAsync();
    const second = await startTestHub(yaml, { factories: [g.factory] });
    try {
      await eventually(() => delivered(second).length === 10, 'what was published while the hub was down');
      assert.deepEqual(delivered(second).sort(), sent.sort());
    } finally {
      await second.shutdown();
      await b.stop();
    }
  });
});
