// Start: every component is tried and every failure reported under its config key; "ready" is logged when it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testComponents } from '../test/helpers/components.ts';
import type { CreateSettings, ReceiverFactory } from './component.ts';
import { ConfigKeyError } from './errors.ts';
import { memoryLogger } from './logger.ts';
import { Registry } from './registry.ts';
import { Service, StartError } from './service.ts';

function receiverFactory(type: string, start: (s: CreateSettings) => Promise<void>): ReceiverFactory {
  return {
    kind: 'receiver',
    type,
    stability: 'development',
    configSchema: { type: 'object' },
    signals: { metrics: 'metrics' },
    createReceiver: (s) => ({ start: () => start(s) }),
  };
}

function service(receivers: ReceiverFactory[]) {
  const t = testComponents();
  const logger = memoryLogger();
  const svc = new Service({
    config: {
      receivers: Object.fromEntries(receivers.map((r) => [r.type, {}])),
      processors: {},
      exporters: { test_sink: {} },
      extensions: {},
      service: {
        extensions: [],
        pipelines: {
          metrics: { receivers: receivers.map((r) => r.type), processors: [], exporters: ['test_sink'] },
        },
      },
    },
    registry: new Registry([...t.factories, ...receivers]),
    logger,
  });
  return { svc, logger, sink: () => t.sinks.get('test_sink') };
}

describe('service start', () => {
  it('tries every component, reports each failure (under its config key when it names one), stops what started', async () => {
    const taken = new ConfigKeyError(['protocols', 'http', 'endpoint'], 'address 0.0.0.0:4318 is already in use');
    const { svc, sink } = service([
      receiverFactory('taken', () => Promise.reject(taken)),
      receiverFactory('fine', () => Promise.resolve()),
      receiverFactory('broken', () => Promise.reject(new Error('no such file'))),
      receiverFactory('both', () =>
        Promise.reject(new AggregateError([new ConfigKeyError(['a'], 'one'), new ConfigKeyError(['b'], 'two')])),
      ),
    ]);
    await assert.rejects(svc.start(), (err: unknown) => {
      assert.ok(err instanceof StartError);
      assert.deepEqual(err.failures, [
        { path: ['receivers', 'taken', 'protocols', 'http', 'endpoint'], message: taken.message },
        { path: ['receivers', 'broken'], message: 'failed to start: no such file' },
        { path: ['receivers', 'both', 'a'], message: 'one' },
        { path: ['receivers', 'both', 'b'], message: 'two' },
      ]);
      return true;
    });
    assert.equal(sink()?.shutdowns, 1, 'the exporter that started was shut down');
    assert.equal(svc.status.get('receiver:fine')?.status, 'stopped');
  });

  it('logs "everything is ready" only once every component is ok, and what it waits for until then', async () => {
    let report: CreateSettings['reportStatus'] = () => {};
    const { svc, logger } = service([
      receiverFactory('mqtt', (s) => {
        report = (st, err) => s.reportStatus(st, err);
        s.reportStatus('recoverable_error', new Error('connecting to mqtt://broker:1883'));
        return Promise.resolve();
      }),
    ]);
    await svc.start();
    const msgs = () => logger.lines.map((l) => String(l.msg));
    assert.ok(
      msgs().includes('started; waiting for: receivers::mqtt (connecting to mqtt://broker:1883)'),
      msgs().join('\n'),
    );
    assert.ok(!msgs().some((m) => m.startsWith('everything is ready')));
    report('recoverable_error', new Error('connect ECONNREFUSED'));
    assert.ok(!msgs().some((m) => m.startsWith('everything is ready')));
    report('ok');
    report('recoverable_error', new Error('lost'));
    report('ok');
    assert.equal(msgs().filter((m) => m.startsWith('everything is ready')).length, 1, 'said once');
    await svc.shutdown();
  });

  it('logs "everything is ready" at once when every component is ok after start', async () => {
    const { svc, logger } = service([receiverFactory('otlp', () => Promise.resolve())]);
    await svc.start();
    assert.ok(logger.lines.some((l) => String(l.msg).startsWith('everything is ready')));
    assert.ok(!logger.lines.some((l) => String(l.msg).startsWith('started; waiting')));
    await svc.shutdown();
  });
});

describe('former IDs', () => {
  it("gives a component the IDs under its type's deprecated names, except one the config itself has", async () => {
    const seen = new Map<string, readonly string[] | undefined>();
    const f: ReceiverFactory = {
      ...receiverFactory('now_named', (s) => {
        seen.set(s.id, s.formerIds);
        return Promise.resolve();
      }),
      deprecatedTypes: ['oldname'],
    };
    const t = testComponents();
    const ids = ['now_named/a', 'now_named/b', 'oldname/b', 'oldname/c'];
    const svc = new Service({
      config: {
        receivers: Object.fromEntries(ids.map((id) => [id, {}])),
        processors: {},
        exporters: { test_sink: {} },
        extensions: {},
        service: {
          extensions: [],
          pipelines: { metrics: { receivers: ids, processors: [], exporters: ['test_sink'] } },
        },
      },
      registry: new Registry([...t.factories, f]),
      logger: memoryLogger(),
    });
    await svc.start();
    await svc.shutdown();
    assert.deepEqual(Object.fromEntries(seen), {
      'now_named/a': ['oldname/a'],
      // `oldname/b` is configured beside it: its state is its own, not to be taken over.
      'now_named/b': undefined,
      // Written under the deprecated name: that is the name its state is kept under.
      'oldname/b': undefined,
      'oldname/c': undefined,
    });
  });
});
