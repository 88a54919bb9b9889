// The memory_limiter processor: refuses data, retryably, while the hub's memory is above the soft limit, so that
// receivers push back (the OTLP receiver answers 503 / UNAVAILABLE with Retry-After, the MQTT receiver leaves the
// messages unacknowledged and retries them) instead of the hub taking more until it is killed. Pipelines naming the
// same memory_limiter ID share one check, as in the Collector.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { retryableError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import { ITEM_NAME, itemCount } from '../../core/pdata/index.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { MemoryLimiterConfig } from './config.ts';
import type { CheckDeps } from './memory-check.ts';
import { MemoryCheck } from './memory-check.ts';
import { DEFAULT_CGROUP_PATHS, readProcessMemory } from './memory-source.ts';

/** The Collector's message for ErrDataRefused. */
export const REFUSED_MESSAGE = 'data refused due to high memory usage';

export function defaultCheckDeps(): CheckDeps {
  const gc = (globalThis as { gc?: unknown }).gc;
  return {
    readMemory: readProcessMemory,
    cgroup: DEFAULT_CGROUP_PATHS,
    gc: typeof gc === 'function' ? () => void (gc as () => unknown)() : undefined,
    now: Date.now,
  };
}

interface Shared {
  check: MemoryCheck;
  users: number;
}

// Per hub (each has its own Telemetry) and component ID: the pipelines' instances of one memory_limiter.
const checks = new WeakMap<Telemetry, Map<string, Shared>>();

function acquire(settings: ProcessorCreateSettings, config: MemoryLimiterConfig, deps: CheckDeps): MemoryCheck {
  let byId = checks.get(settings.telemetry);
  if (!byId) checks.set(settings.telemetry, (byId = new Map<string, Shared>()));
  let s = byId.get(settings.id);
  if (!s) {
    s = { check: new MemoryCheck(settings.id, config, settings.logger, settings.telemetry, deps), users: 0 };
    byId.set(settings.id, s);
    s.check.start();
  }
  s.users++;
  return s.check;
}

function release(settings: ProcessorCreateSettings): void {
  const byId = checks.get(settings.telemetry);
  const s = byId?.get(settings.id);
  if (!s || --s.users > 0) return;
  s.check.stop();
  byId?.delete(settings.id);
}

class MemoryLimiterProcessor implements Processor {
  readonly mutatesData = false;
  private check: MemoryCheck | undefined;
  private readonly refused;
  private readonly signal;

  constructor(
    private readonly settings: ProcessorCreateSettings,
    private readonly config: MemoryLimiterConfig,
    private readonly next: Consumer,
    private readonly deps: CheckDeps,
  ) {
    const t = settings.telemetry;
    this.signal = settings.pipelineType;
    const item = ITEM_NAME[this.signal];
    this.refused = t.bindCounter(
      t.counter({
        name: `otelcol_processor_refused_${item}_total`,
        help: `Number of ${item} that were rejected by the next component in the pipeline.`,
        labelNames: ['processor', 'pipeline'],
      }),
      { processor: settings.id, pipeline: settings.pipelineId },
    );
  }

  start(): Promise<void> {
    this.check ??= acquire(this.settings, this.config, this.deps);
    return Promise.resolve();
  }

  consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    if (this.check?.refusing) {
      let items = 0;
      try {
        items = itemCount(this.signal, data);
      } catch {
        // Malformed data is refused all the same; the receiver counts what it was.
      }
      this.refused.inc(items);
      // Retryable and not throttled: a 503 / UNAVAILABLE, which every OTLP client retries; the next check may
      // already let it in, so that is how long to wait.
      return Promise.reject(retryableError(REFUSED_MESSAGE, { retryAfterMs: this.config.check_interval }));
    }
    return this.next.consume(data, ctx);
  }

  shutdown(): Promise<void> {
    if (this.check) release(this.settings);
    this.check = undefined;
    return Promise.resolve();
  }
}

export function createMemoryLimiterProcessor(
  settings: ProcessorCreateSettings,
  config: MemoryLimiterConfig,
  next: Consumer,
  deps: CheckDeps = defaultCheckDeps(),
): Processor {
  return new MemoryLimiterProcessor(settings, config, next, deps);
}
