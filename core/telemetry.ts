// The hub's own metrics, in a prom-client registry of its own (never the global one, so two hubs in one process
// stay apart). Names follow the Collector's where one exists.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

export type MetricsLevel = 'none' | 'basic' | 'normal' | 'detailed';

export class Telemetry {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  constructor(readonly level: MetricsLevel = 'normal') {}

  // Components created per pipeline ask for the same metric many times: register once, share it.
  private get<M extends Counter | Gauge | Histogram>(name: string, make: () => M): M {
    let m = this.metrics.get(name);
    if (!m) {
      m = make();
      this.metrics.set(name, m);
    }
    return m as M;
  }

  counter(cfg: Omit<CounterConfiguration<string>, 'registers'>): Counter {
    return this.get(cfg.name, () => new Counter({ ...cfg, registers: [this.registry] }));
  }

  gauge(cfg: Omit<GaugeConfiguration<string>, 'registers'>): Gauge {
    return this.get(cfg.name, () => new Gauge({ ...cfg, registers: [this.registry] }));
  }

  histogram(cfg: Omit<HistogramConfiguration<string>, 'registers'>): Histogram {
    return this.get(cfg.name, () => new Histogram({ ...cfg, registers: [this.registry] }));
  }

  /** The text exposition format, as served on /metrics. */
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** The current value of a counter or gauge for the given labels (0 when never set), for tests and health. */
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
