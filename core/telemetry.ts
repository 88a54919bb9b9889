// The hub's own metrics, in a prom-client registry of its own (never the global one, so two hubs in one process
// stay apart). Names follow the Collector's where one exists.
//
// On the hot path (per consume, per message) components count through handles bound once per label set
// (bindCounter, bindGauge): an increment adds to a plain number, handed to prom-client when the metric is read (a
// scrape, value()), because prom-client hashes and validates the labels on every inc, even through `.labels()`.
// With level `none` nothing is recorded: metrics and handles do nothing. A metric may name the lowest level that
// records it (`level`, as the Collector's metadata does): below it, it does nothing either.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';
import { Inspector } from './inspect.ts';

export type MetricsLevel = 'none' | 'basic' | 'normal' | 'detailed';

/** A counter for one label set, bound once. */
export interface CounterHandle {
  inc(n?: number): void;
}

/** A gauge for one label set, bound once: either set, or read from `read` when the metric is read. */
export interface GaugeHandle {
  set(n: number): void;
}

type Labels = Record<string, string>;

const LEVELS: readonly MetricsLevel[] = ['none', 'basic', 'normal', 'detailed'];

/** The lowest service.telemetry.metrics.level that records a metric; basic when not given. */
interface Leveled {
  level?: Exclude<MetricsLevel, 'none'>;
}

const NOOP_HANDLE: CounterHandle & GaugeHandle = { inc: () => undefined, set: () => undefined };

// What a metric does at level none: accepts every call and keeps nothing (never registered, never scraped).
const NOOP_METRIC: object = {
  inc: () => undefined,
  dec: () => undefined,
  set: () => undefined,
  observe: () => undefined,
  labels: () => NOOP_METRIC,
  remove: () => undefined,
  reset: () => undefined,
};

export class Telemetry {
  readonly registry = new Registry();
  /** State and drop samples beyond the metrics (core/inspect.ts), for the console; recorded at every level. */
  readonly inspector = new Inspector();
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();
  private readonly shapes = new Map<string, string>();
  /** Per counter or gauge, what moves its bound handles' values into it when it is read. */
  private readonly collectors = new Map<Counter | Gauge, (() => void)[]>();
  private readonly rank: number;

  constructor(readonly level: MetricsLevel = 'normal') {
    this.rank = LEVELS.indexOf(level);
  }

  /** Whether a metric of level `min` is recorded at this hub's level. */
  records(min: Leveled['level'] = 'basic'): boolean {
    return this.rank >= LEVELS.indexOf(min);
  }

  // Components created per pipeline ask for the same metric many times: register once, share it.
  private get<M extends Counter | Gauge | Histogram>(
    name: string,
    kind: string,
    labelNames: readonly string[] | undefined,
    make: () => M,
  ): M {
    const shape = `${kind}(${[...(labelNames ?? [])].sort().join(',')})`;
    let m = this.metrics.get(name);
    if (!m) {
      m = make();
      this.metrics.set(name, m);
      this.shapes.set(name, shape);
    } else if (this.shapes.get(name) !== shape) {
      // Two components defining one name differently would otherwise silently share the first definition.
      throw new Error(`metric ${name} is already defined as ${this.shapes.get(name)}, not ${shape}`);
    }
    return m as M;
  }

  counter({ level, ...cfg }: Omit<CounterConfiguration<string>, 'registers'> & Leveled): Counter {
    if (!this.records(level)) return NOOP_METRIC as Counter;
    return this.get(cfg.name, 'counter', cfg.labelNames, () => this.collecting(cfg, (c) => new Counter(c)));
  }

  gauge({ level, ...cfg }: Omit<GaugeConfiguration<string>, 'registers'> & Leveled): Gauge {
    if (!this.records(level)) return NOOP_METRIC as Gauge;
    return this.get(cfg.name, 'gauge', cfg.labelNames, () => this.collecting(cfg, (c) => new Gauge(c)));
  }

  // Registers the metric with a collect callback that first moves the bound handles' values into it.
  private collecting<C extends { collect?: (this: M) => void | Promise<void> }, M extends Counter | Gauge>(
    cfg: C,
    make: (cfg: C & { registers: Registry[] }) => M,
  ): M {
    const collectors: (() => void)[] = [];
    const own = cfg.collect;
    const m = make({
      ...cfg,
      registers: [this.registry],
      collect(this: M) {
        for (const c of collectors) c();
        return own?.call(this);
      },
    });
    this.collectors.set(m, collectors);
    return m;
  }

  histogram({ level, ...cfg }: Omit<HistogramConfiguration<string>, 'registers'> & Leveled): Histogram {
    if (!this.records(level)) return NOOP_METRIC as Histogram;
    return this.get(cfg.name, 'histogram', cfg.labelNames, () => new Histogram({ ...cfg, registers: [this.registry] }));
  }

  /** `counter` for `labels`, bound once: inc adds to a number, moved into the counter when it is read. */
  bindCounter(counter: Counter, labels: Labels): CounterHandle {
    const collectors = this.collectors.get(counter);
    if (!collectors) return NOOP_HANDLE;
    let pending = 0;
    collectors.push(() => {
      if (pending === 0) return;
      counter.inc(labels, pending);
      pending = 0;
    });
    return { inc: (n = 1) => void (pending += n) };
  }

  /** `gauge` for `labels`, bound once: its value is set when the gauge is read, from `read` or from the last set. */
  bindGauge(gauge: Gauge, labels: Labels, read?: () => number): GaugeHandle {
    const collectors = this.collectors.get(gauge);
    if (!collectors) return NOOP_HANDLE;
    let value: number | undefined;
    collectors.push(() => {
      const v = read ? read() : value;
      if (v !== undefined) gauge.set(labels, v);
    });
    return { set: (n) => void (value = n) };
  }

  /** The text exposition format, as served on /metrics. */
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** The current value of a counter or gauge for the given labels, summed over the rest (0 when never set). */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const m = this.registry.getSingleMetric(name);
    if (!m) return 0;
    const data = await m.get();
    let sum = 0;
    for (const v of data.values) {
      const l = v.labels as Record<string, string | number>;
      if (Object.entries(labels).every(([k, want]) => String(l[k]) === want)) sum += v.value;
    }
    return sum;
  }
}
