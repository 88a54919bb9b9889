import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { Consumer } from '../../core/consumer.ts';
import type { Metrics } from '../../core/pdata/index.ts';
import { nowUnixNano } from '../../core/pdata/index.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import type { HostmetricsConfig } from './config.ts';
import { DEFAULT_SCRAPERS } from './config.ts';
import { HostmetricsReceiver, SCOPE_NAME } from './hostmetrics.ts';
import { hostmetricsFactory } from './factory.ts';

function config(over: Partial<HostmetricsConfig> = {}): HostmetricsConfig {
  return { collection_interval: 20, initial_delay: 0, scrapers: { memory: {}, load: null }, ...over };
}

function recorder(): Consumer<Metrics> & { got: Metrics[] } {
  const got: Metrics[] = [];
  return { got, consume: (md) => (got.push(md), Promise.resolve()) };
}

async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('hostmetrics receiver', () => {
  it('scrapes the configured scrapers into one batch with an empty resource', () => {
    const settings = testSettings('hostmetrics', 'receiver');
    const r = new HostmetricsReceiver(settings, config({ scrapers: DEFAULT_SCRAPERS }), recorder());
    const md = r.scrape();
    assert.equal(md.resourceMetrics.length, 1);
    const rm = md.resourceMetrics[0];
    assert.deepEqual(rm?.resource.attributes, []);
    assert.equal(rm?.scopeMetrics.length, 1);
    assert.equal(rm?.scopeMetrics[0]?.scope.name, SCOPE_NAME);
    assert.deepEqual(
      rm?.scopeMetrics[0]?.metrics.map((m) => m.name),
      [
        'system.cpu.time',
        'system.memory.usage',
        'system.memory.utilization',
        'system.cpu.load_average.1m',
        'system.cpu.load_average.5m',
        'system.cpu.load_average.15m',
        'process.cpu.time',
        'process.memory.usage',
        'process.uptime',
      ],
    );
  });

  it('starts cumulative host sums at start() and process sums at the process start', async () => {
    const before = nowUnixNano();
    const cfg = config({ initial_delay: 60_000, scrapers: { memory: {}, process: {} } });
    const r = new HostmetricsReceiver(testSettings('hostmetrics', 'receiver'), cfg, recorder());
    await r.start();
    const metrics = r.scrape().resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
    await r.shutdown();
    const startOf = (name: string): bigint =>
      metrics.find((m) => m.name === name)?.sum?.dataPoints[0]?.startTimeUnixNano ?? -1n;
    assert.ok(startOf('system.memory.usage') >= before);
    const processStart = before - BigInt(Math.round(process.uptime() * 1e9));
    assert.ok(Math.abs(Number(startOf('process.cpu.time') - processStart)) < 1e9, 'process start within a second');
  });

  it('sends after the initial delay, then every interval, until shut down', async () => {
    const next = recorder();
    const r = new HostmetricsReceiver(testSettings('hostmetrics', 'receiver'), config(), next);
    await r.start();
    await until(() => next.got.length >= 3, 'three scrapes');
    await r.shutdown();
    const sent = next.got.length;
    await sleep(80);
    assert.equal(next.got.length, sent, 'no sends after shutdown');
    const times = next.got.map(
      (md) => md.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0]?.timeUnixNano ?? 0n,
    );
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0n) > (times[i - 1] ?? 0n), 'each scrape is fresh');
  });

  it('waits for the initial delay', async () => {
    const next = recorder();
    const r = new HostmetricsReceiver(testSettings('hostmetrics', 'receiver'), config({ initial_delay: 60_000 }), next);
    await r.start();
    await sleep(60);
    await r.shutdown();
    assert.equal(next.got.length, 0);
  });

  it('logs a refused scrape at warn, drops it and keeps going', async () => {
    const settings = testSettings('hostmetrics', 'receiver');
    let calls = 0;
    const refusing: Consumer = {
      consume: () => {
        calls++;
        return Promise.reject(new Error('queue full'));
      },
    };
    const r = new HostmetricsReceiver(settings, config(), refusing);
    await r.start();
    await until(() => calls >= 2, 'two refused scrapes');
    await r.shutdown();
    const warns = settings.logger.lines.filter((l) => l.level === 'warn');
    assert.ok(warns.length >= 2);
    assert.equal(warns[0]?.error, 'queue full');
  });

  it('survives a consumer that throws synchronously', async () => {
    const settings = testSettings('hostmetrics', 'receiver');
    let calls = 0;
    const throwing = {
      consume: (): Promise<void> => {
        calls++;
        throw new Error('boom');
      },
    };
    const r = new HostmetricsReceiver(settings, config(), throwing);
    await r.start();
    await until(() => calls >= 2, 'a second scrape after a synchronous throw');
    await r.shutdown();
  });

  it('never overlaps scrapes, and shutdown waits for the one in flight', async () => {
    const settings = testSettings('hostmetrics', 'receiver');
    let calls = 0;
    let release = (): void => {};
    const slow: Consumer = {
      consume: () => {
        calls++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const r = new HostmetricsReceiver(settings, config(), slow);
    await r.start();
    await until(() => settings.logger.lines.filter((l) => l.level === 'debug').length >= 2, 'two skipped scrapes');
    assert.equal(calls, 1);
    let done = false;
    const stopping = r.shutdown().then(() => void (done = true));
    await sleep(30);
    assert.equal(done, false, 'shutdown waits for the send');
    release();
    await stopping;
    assert.equal(calls, 1);
  });

  it('shuts down without start, right after start, and twice', async () => {
    const next = recorder();
    await new HostmetricsReceiver(testSettings('hostmetrics', 'receiver'), config(), next).shutdown();
    const r = new HostmetricsReceiver(testSettings('hostmetrics', 'receiver'), config(), next);
    await r.start();
    await r.shutdown();
    await r.shutdown();
    await r.start();
    await sleep(50);
    assert.equal(next.got.length, 0);
  });
});

describe('hostmetrics factory', () => {
  it('declares a metrics receiver and sends to the metrics pipelines', async () => {
    assert.equal(hostmetricsFactory.type, 'hostmetrics');
    assert.equal(hostmetricsFactory.stability, 'alpha');
    assert.deepEqual(hostmetricsFactory.signals, { metrics: 'metrics' });
    const next = recorder();
    const r = await hostmetricsFactory.createReceiver(testSettings('hostmetrics', 'receiver'), config(), {
      byType: { metrics: next },
      all: next,
    });
    await r.start?.({ getExtension: () => undefined, status: { ready: () => true, snapshot: () => ({}) } });
    await until(() => next.got.length >= 1, 'a scrape');
    await r.shutdown?.();
  });

  it('refuses to be created without a metrics consumer', () => {
    const next = recorder();
    assert.throws(
      () =>
        hostmetricsFactory.createReceiver(testSettings('hostmetrics', 'receiver'), config(), { byType: {}, all: next }),
      /metrics pipelines/,
    );
  });
});
