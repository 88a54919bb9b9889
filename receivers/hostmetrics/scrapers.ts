// What each scraper reads and the metrics it makes, named and shaped as the Collector's hostmetrics receiver
// names them (semantic conventions as of its metadata: `cpu` and `state` attributes).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { AttributeInput, Metric, NumberDataPoint } from '../../core/pdata/index.ts';
import { AggregationTemporality, attributes, metric, numberPoint } from '../../core/pdata/index.ts';
import type { ScraperName } from './config.ts';

/** The readings the scrapers use; Node's `os` and `process` unless a test says otherwise. */
export interface HostSource {
  /** Per logical CPU, milliseconds spent in each mode since boot. */
  cpuTimes(): { user: number; nice: number; sys: number; idle: number; irq: number }[];
  totalMemory(): number;
  freeMemory(): number;
  loadAverage(): number[];
  /** This process's CPU time, in microseconds. */
  processCpu(): { user: number; system: number };
  processRss(): number;
  /** Seconds since this process started. */
  processUptime(): number;
}

export const nodeHost: HostSource = {
  cpuTimes: () => cpus().map((c) => c.times),
  totalMemory: totalmem,
  freeMemory: freemem,
  loadAverage: loadavg,
  processCpu: () => process.cpuUsage(),
  processRss: () => process.memoryUsage.rss(),
  processUptime: () => process.uptime(),
};

/** Nanosecond timestamps for one scrape. */
export interface ScrapeTimes {
  now: bigint;
  /** When the receiver started: the start of its cumulative host sums. */
  start: bigint;
  /** When the process started: the start of its cumulative process sums. */
  processStart: bigint;
}

export type Scraper = (host: HostSource, t: ScrapeTimes) => Metric[];

type Attrs = Record<string, AttributeInput>;

function point(value: number | bigint, time: bigint, start: bigint, attrs: Attrs = {}): NumberDataPoint {
  return { ...numberPoint(value, time, attributes(attrs)), startTimeUnixNano: start };
}

function sum(
  name: string,
  description: string,
  unit: string,
  isMonotonic: boolean,
  dataPoints: NumberDataPoint[],
): Metric {
  return metric({
    name,
    description,
    unit,
    sum: { aggregationTemporality: AggregationTemporality.CUMULATIVE, isMonotonic, dataPoints },
  });
}

function gauge(name: string, description: string, unit: string, dataPoints: NumberDataPoint[]): Metric {
  return metric({ name, description, unit, gauge: { dataPoints } });
}

function bytes(n: number): bigint {
  return BigInt(Math.round(n));
}

const CPU_STATES = [
  ['user', 'user'],
  ['system', 'sys'],
  ['idle', 'idle'],
  ['interrupt', 'irq'],
  ['nice', 'nice'],
] as const;

const cpu: Scraper = (h, t) => {
  const points = h
    .cpuTimes()
    .flatMap((times, i) =>
      CPU_STATES.map(([state, key]) => point(times[key] / 1000, t.now, t.start, { cpu: `cpu${i}`, state })),
    );
  return [sum('system.cpu.time', 'Total seconds each logical CPU spent on each mode.', 's', true, points)];
};

const memory: Scraper = (h, t) => {
  const total = h.totalMemory();
  // Free is derived from the same total, so used + free always adds up even if the readings race.
  const free = Math.min(h.freeMemory(), total);
  const used = total - free;
  const share = (n: number): number => (total > 0 ? n / total : 0);
  return [
    sum('system.memory.usage', 'Bytes of memory in use.', 'By', false, [
      point(bytes(used), t.now, t.start, { state: 'used' }),
      point(bytes(free), t.now, t.start, { state: 'free' }),
    ]),
    gauge('system.memory.utilization', 'Percentage of memory bytes in use.', '1', [
      point(share(used), t.now, 0n, { state: 'used' }),
      point(share(free), t.now, 0n, { state: 'free' }),
    ]),
  ];
};

const load: Scraper = (h, t) => {
  const [m1 = 0, m5 = 0, m15 = 0] = h.loadAverage();
  return [
    gauge('system.cpu.load_average.1m', 'Average CPU Load over 1 minute.', '{thread}', [point(m1, t.now, 0n)]),
    gauge('system.cpu.load_average.5m', 'Average CPU Load over 5 minutes.', '{thread}', [point(m5, t.now, 0n)]),
    gauge('system.cpu.load_average.15m', 'Average CPU Load over 15 minutes.', '{thread}', [point(m15, t.now, 0n)]),
  ];
};

const processMetrics: Scraper = (h, t) => {
  const usage = h.processCpu();
  return [
    sum('process.cpu.time', 'Total CPU seconds broken down by different states.', 's', true, [
      point(usage.user / 1e6, t.now, t.processStart, { state: 'user' }),
      point(usage.system / 1e6, t.now, t.processStart, { state: 'system' }),
    ]),
    sum('process.memory.usage', 'The amount of physical memory in use.', 'By', false, [
      point(bytes(h.processRss()), t.now, t.processStart),
    ]),
    gauge('process.uptime', 'The time the process has been running.', 's', [point(h.processUptime(), t.now, 0n)]),
  ];
};

export const SCRAPERS: Readonly<Record<ScraperName, Scraper>> = { cpu, memory, load, process: processMetrics };
