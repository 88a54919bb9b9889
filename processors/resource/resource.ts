// The resource processor: the attribute actions applied to the resource of every ResourceSpans / ResourceMetrics /
// ResourceLogs, as the Collector's resourceprocessor does.
//
// Resources are replaced, never edited in place: a producer may hand the same Resource object to several batches
// (or several entries of one batch), and an edit would then reach data this consume does not own, or be applied
// twice (a `hash` hashing its own hash). Within one consume, one input resource gives one output resource, so
// entries that shared a resource still share one.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { NO_CONTEXT } from '../../core/consumer.ts';
import type { Logs, Metrics, PipelineType, Resource, SignalData, Traces } from '../../core/pdata/index.ts';
import { applyActions } from '../helper/attr-actions/apply.ts';
import type { Action } from '../helper/attr-actions/config.ts';
import { compileActions } from '../helper/attr-actions/config.ts';
import type { ResourceConfig } from './config.ts';

type Holder = { resource: Resource };

function holders(signal: PipelineType, data: SignalData): Holder[] {
  switch (signal) {
    case 'traces':
      return (data as Traces).resourceSpans;
    case 'metrics':
      return (data as Metrics).resourceMetrics;
    case 'logs':
      return (data as Logs).resourceLogs;
  }
}

export class ResourceProcessor implements Processor {
  readonly mutatesData = true;
  private readonly actions: Action[];
  private readonly signal: PipelineType;

  constructor(
    settings: ProcessorCreateSettings,
    config: ResourceConfig,
    private readonly next: Consumer,
  ) {
    this.signal = settings.pipelineType;
    this.actions = compileActions(config.attributes);
  }

  consume(data: SignalData, ctx: ConsumeContext = NO_CONTEXT): Promise<void> {
    const done = new Map<Resource, Resource>();
    for (const h of holders(this.signal, data)) {
      const before = h.resource;
      let after = done.get(before);
      if (after === undefined) {
        const attrs = applyActions(this.actions, before.attributes, ctx);
        after = attrs === before.attributes ? before : { ...before, attributes: attrs };
        done.set(before, after);
      }
      h.resource = after;
    }
    return this.next.consume(data, ctx);
  }
}
