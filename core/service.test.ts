import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testComponents } from '../test/helpers/components.ts';
import { sampleMessages, sampleMetrics, sampleTraces } from '../test/helpers/sample-data.ts';
import type { ReceiverFactory } from './component.ts';
import { ConsumerError, isPermanent } from './errors.ts';
import { memoryLogger } from './logger.ts';
import { getAttribute, message } from './pdata/index.ts';
import type { Metrics, Traces } from './pdata/index.ts';
import type { GraphConfig, PipelineConfig } from './pipelines.ts';
import { Registry } from './registry.ts';
import { Service } from './service.ts';

function setup(pipelines: Record<string, Partial<PipelineConfig>>, extra: Partial<GraphConfig> = {}) {
  const t = testComponents();
  const ids = (k: keyof PipelineConfig) =>
    Object.fromEntries(
      Object.values(pipelines)
        .flatMap((p) => p[k] ?? [])
        .map((id) => [id, {}]),
    );
  const config: GraphConfig = {
    receivers: ids('receivers'),
    processors: ids('processors'),
    exporters: ids('exporters'),
    extensions: {},
    service: {
      extensions: [],
      pipelines: Object.fromEntries(
        Object.entries(pipelines).map(([k, p]) => [k, { receivers: [], processors: [], exporters: [], ...p }]),
      ),
    },
    ...extra,
  };
  const logger = memoryLogger();
  const service = new Service({ config, registry: new Registry(t.factories), logger, shutdownTimeoutMs: 2000 });
  return { t, service, logger };
}

describe('service lifecycle', () => {
  it('starts exporters, then processors from the end of each pipeline, then receivers; stops in the reverse sense', async () => {
    const { t, service } = setup({
      traces: {
        receivers: ['test_source'],
        processors: ['test_mutator/a', 'test_mutator/b'],
        exporters: ['test_sink'],
      },
    });
    await service.start();
    assert.deepEqual(t.lifecycle, [
      'start exporter test_sink',
      'start processor test_mutator/b@traces',
      'start processor test_mutator/a@traces',
      'start receiver test_source',
    ]);
    assert.equal(service.status.ready(), true);
    t.lifecycle.length = 0;
    await service.shutdown();
    assert.deepEqual(t.lifecycle, [
      'stop receiver test_source',
      'stop processor test_mutator/a@traces',
      'stop processor test_mutator/b@traces',
      'stop exporter test_sink',
    ]);
    assert.equal(service.status.ready(), false);
  });

  it('shuts down once however often it is asked', async () => {
    const { t, service } = setup({ traces: { receivers: ['test_source'], exporters: ['test_sink'] } });
    await service.start();
    await Promise.all([service.shutdown(), service.shutdown()]);
    await service.shutdown();
    assert.equal(t.sinks.get('test_sink')?.shutdowns, 1);
  });

  it('shares one exporter between pipelines and creates processors per pipeline', async () => {
    const { t, service } = setup({
      traces: { receivers: ['test_source'], processors: ['test_mutator'], exporters: ['test_sink'] },
      metrics: { receivers: ['test_source'], processors: ['test_mutator'], exporters: ['test_sink'] },
    });
    await service.start();
    assert.equal(t.sinks.size, 1);
    assert.equal(t.lifecycle.filter((l) => l.startsWith('start processor')).length, 2);
    await t.sources.get('test_source')?.byType.metrics?.consume(sampleMetrics());
    await t.sources.get('test_source')?.byType.traces?.consume(sampleTraces());
    assert.deepEqual(
      t.sinks.get('test_sink')?.received.map((r) => r.signal),
      ['metrics', 'traces'],
    );
    await service.shutdown();
  });

  it('fans a receiver out to every pipeline, copying data only for the pipeline that mutates it', async () => {
    const { t, service } = setup({
      traces: { receivers: ['test_source'], processors: ['test_mutator'], exporters: ['test_sink/a'] },
      'traces/plain': { receivers: ['test_source'], exporters: ['test_sink/b'] },
    });
    await service.start();
    const original = sampleTraces();
    await t.sources.get('test_source')?.byType.traces?.consume(original);
    const a = t.sinks.get('test_sink/a')?.received[0]?.data as Traces;
    const b = t.sinks.get('test_sink/b')?.received[0]?.data as Traces;
    const attrsOf = (d: Traces) => d.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes ?? [];
    assert.equal(getAttribute(attrsOf(a), 'mutated'), 'test_mutator');
    assert.equal(getAttribute(attrsOf(b), 'mutated'), undefined);
    assert.equal(b, original, 'the read-only pipeline gets the original, not a copy');
    assert.notEqual(a, original);
    await service.shutdown();
  });

  it('passes retryable and permanent errors back to the receiver and counts them', async () => {
    const { t, service } = setup({ metrics: { receivers: ['test_source'], exporters: ['test_sink'] } });
    await service.start();
    const next = t.sources.get('test_source')?.byType.metrics;
    const sink = t.sinks.get('test_sink')!;
    sink.fail = 'retryable';
    await assert.rejects(next!.consume(sampleMetrics()), (e: unknown) => e instanceof ConsumerError && e.retryable);
    sink.fail = 'permanent';
    await assert.rejects(next!.consume(sampleMetrics()), (e: unknown) => isPermanent(e));
    sink.fail = undefined;
    await next!.consume(sampleMetrics());
    const points = 5;
    assert.equal(
      await service.telemetry.value('otelcol_receiver_refused_metric_points_total', { receiver: 'test_source' }),
      2 * points,
    );
    assert.equal(
      await service.telemetry.value('otelcol_receiver_accepted_metric_points_total', { receiver: 'test_source' }),
      points,
    );
    assert.equal(
      await service.telemetry.value('otelcol_exporter_send_failed_metric_points_total', { exporter: 'test_sink' }),
      2 * points,
    );
    assert.equal(
      await service.telemetry.value('otelcol_exporter_sent_metric_points_total', { exporter: 'test_sink' }),
      points,
    );
    await service.shutdown();
  });

  it('settles a message only when every pipeline it fed has settled it', async () => {
    const { t, service } = setup({
      metrics: { receivers: ['test_message_source'], processors: ['test_converter'], exporters: ['test_sink/a'] },
      'metrics/2': { receivers: ['test_message_source'], processors: ['test_converter'], exporters: ['test_sink/b'] },
    });
    await service.start();
    let open!: () => void;
    t.sinks.get('test_sink/b')!.gate = new Promise<void>((r) => (open = r));
    let settled = false;
    const p = t.sources
      .get('test_message_source')!
      .all.consume(sampleMessages())
      .then(() => (settled = true));
    await sleep(20);
    assert.equal(t.sinks.get('test_sink/a')?.received.length, 1, 'the first pipeline delivered');
    assert.equal(settled, false, 'but the second has not, so the message is not settled');
    open();
    await p;
    assert.equal(settled, true);
    // An invalid message is dropped by the converter: settled, and nothing reaches the sinks.
    await t.sources.get('test_message_source')!.all.consume({ messages: [message({ topic: 't', payload: 'bad' })] });
    assert.equal(t.sinks.get('test_sink/a')?.received.length, 1);
    assert.equal(
      await service.telemetry.value('otelcol_receiver_accepted_messages_total'),
      2,
      'counted once per message, not per pipeline',
    );
    await service.shutdown();
  });

  it('refuses data retryably once a processor has shut down', async () => {
    const { t, service } = setup({
      metrics: { receivers: ['test_source'], processors: ['test_mutator'], exporters: ['test_sink'] },
    });
    await service.start();
    const next = t.sources.get('test_source')!.byType.metrics!;
    await service.shutdown();
    await assert.rejects(next.consume(sampleMetrics()), (e: unknown) => e instanceof ConsumerError && e.retryable);
  });

  it('stops what started when a component fails to start, and reports why', async () => {
    const t = testComponents();
    const failing: ReceiverFactory = {
      kind: 'receiver',
      type: 'failing',
      stability: 'development',
      configSchema: { type: 'object' },
      signals: { metrics: 'metrics' },
      createReceiver: () => ({ start: () => Promise.reject(new Error('port in use')) }),
    };
    const service = new Service({
      config: {
        receivers: { failing: {} },
        processors: {},
        exporters: { test_sink: {} },
        extensions: {},
        service: {
          extensions: [],
          pipelines: { metrics: { receivers: ['failing'], processors: [], exporters: ['test_sink'] } },
        },
      },
      registry: new Registry([...t.factories, failing]),
      logger: memoryLogger(),
    });
    await assert.rejects(service.start(), /receivers::failing: failed to start: port in use/);
    assert.equal(t.sinks.get('test_sink')?.shutdowns, 1);
  });

  it('gives up on a component that does not stop within the shutdown deadline', async () => {
    const t = testComponents();
    const stuck: ReceiverFactory = {
      kind: 'receiver',
      type: 'stuck',
      stability: 'development',
      configSchema: { type: 'object' },
      signals: { metrics: 'metrics' },
      createReceiver: () => ({ shutdown: () => new Promise<void>(() => {}) }),
    };
    const logger = memoryLogger();
    const service = new Service({
      config: {
        receivers: { stuck: {} },
        processors: {},
        exporters: { test_sink: {} },
        extensions: {},
        service: {
          extensions: [],
          pipelines: { metrics: { receivers: ['stuck'], processors: [], exporters: ['test_sink'] } },
        },
      },
      registry: new Registry([...t.factories, stuck]),
      logger,
      shutdownTimeoutMs: 50,
    });
    await service.start();
    await service.shutdown();
    assert.ok(
      logger.lines.some(
        (l) =>
          String(l.msg).includes('shutdown deadline passed') && JSON.stringify(l.pending).includes('receiver:stuck'),
      ),
    );
    assert.equal(t.sinks.get('test_sink')?.shutdowns, 1, 'later stages still get their shutdown');
  });

  it('does not copy data for a single mutating pipeline', async () => {
    const { t, service } = setup({
      metrics: { receivers: ['test_source'], processors: ['test_mutator'], exporters: ['test_sink'] },
    });
    await service.start();
    const md: Metrics = sampleMetrics();
    await t.sources.get('test_source')!.byType.metrics!.consume(md);
    assert.equal(t.sinks.get('test_sink')?.received[0]?.data, md);
    await service.shutdown();
  });
});
