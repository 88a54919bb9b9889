// Visits every item of a context in a batch, with the items above it: what a transform group runs on. One context
// object per walk, its members replaced item by item (compiled statements never keep it), so a batch of 10,000
// spans does not allocate 10,000 of them per group.
import type { Logs, Metrics, SignalData, Traces } from '../../core/pdata/index.ts';
import type { ContextName, TransformContext } from '../../ottl/index.ts';
import { pointsOf } from '../../ottl/index.ts';

type Visit = (ctx: TransformContext) => void;

function walkTraces(t: Traces, context: ContextName, visit: Visit): void {
  for (const rs of t.resourceSpans) {
    const ctx: TransformContext = { resource: rs.resource };
    if (context === 'resource') {
      visit(ctx);
      continue;
    }
    for (const ss of rs.scopeSpans) {
      ctx.scope = ss.scope;
      if (context === 'scope') {
        visit(ctx);
        continue;
      }
      for (const span of ss.spans) {
        ctx.span = span;
        if (context === 'span') visit(ctx);
        else
          for (const spanevent of span.events) {
            ctx.spanevent = spanevent;
            visit(ctx);
          }
      }
    }
  }
}

function walkMetrics(md: Metrics, context: ContextName, visit: Visit): void {
  for (const rm of md.resourceMetrics) {
    const ctx: TransformContext = { resource: rm.resource };
    if (context === 'resource') {
      visit(ctx);
      continue;
    }
    for (const sm of rm.scopeMetrics) {
      ctx.scope = sm.scope;
      if (context === 'scope') {
        visit(ctx);
        continue;
      }
      for (const metric of sm.metrics) {
        ctx.metric = metric;
        if (context === 'metric') visit(ctx);
        else
          for (const datapoint of pointsOf(metric)?.points ?? []) {
            ctx.datapoint = datapoint;
            visit(ctx);
          }
      }
    }
  }
}

function walkLogs(ld: Logs, context: ContextName, visit: Visit): void {
  for (const rl of ld.resourceLogs) {
    const ctx: TransformContext = { resource: rl.resource };
    if (context === 'resource') {
      visit(ctx);
      continue;
    }
    for (const sl of rl.scopeLogs) {
      ctx.scope = sl.scope;
      if (context === 'scope') {
        visit(ctx);
        continue;
      }
      for (const log of sl.logRecords) {
        ctx.log = log;
        visit(ctx);
      }
    }
  }
}

export function walk(data: SignalData, context: ContextName, visit: Visit): void {
  if ('resourceSpans' in data) walkTraces(data, context, visit);
  else if ('resourceMetrics' in data) walkMetrics(data, context, visit);
  else if ('resourceLogs' in data) walkLogs(data, context, visit);
}
