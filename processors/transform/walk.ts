// Visits every item of a context in a batch, with the items above it: what a transform group runs on.
import type { Logs, Metrics, SignalData, Traces } from '../../core/pdata/index.ts';
import type { ContextName, TransformContext } from '../../ottl/index.ts';
import { pointsOf } from '../../ottl/index.ts';

type Visit = (ctx: TransformContext) => void;

function walkTraces(t: Traces, context: ContextName, visit: Visit): void {
  for (const rs of t.resourceSpans) {
    const resource = rs.resource;
    if (context === 'resource') {
      visit({ resource });
      continue;
    }
    for (const ss of rs.scopeSpans) {
      const scope = ss.scope;
      if (context === 'scope') {
        visit({ resource, scope });
        continue;
      }
      for (const span of ss.spans) {
        if (context === 'span') visit({ resource, scope, span });
        else for (const spanevent of span.events) visit({ resource, scope, span, spanevent });
      }
    }
  }
}

function walkMetrics(md: Metrics, context: ContextName, visit: Visit): void {
  for (const rm of md.resourceMetrics) {
    const resource = rm.resource;
    if (context === 'resource') {
      visit({ resource });
      continue;
    }
    for (const sm of rm.scopeMetrics) {
      const scope = sm.scope;
      if (context === 'scope') {
        visit({ resource, scope });
        continue;
      }
      for (const metric of sm.metrics) {
        if (context === 'metric') visit({ resource, scope, metric });
        else for (const datapoint of pointsOf(metric)?.points ?? []) visit({ resource, scope, metric, datapoint });
      }
    }
  }
}

function walkLogs(ld: Logs, context: ContextName, visit: Visit): void {
  for (const rl of ld.resourceLogs) {
    const resource = rl.resource;
    if (context === 'resource') {
      visit({ resource });
      continue;
    }
    for (const sl of rl.scopeLogs) {
      const scope = sl.scope;
      if (context === 'scope') {
        visit({ resource, scope });
        continue;
      }
      for (const log of sl.logRecords) visit({ resource, scope, log });
    }
  }
}

export function walk(data: SignalData, context: ContextName, visit: Visit): void {
  if ('resourceSpans' in data) walkTraces(data, context, visit);
  else if ('resourceMetrics' in data) walkMetrics(data, context, visit);
  else if ('resourceLogs' in data) walkLogs(data, context, visit);
}
