import assert from 'node:assert/strict';
import { cpus, totalmem } from 'node:os';
import { describe, it } from 'node:test';
import type { Metric, NumberDataPoint } from '../../core/pdata/index.ts';
import { AggregationTemporality, getAttribute } from '../../core/pdata/index.ts';
import type { HostSource, ScrapeTimes } from './scrapers.ts';
import { SCRAPERS, nodeHost } from './scrapers.ts';

const T: ScrapeTimes = { now: 3_000n, start: 2_000n, processStart: 1_000n };

const fake: HostSource = {
  cpuTimes: () => [
    { user: 1500, nice: 10, sys: 700, idle: 9000, irq: 5 },
    { user: 2500, nice: 20, sys: 800, idle: 8000, irq: 6 },
  ],
  totalMemory: () => 8000,
  freeMemory: () => 2000,
  loadAverage: () => [0.5, 0.25, 0.125],
  processCpu: () => ({ user: 1_500_000, system: 250_000 }),
  processRss: () => 4096,
  processUptime: () => 12.5,
};

function byName(list: Metric[], name: string): Metric {
  const m = list.find((x) => x.name === name);
  assert.ok(m, `${name} missing from ${list.map((x) => x.name).join(', ')}`);
  return m;
}

function points(m: Metric): NumberDataPoint[] {
  return (m.sum ?? m.gauge)?.dataPoints ?? [];
}

function valueBy(m: Metric, attrs: Record<string, string>): number | bigint | undefined {
  const p = points(m).find((x) => Object.entries(attrs).every(([k, v]) => getAttribute(x.attributes, k) === v));
  return p?.asInt ?? p?.asDouble;
}

function assertSum(m: Metric, unit: string, monotonic: boolean): void {
  assert.equal(m.unit, unit, `${m.name} unit`);
  assert.ok(m.sum, `${m.name} is a Sum`);
  assert.equal(m.sum.isMonotonic, monotonic, `${m.name} monotonic`);
  assert.equal(m.sum.aggregationTemporality, AggregationTemporality.CUMULATIVE);
  assert.ok(m.description.length > 0);
}

function assertGauge(m: Metric, unit: string): void {
  assert.equal(m.unit, unit, `${m.name} unit`);
  assert.ok(m.gauge, `${m.name} is a Gauge`);
  for (const p of m.gauge.dataPoints) assert.equal(p.startTimeUnixNano, 0n);
}

describe('cpu scraper', () => {
  it('makes system.cpu.time in seconds per cpu and state', () => {
    const m = byName(SCRAPERS.cpu(fake, T), 'system.cpu.time');
    assertSum(m, 's', true);
    assert.equal(points(m).length, 10);
    assert.equal(valueBy(m, { cpu: 'cpu0', state: 'user' }), 1.5);
    assert.equal(valueBy(m, { cpu: 'cpu1', state: 'system' }), 0.8);
    assert.equal(valueBy(m, { cpu: 'cpu1', state: 'idle' }), 8);
    assert.equal(valueBy(m, { cpu: 'cpu0', state: 'interrupt' }), 0.005);
    assert.equal(valueBy(m, { cpu: 'cpu1', state: 'nice' }), 0.02);
    for (const p of points(m)) {
      assert.equal(p.startTimeUnixNano, T.start);
      assert.equal(p.timeUnixNano, T.now);
      assert.equal(p.asInt, undefined, 'doubles only');
    }
  });

  it('reads this host', () => {
    const m = byName(SCRAPERS.cpu(nodeHost, T), 'system.cpu.time');
    assert.equal(points(m).length, cpus().length * 5);
    if (cpus().length > 0) {
      const total = points(m).reduce((s, p) => s + (p.asDouble ?? 0), 0);
      assert.ok(total > 0);
    }
    for (const p of points(m)) assert.ok((p.asDouble ?? -1) >= 0);
  });
});

describe('memory scraper', () => {
  it('makes usage in bytes and utilization as a ratio', () => {
    const list = SCRAPERS.memory(fake, T);
    const usage = byName(list, 'system.memory.usage');
    assertSum(usage, 'By', false);
    assert.equal(valueBy(usage, { state: 'used' }), 6000n);
    assert.equal(valueBy(usage, { state: 'free' }), 2000n);
    for (const p of points(usage)) assert.equal(p.startTimeUnixNano, T.start);
    const util = byName(list, 'system.memory.utilization');
    assertGauge(util, '1');
    assert.equal(valueBy(util, { state: 'used' }), 0.75);
    assert.equal(valueBy(util, { state: 'free' }), 0.25);
  });

  it('reads this host: used + free is the total', () => {
    const list = SCRAPERS.memory(nodeHost, T);
    const usage = byName(list, 'system.memory.usage');
    const used = valueBy(usage, { state: 'used' });
    const free = valueBy(usage, { state: 'free' });
    assert.equal(typeof used, 'bigint');
    assert.equal(typeof free, 'bigint');
    assert.equal((used as bigint) + (free as bigint), BigInt(totalmem()));
    const util = byName(list, 'system.memory.utilization');
    const share = (valueBy(util, { state: 'used' }) as number) + (valueBy(util, { state: 'free' }) as number);
    assert.ok(Math.abs(share - 1) < 1e-9);
  });
});

describe('load scraper', () => {
  it('makes the three load averages as gauges of threads', () => {
    const list = SCRAPERS.load(fake, T);
    assert.deepEqual(
      list.map((m) => [m.name, points(m)[0]?.asDouble]),
      [
        ['system.cpu.load_average.1m', 0.5],
        ['system.cpu.load_average.5m', 0.25],
        ['system.cpu.load_average.15m', 0.125],
      ],
    );
    for (const m of list) assertGauge(m, '{thread}');
  });

  it('reads this host', () => {
    for (const m of SCRAPERS.load(nodeHost, T)) {
      const v = points(m)[0]?.asDouble;
      assert.ok(v !== undefined && v >= 0, `${m.name} = ${v}`);
    }
  });
});

describe('process scraper', () => {
  it('makes cpu time, memory and uptime of the process', () => {
    const list = SCRAPERS.process(fake, T);
    const cpu = byName(list, 'process.cpu.time');
    assertSum(cpu, 's', true);
    assert.equal(valueBy(cpu, { state: 'user' }), 1.5);
    assert.equal(valueBy(cpu, { state: 'system' }), 0.25);
    const mem = byName(list, 'process.memory.usage');
    assertSum(mem, 'By', false);
    assert.equal(points(mem)[0]?.asInt, 4096n);
    for (const p of [...points(cpu), ...points(mem)]) assert.equal(p.startTimeUnixNano, T.processStart);
    const up = byName(list, 'process.uptime');
    assertGauge(up, 's');
    assert.equal(points(up)[0]?.asDouble, 12.5);
  });

  it('reads this process', () => {
    const list = SCRAPERS.process(nodeHost, T);
    const cpu = byName(list, 'process.cpu.time');
    assert.ok((valueBy(cpu, { state: 'user' }) as number) > 0);
    assert.ok((points(byName(list, 'process.memory.usage'))[0]?.asInt ?? 0n) > 0n);
    assert.ok((points(byName(list, 'process.uptime'))[0]?.asDouble ?? 0) > 0);
  });
});
