// The Collector's process metrics (otelcol_process_*), read when scraped.
import type { Telemetry } from './telemetry.ts';

export function registerProcessMetrics(t: Telemetry): void {
  const started = Date.now();
  // Counters only go up: each scrape adds the difference since the previous one.
  let lastCpu = 0;
  let lastUp = 0;
  t.counter({
    name: 'otelcol_process_cpu_seconds_total',
    help: 'Total CPU user and system time in seconds.',
    collect(this: { inc(v: number): void }) {
      const u = process.cpuUsage();
      const c = (u.user + u.system) / 1e6;
      this.inc(Math.max(0, c - lastCpu));
      lastCpu = c;
    },
  });
  t.counter({
    name: 'otelcol_process_uptime_seconds_total',
    help: 'Uptime of the process in seconds.',
    collect(this: { inc(v: number): void }) {
      const up = (Date.now() - started) / 1000;
      this.inc(Math.max(0, up - lastUp));
      lastUp = up;
    },
  });
  const gauge = (name: string, help: string, read: () => number): void => {
    t.gauge({
      name,
      help,
      collect(this: { set(v: number): void }) {
        this.set(read());
      },
    });
  };
  gauge('otelcol_process_memory_rss_bytes', 'Total physical memory (resident set size).', () =>
    process.memoryUsage.rss(),
  );
  gauge(
    'otelcol_process_runtime_heap_alloc_bytes',
    'Bytes of allocated heap objects.',
    () => process.memoryUsage().heapUsed,
  );
  gauge(
    'otelcol_process_runtime_total_sys_memory_bytes',
    'Total bytes of heap memory obtained from the OS.',
    () => process.memoryUsage().heapTotal,
  );
}
