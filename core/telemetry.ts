// The hub's own metrics, in a prom-client registry of its own (never the global one, so two hubs in one process
// stay apart). Names follow the Collector's where one exists.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

export type MetricsLevel = 'none' | 'basic' | 'normal' | 'detailed';

export class Telemetry {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();
  private readonly shapes = new Map<string, string>();

  constructor(readonly level: MetricsLevel = 'normal') {}

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

  counter(cfg: Omit<CounterConfiguration<string>, 'registers'>): Counter {
    return this.get(cfg.name, 'counter', cfg.labelNames, () => new Counter({ ...cfg, registers: [this.registry] }));
  }

  gauge(cfg: Omit<GaugeConfiguration<string>, 'registers'>): Gauge {
    return this.get(cfg.name, 'gauge', cfg.labelNames, () => new Gauge({ ...cfg, registers: [this.registry] }));
  }

  histogram(cfg: Omit<HistogramConfiguration<string>, 'registers'>): Histogram {
    return this.get(cfg.name, 'histogram', cfg.labelNames, () => new Histogram({ ...cfg, registers: [this.registry] }));
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
