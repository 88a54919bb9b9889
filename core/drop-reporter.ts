// Drops are logged rate-limited: the first drop in a window is logged with its details at once, the rest of the
// window is summed and logged as counts per reason when the window ends. Never one line per item.
import type { Counter } from 'prom-client';
import type { DropSampleInput, DropSamples } from './drop-samples.ts';
import type { LogFields, Logger } from './logger.ts';

export const DEFAULT_DROP_LOG_INTERVAL_MS = 10_000;

export interface DropReporterOptions {
  /** Counted per drop, with label `reason` plus `labels`. */
  counter?: Counter;
  labels?: Record<string, string>;
  intervalMs?: number;
  /** The log message, e.g. "dropped invalid messages". */
  message?: string;
  /** `error` for what an operator must act on (refused credentials); `warn` by default. */
  level?: 'warn' | 'error';
  /** Where drops are also sampled (the telemetry's inspector.drops), under this component ID. */
  samples?: { to: DropSamples; component: string };
}

/** The sample a log line's fields describe: its topic and error, when it has them. */
function sampleOf(detail: LogFields): DropSampleInput {
  const { topic, error } = detail as { topic?: unknown; error?: unknown };
  return {
    ...(typeof topic === 'string' && { origin: { topic } }),
    ...(typeof error === 'string' && { detail: error }),
  };
}

export class DropReporter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private windowOpen = false;
  private readonly intervalMs: number;
  private readonly message: string;
  private readonly level: 'warn' | 'error';

  constructor(
    private readonly logger: Logger,
    private readonly opts: DropReporterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_DROP_LOG_INTERVAL_MS;
    this.message = opts.message ?? 'dropped data';
    this.level = opts.level ?? 'warn';
  }

  /** `sample`: what the console shows of the dropped item (origin, payload); the topic in `detail` by default. */
  drop(reason: string, count = 1, detail: LogFields = {}, sample?: DropSampleInput): void {
    this.opts.counter?.inc({ ...this.opts.labels, reason }, count);
    const s = this.opts.samples;
    if (s?.to.enabled) s.to.record(s.component, reason, count, sample ?? sampleOf(detail));
    if (!this.windowOpen) {
      this.windowOpen = true;
      this.logger[this.level](this.message, { reason, count, ...detail });
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
      return;
    }
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + count);
  }

  /** Logs what was summed since the last line and opens a new window. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.windowOpen = false;
    if (this.pending.size === 0) return;
    const counts = Object.fromEntries(this.pending);
    const total = [...this.pending.values()].reduce((a, b) => a + b, 0);
    this.pending = new Map();
    this.logger[this.level](`${this.message} (summary)`, {
      count: total,
      reasons: counts,
      interval_ms: this.intervalMs,
    });
  }

  close(): void {
    this.flush();
  }
}
