// The periodic measurement behind the memory_limiter processor, one per component ID in a hub (as in the Collector,
// where every pipeline naming `memory_limiter` shares one limiter): it decides whether data is refused, forces a
// garbage collection when it can, and says so in the log and metrics once per change of state.
import type { Logger } from '../../core/logger.ts';
import type { GaugeHandle, CounterHandle, Telemetry } from '../../core/telemetry.ts';
import type { Limits, MemoryLimiterConfig } from './config.ts';
import { MIB, resolveLimits } from './config.ts';
import type { CgroupPaths, MemoryReader, MemoryUsage } from './memory-source.ts';
import { memoryLimit } from './memory-source.ts';

/** What the check reads from the process; injectable for tests. */
export interface CheckDeps {
  readMemory: MemoryReader;
  cgroup: CgroupPaths;
  /** Forces a full collection; undefined when Node was started without --expose-gc. */
  gc: (() => void) | undefined;
  now: () => number;
}

const mib = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;

export class MemoryCheck {
  readonly limits: Limits;
  private refusingNow = false;
  private aboveHard = false;
  private lastGc = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly usedGauge: GaugeHandle;
  private readonly refusingGauge: GaugeHandle;
  private readonly forcedGc: CounterHandle;
  private last: MemoryUsage = { used: 0, rss: 0 };

  constructor(
    private readonly id: string,
    private readonly config: MemoryLimiterConfig,
    private readonly logger: Logger,
    telemetry: Telemetry,
    private readonly deps: CheckDeps,
  ) {
    this.limits = resolveLimits(config, () => {
      const total = memoryLimit(deps.cgroup);
      logger.info('memory_limiter: limit_percentage applies to this memory', {
        total_memory_mib: mib(total.bytes),
        source: total.source,
        limit_percentage: config.limit_percentage,
        spike_limit_percentage: config.spike_limit_percentage,
      });
      return total.bytes;
    });
    const labels = { processor: id };
    const labelNames = ['processor'];
    const gauge = (name: string, help: string, extra: Record<string, string> = {}, read?: () => number) =>
      telemetry.bindGauge(
        telemetry.gauge({ name, help, labelNames: [...labelNames, ...Object.keys(extra)] }),
        { ...labels, ...extra },
        read,
      );
    this.usedGauge = gauge(
      'otelhub_processor_memory_limiter_memory_used_bytes',
      'Memory in use at the last check (V8 heap used + external), what the limits are compared with',
    );
    this.refusingGauge = gauge(
      'otelhub_processor_memory_limiter_refusing',
      '1 while memory is above the soft limit and data is refused, else 0',
    );
    const limitHelp = 'The memory limits in bytes: hard (limit) and soft (limit - spike)';
    gauge('otelhub_processor_memory_limiter_limit_bytes', limitHelp, { limit: 'hard' }).set(this.limits.hard);
    gauge('otelhub_processor_memory_limiter_limit_bytes', limitHelp, { limit: 'soft' }).set(this.limits.soft);
    this.refusingGauge.set(0);
    this.forcedGc = telemetry.bindCounter(
      telemetry.counter({
        name: 'otelhub_processor_memory_limiter_forced_gc_total',
        help: 'Garbage collections the memory limiter forced (needs node --expose-gc)',
        labelNames,
      }),
      labels,
    );
  }

  /** Whether data is refused now (memory was above the soft limit at the last check). */
  get refusing(): boolean {
    return this.refusingNow;
  }

  start(): void {
    this.logger.info('memory_limiter configured', {
      processor: this.id,
      limit_mib: mib(this.limits.hard),
      soft_limit_mib: mib(this.limits.soft),
      check_interval_ms: this.config.check_interval,
      forced_gc: this.deps.gc ? 'available' : 'unavailable (node runs without --expose-gc; V8 collects on its own)',
    });
    this.check();
    this.timer = setInterval(() => this.check(), this.config.check_interval);
    // The check alone must not keep the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One measurement and its consequences; the Collector's CheckMemLimits, plus a GC retried while refusing. */
  check(): void {
    let m = this.read();
    this.logger.debug('memory_limiter: memory in use', this.fields(m));
    const hard = m.used >= this.limits.hard;
    if (hard && !this.aboveHard)
      this.logger.warn(
        'memory usage is above the hard limit; forcing a garbage collection where possible',
        this.fields(m),
      );
    this.aboveHard = hard;
    if (hard) m = this.gcIfDue(this.config.min_gc_interval_when_hard_limited) ?? m;
    const was = this.refusingNow;
    let must = m.used >= this.limits.soft;
    // Entering the refusing state, the Collector first tries a collection; here it is tried again at most every
    // min_gc_interval_when_soft_limited while refusing, because V8 collects its old generation lazily and memory
    // freed meanwhile (a destination took the backlog) would otherwise show only at its next full collection.
    if (must) {
      const after = this.gcIfDue(this.config.min_gc_interval_when_soft_limited);
      if (after) {
        m = after;
        must = m.used >= this.limits.soft;
      }
    }
    if (!was && must) this.logger.warn('memory usage is above the soft limit; refusing data', this.fields(m));
    if (was && !must) this.logger.info('memory usage is back below the soft limit; taking data again', this.fields(m));
    this.refusingNow = must;
    this.refusingGauge.set(must ? 1 : 0);
  }

  private read(): MemoryUsage {
    this.last = this.deps.readMemory();
    this.usedGauge.set(this.last.used);
    return this.last;
  }

  /** Collects and measures again when a collection is possible and `interval` passed since the last one. */
  private gcIfDue(interval: number): MemoryUsage | undefined {
    const gc = this.deps.gc;
    const now = this.deps.now();
    if (!gc || now - this.lastGc < interval) return undefined;
    gc();
    this.lastGc = now;
    this.forcedGc.inc();
    return this.read();
  }

  private fields(m: MemoryUsage): Record<string, unknown> {
    return {
      processor: this.id,
      used_mib: mib(m.used),
      rss_mib: mib(m.rss),
      soft_limit_mib: mib(this.limits.soft),
      limit_mib: mib(this.limits.hard),
    };
  }
}
