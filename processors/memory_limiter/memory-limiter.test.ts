import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { consumerFn } from '../../core/consumer.ts';
import { ConsumerError } from '../../core/errors.ts';
import { span, traces } from '../../core/pdata/index.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { MemoryLimiterConfig } from './config.ts';
import { MIB, memoryLimiterConfigSchema, resolveLimits, validateMemoryLimiterConfig } from './config.ts';
import type { CheckDeps } from './memory-check.ts';
import { REFUSED_MESSAGE, createMemoryLimiterProcessor } from './memory-limiter.ts';
import { memoryLimit } from './memory-source.ts';

const ID = 'memory_limiter/test';
const INTERVAL = 1000;
const CONFIG: MemoryLimiterConfig = {
  check_interval: INTERVAL,
  limit_mib: 100,
  spike_limit_mib: 20,
  limit_percentage: 0,
  spike_limit_percentage: 0,
  min_gc_interval_when_soft_limited: 10_000,
  min_gc_interval_when_hard_limited: 0,
};

/** A memory_limiter whose memory readings the test sets (in MiB); checks run as the mocked interval ticks. */
async function harness(t: TestContext, opts: { gc?: boolean; config?: Partial<MemoryLimiterConfig> } = {}) {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const telemetry = new Telemetry();
  const settings = testProcessorSettings(ID, 'traces', telemetry);
  const mem = { used: 10, afterGc: undefined as number | undefined, gcs: 0 };
  const deps: CheckDeps = {
    readMemory: () => ({ used: mem.used * MIB, rss: (mem.used + 50) * MIB }),
    cgroup: { root: '/nonexistent', selfCgroup: '/nonexistent', hostBytes: () => 1000 * MIB },
    gc: opts.gc
      ? () => {
          mem.gcs++;
          if (mem.afterGc !== undefined) mem.used = mem.afterGc;
        }
      : undefined,
    now: Date.now,
  };
  const received: SignalData[] = [];
  const next = consumerFn(async (d) => void received.push(d));
  const proc = createMemoryLimiterProcessor(settings, { ...CONFIG, ...opts.config }, next, deps);
  await proc.start?.({ getExtension: () => undefined, status: { ready: () => true, snapshot: () => ({}) } });
  t.after(() => proc.shutdown?.());
  const tick = (): void => t.mock.timers.tick(INTERVAL);
  const logs = (msg: string) => settings.logger.lines.filter((l) => String(l.msg).startsWith(msg));
  const value = (name: string, labels: Record<string, string> = { processor: ID }) => telemetry.value(name, labels);
  return { proc, mem, tick, logs, value, received, settings };
}

const data = () => traces([span({ name: 'a' }), span({ name: 'b' })]);
const refusal = (e: unknown) =>
  e instanceof ConsumerError &&
  e.retryable &&
  !e.throttled &&
  e.retryAfterMs === INTERVAL &&
  e.message === REFUSED_MESSAGE;

describe('memory_limiter', () => {
  it('passes data below the soft limit; refuses it retryably above, logging and counting once per transition', async (t) => {
    const h = await harness(t);
    await h.proc.consume(data());
    assert.equal(h.received.length, 1);
    h.mem.used = 85; // soft limit: 100 - 20 = 80 MiB
    h.tick();
    await assert.rejects(h.proc.consume(data()), refusal);
    h.tick();
    await assert.rejects(h.proc.consume(data()), refusal);
    assert.equal(h.received.length, 1, 'nothing refused went on');
    assert.equal(h.logs('memory usage is above the soft limit; refusing data').length, 1, 'one line per transition');
    assert.equal(await h.value('otelcol_processor_refused_spans_total', { processor: ID, pipeline: 'traces' }), 4);
    assert.equal(await h.value('otelhub_processor_memory_limiter_refusing'), 1);
    assert.equal(await h.value('otelhub_processor_memory_limiter_memory_used_bytes'), 85 * MIB);
    h.mem.used = 70;
    h.tick();
    await h.proc.consume(data());
    assert.equal(h.received.length, 2);
    assert.equal(h.logs('memory usage is back below the soft limit').length, 1);
    assert.equal(await h.value('otelhub_processor_memory_limiter_refusing'), 0);
    const line = h.logs('memory usage is above the soft limit')[0];
    assert.deepEqual(
      { used: line?.used_mib, soft: line?.soft_limit_mib, hard: line?.limit_mib },
      { used: 85, soft: 80, hard: 100 },
    );
  });

  it('above the hard limit forces a collection when node exposes one, and takes data if that freed enough', async (t) => {
    const h = await harness(t, { gc: true });
    h.mem.used = 120;
    h.mem.afterGc = 50;
    h.tick();
    assert.equal(h.mem.gcs, 1);
    assert.equal(h.logs('memory usage is above the hard limit').length, 1);
    assert.equal(h.logs('memory usage is above the soft limit').length, 0, 'the collection brought it back');
    await h.proc.consume(data());
    assert.equal(await h.value('otelhub_processor_memory_limiter_forced_gc_total'), 1);
  });

  it('collects at most every min_gc_interval_when_soft_limited while refusing', async (t) => {
    const h = await harness(t, { gc: true });
    h.mem.used = 85;
    h.tick();
    assert.equal(h.mem.gcs, 1, 'entering the soft limit: one collection first');
    await assert.rejects(h.proc.consume(data()), refusal);
    h.tick();
    assert.equal(h.mem.gcs, 1, 'not again within 10 s');
    h.mem.afterGc = 60;
    for (let i = 0; i < 9; i++) h.tick();
    assert.equal(h.mem.gcs, 2);
    await h.proc.consume(data());
  });

  it('without --expose-gc it says so at start and only refuses', async (t) => {
    const without = await harness(t, { gc: false });
    assert.match(String(without.logs('memory_limiter configured')[0]?.forced_gc), /unavailable.*--expose-gc/);
    without.mem.used = 200;
    without.tick();
    await assert.rejects(without.proc.consume(data()), refusal);
  });

  it('pipelines naming one memory_limiter share one check; it stops with the last of them', async (t) => {
    const h = await harness(t);
    const other = createMemoryLimiterProcessor(
      { ...h.settings, pipelineId: 'traces/2' },
      CONFIG,
      consumerFn(async () => {}),
    );
    await other.start?.({ getExtension: () => undefined, status: { ready: () => true, snapshot: () => ({}) } });
    assert.equal(h.logs('memory_limiter configured').length, 1);
    h.mem.used = 90;
    h.tick();
    await assert.rejects(other.consume(data()), refusal, 'the shared check, fed by the injected reader');
    await other.shutdown?.();
  });
});

describe('memory_limiter config', () => {
  const ajv = new Ajv({
    useDefaults: true,
    allowUnionTypes: true,
    keywords: [{ keyword: 'duration', schemaType: 'boolean' }],
  });
  const check = ajv.compile(memoryLimiterConfigSchema);
  const load = (name: string): unknown =>
    parse(readFileSync(new URL(`testdata/${name}.yaml`, import.meta.url), 'utf8'));

  it('follows the Collector: check_interval required, a limit required, spike below limit, defaults', () => {
    const empty = load('invalid-empty') as MemoryLimiterConfig;
    assert.ok(check(empty));
    assert.deepEqual(
      validateMemoryLimiterConfig(empty).map((i) => i.path[0]),
      ['check_interval', 'limit_mib'],
    );
    assert.ok(!check(load('invalid-percentage-over-100')));
    assert.ok(!check(load('unknown-ballast')));
    const spike = { ...CONFIG, spike_limit_mib: 100 };
    assert.deepEqual(
      validateMemoryLimiterConfig(spike).map((i) => i.path[0]),
      ['spike_limit_mib'],
    );
    const pct = { ...CONFIG, limit_mib: 0, limit_percentage: 50, spike_limit_percentage: 50 };
    assert.deepEqual(
      validateMemoryLimiterConfig(pct).map((i) => i.path[0]),
      ['spike_limit_percentage'],
    );
    const gc = { ...CONFIG, min_gc_interval_when_soft_limited: 1, min_gc_interval_when_hard_limited: 2 };
    assert.deepEqual(
      validateMemoryLimiterConfig(gc).map((i) => i.path[0]),
      ['min_gc_interval_when_soft_limited'],
    );
  });

  it('resolves limits: limit_mib wins, an unset spike is 20%, percentages of the memory the process lives under', () => {
    const total = () => 1000 * MIB;
    assert.deepEqual(resolveLimits({ ...CONFIG, spike_limit_mib: 0 }, total), { hard: 100 * MIB, soft: 80 * MIB });
    assert.deepEqual(
      resolveLimits({ ...CONFIG, limit_percentage: 10 }, () => assert.fail('not asked')),
      {
        hard: 100 * MIB,
        soft: 80 * MIB,
      },
    );
    const pct = { ...CONFIG, limit_mib: 0, spike_limit_mib: 0, limit_percentage: 80, spike_limit_percentage: 25 };
    assert.deepEqual(resolveLimits(pct, total), { hard: 800 * MIB, soft: 550 * MIB });
  });
});

describe('memory limit the process lives under', () => {
  const fs = (t: TestContext, files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'otelhub-cgroup-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const host = 8 * 1024 * MIB;
    return memoryLimit({ root: join(root, 'cg'), selfCgroup: join(root, 'self'), hostBytes: () => host });
  };

  it('cgroup v2: the smallest memory.max of the cgroup and its ancestors', (t) => {
    const l = fs(t, {
      self: '0::/kubepods/pod1/c1\n',
      'cg/kubepods/pod1/c1/memory.max': 'max\n',
      'cg/kubepods/pod1/memory.max': `${512 * MIB}\n`,
      'cg/kubepods/memory.max': `${1024 * MIB}\n`,
    });
    assert.equal(l.bytes, 512 * MIB);
    assert.match(l.source, /^cgroup v2 .*kubepods\/pod1\/memory\.max$/);
  });

  it('cgroup v1: memory.limit_in_bytes; its "no limit" (a huge number) falls back to the host', (t) => {
    const limited = fs(t, {
      self: '4:memory:/docker/abc\n1:cpu:/x\n',
      'cg/memory/docker/abc/memory.limit_in_bytes': `${256 * MIB}`,
    });
    assert.equal(limited.bytes, 256 * MIB);
    assert.match(limited.source, /^cgroup v1 /);
    const unlimited = fs(t, { self: '4:memory:/\n', 'cg/memory/memory.limit_in_bytes': '9223372036854771712' });
    assert.deepEqual(unlimited, { bytes: 8 * 1024 * MIB, source: 'host memory (os.totalmem())' });
  });

  it('no cgroup files (or v2 "max" everywhere): the host memory', (t) => {
    assert.equal(fs(t, { self: '0::/\n', 'cg/memory.max': 'max' }).source, 'host memory (os.totalmem())');
    assert.equal(fs(t, {}).source, 'host memory (os.totalmem())');
  });
});
