// The attributes processor: the attribute actions applied to the attributes of spans, log records and metric data
// points, as the Collector's attributesprocessor does, to the items include / exclude select. Each changed
// attribute list is replaced by a new one (see helper/attr-actions/apply.ts): a list another record shares keeps
// its values.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { NO_CONTEXT } from '../../core/consumer.ts';
import type { KeyValue, Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import { dataPointsOf } from '../../core/pdata/index.ts';
import { applyActions } from '../helper/attr-actions/apply.ts';
import type { Action } from '../helper/attr-actions/config.ts';
import { compileActions } from '../helper/attr-actions/config.ts';
import type { AttributesConfig } from './config.ts';
import { signalIssues } from './config.ts';
import { Selection } from './match-signal.ts';

export class AttributesProcessor implements Processor {
  readonly mutatesData = true;
  private readonly signal: PipelineType;
  private readonly actions: Action[];
  private readonly selection: Selection;

  constructor(
    settings: ProcessorCreateSettings,
    config: AttributesConfig,
    private readonly next: Consumer,
  ) {
    this.signal = settings.pipelineType;
    const problems = signalIssues(config, this.signal);
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.path.join('::')}: ${p.message}`).join('; '));
    this.actions = compileActions(config.actions);
    this.selection = new Selection(config.include, config.exclude);
  }

  consume(data: SignalData, ctx: ConsumeContext = NO_CONTEXT): Promise<void> {
    switch (this.signal) {
      case 'traces':
        this.traces(data as Traces, ctx);
        break;
      case 'logs':
        this.logs(data as Logs, ctx);
        break;
      case 'metrics':
        this.metrics(data as Metrics, ctx);
        break;
    }
    return this.next.consume(data, ctx);
  }

  private apply(item: { attributes: KeyValue[] }, ctx: ConsumeContext): void {
    item.attributes = applyActions(this.actions, item.attributes, ctx);
  }

  private traces(data: Traces, ctx: ConsumeContext): void {
    const all = this.selection.everything;
    for (const rs of data.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) if (all || this.selection.span(s, rs.resource, ss.scope)) this.apply(s, ctx);
  }

  private logs(data: Logs, ctx: ConsumeContext): void {
    const all = this.selection.everything;
    for (const rl of data.resourceLogs)
      for (const sl of rl.scopeLogs)
        for (const r of sl.logRecords) if (all || this.selection.log(r, rl.resource, sl.scope)) this.apply(r, ctx);
  }

  private metrics(data: Metrics, ctx: ConsumeContext): void {
    const all = this.selection.everything;
    for (const rm of data.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics) {
          if (!all && !this.selection.metric(m, rm.resource)) continue;
          for (const p of dataPointsOf(m)) this.apply(p, ctx);
        }
  }
}
