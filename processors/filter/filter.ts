// The filter processor: drops the spans, span events, metrics, data points and log records its OTTL conditions
// match (any condition of the item's context). What is left goes on in one consume; data filtered out entirely
// settles the consume at once, resolved (a deliberate drop, counted). A failing condition is handled by error_mode.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { permanentError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import type { SignalName } from '../../ottl/index.ts';
import type { OttlErrors } from '../helper/ottl-errors.ts';
import { ottlErrors } from '../helper/ottl-errors.ts';
import type { FilterConfig } from './config.ts';
import { compileFilter } from './config.ts';
import type { Matcher } from './matcher.ts';
import { matcher } from './matcher.ts';
import type { Count } from './prune.ts';
import { pruneLogs, pruneMetrics, pruneTraces } from './prune.ts';
import { filterMetrics } from './self-metrics.ts';

export class FilterProcessor implements Processor {
  readonly mutatesData = false;
  private readonly matcher: Matcher | undefined;
  private readonly signal: SignalName;
  private readonly count: Count;
  private readonly errors: OttlErrors;

  constructor(
    settings: ProcessorCreateSettings,
    config: FilterConfig,
    private readonly next: Consumer,
  ) {
    this.signal = settings.pipelineType;
    const { plan, issues } = compileFilter(config);
    // validate() refused these already; a config that reaches here without it is still refused.
    if (issues.length > 0) throw new Error(`invalid filter config: ${issues.map((i) => i.message).join('; ')}`);
    const groups = plan[this.signal];
    this.errors = ottlErrors(settings, 'filter', 'condition', 'the item is kept');
    this.matcher =
      groups.length === 0 ? undefined : matcher(groups, (g, text, err) => this.errors.failed(g.errorMode, text, err));
    const counters = filterMetrics(settings.telemetry, settings.id, settings.pipelineId);
    this.count = (kind, n) => {
      if (n > 0) counters[kind].inc(n);
    };
  }

  async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    // No condition for this signal: the data goes on untouched (and still encoded, if it came so).
    if (!this.matcher) return this.next.consume(data, ctx);
    const out = this.prune(data, this.matcher);
    // Nothing dropped: the same data, so ctx (parts, retry key) still describes it.
    if (out === data) return this.next.consume(data, ctx);
    if (isEmpty(out)) return;
    // The items changed: parts describing the input would describe other data (core/consumer.ts).
    const { parts: _parts, ...rest } = ctx ?? {};
    await this.next.consume(out, rest);
  }

  private prune(data: SignalData, m: Matcher): SignalData {
    if ('resourceSpans' in data) return pruneTraces(data, m, this.count);
    if ('resourceMetrics' in data) return pruneMetrics(data, m, this.count);
    if ('resourceLogs' in data) return pruneLogs(data, m, this.count);
    throw permanentError(`the filter processor takes traces, metrics or logs, not messages`);
  }

  async shutdown(): Promise<void> {
    this.errors.close();
  }
}

function isEmpty(d: SignalData): boolean {
  if ('resourceSpans' in d) return d.resourceSpans.length === 0;
  if ('resourceMetrics' in d) return d.resourceMetrics.length === 0;
  if ('resourceLogs' in d) return d.resourceLogs.length === 0;
  return false;
}
