// Dropping matched items without changing the data given: the result shares every item it keeps and rebuilds only
// the lists that lost something, so the processor need not declare mutatesData. A resource or scope left with no
// items is dropped with them: no empty resourceSpans go on.
import type { InstrumentationScope, Logs, Metric, Metrics, Resource, Span, Traces } from '../../core/pdata/index.ts';
import type { TransformContext } from '../../ottl/index.ts';
import { pointsOf } from '../../ottl/index.ts';
import type { Matcher } from './matcher.ts';
import type { FilteredKind } from './self-metrics.ts';

export type Count = (kind: FilteredKind, n: number) => void;

/** Whether `next` holds exactly the items of `list`, in order (nothing dropped or replaced). */
function same<T>(list: readonly T[], next: readonly T[]): boolean {
  return list.length === next.length && next.every((x, i) => x === list[i]);
}

/** `list` without what `drop` says; the same array when nothing goes. */
function rebuild<T>(list: T[], drop: (item: T) => boolean): T[] {
  const out = list.filter((x) => !drop(x));
  return out.length === list.length ? list : out;
}

interface Envelope {
  resource: Resource;
  scope: InstrumentationScope;
}

function pruneSpan(s: Span, env: Envelope, m: Matcher, count: Count): Span {
  if (!m.has('spanevent') || s.events.length === 0) return s;
  const ctx: TransformContext = { ...env, span: s };
  const events = rebuild(s.events, (spanevent) => m.test('spanevent', ((ctx.spanevent = spanevent), ctx)));
  count('span_events', s.events.length - events.length);
  return events === s.events ? s : { ...s, events };
}

export function pruneTraces(t: Traces, m: Matcher, count: Count): Traces {
  const resourceSpans = t.resourceSpans.flatMap((rs) => {
    if (m.has('resource') && m.test('resource', { resource: rs.resource })) {
      for (const ss of rs.scopeSpans) count('spans', ss.spans.length);
      return [];
    }
    const scopeSpans = rs.scopeSpans.flatMap((ss) => {
      const env = { resource: rs.resource, scope: ss.scope };
      if (m.has('scope') && m.test('scope', env)) return (count('spans', ss.spans.length), []);
      // One context for the scope's spans, its span replaced item by item (conditions never keep it).
      const ctx: TransformContext = { ...env };
      const kept = ss.spans.filter((span) => !(m.has('span') && m.test('span', ((ctx.span = span), ctx))));
      count('spans', ss.spans.length - kept.length);
      const spans = kept.map((span) => pruneSpan(span, env, m, count));
      if (spans.length === 0) return [];
      return [same(ss.spans, spans) ? ss : { ...ss, spans }];
    });
    if (scopeSpans.length === 0) return [];
    return [same(rs.scopeSpans, scopeSpans) ? rs : { ...rs, scopeSpans }];
  });
  // Nothing dropped: the data itself goes on, no copy made.
  return same(t.resourceSpans, resourceSpans) ? t : { resourceSpans };
}

/** The metric without its matched points; null when it had points and lost them all (it goes too). */
function pruneMetric(metric: Metric, env: Envelope, m: Matcher, count: Count): Metric | null {
  const found = pointsOf(metric);
  if (!m.has('datapoint') || !found || found.points.length === 0) return metric;
  const ctx: TransformContext = { ...env, metric };
  const points = rebuild(found.points, (datapoint) => m.test('datapoint', ((ctx.datapoint = datapoint), ctx)));
  count('datapoints', found.points.length - points.length);
  if (points === found.points) return metric;
  if (points.length === 0) return null;
  return { ...metric, [found.key]: { ...metric[found.key], dataPoints: points } };
}

const pointCount = (metric: Metric): number => pointsOf(metric)?.points.length ?? 0;

export function pruneMetrics(md: Metrics, m: Matcher, count: Count): Metrics {
  const resourceMetrics = md.resourceMetrics.flatMap((rm) => {
    if (m.has('resource') && m.test('resource', { resource: rm.resource })) {
      for (const sm of rm.scopeMetrics) for (const metric of sm.metrics) count('datapoints', pointCount(metric));
      return [];
    }
    const scopeMetrics = rm.scopeMetrics.flatMap((sm) => {
      const env = { resource: rm.resource, scope: sm.scope };
      if (m.has('scope') && m.test('scope', env)) {
        for (const metric of sm.metrics) count('datapoints', pointCount(metric));
        return [];
      }
      const metrics = sm.metrics.flatMap((metric) => {
        if (m.has('metric') && m.test('metric', { ...env, metric }))
          return (count('datapoints', pointCount(metric)), []);
        const kept = pruneMetric(metric, env, m, count);
        return kept === null ? [] : [kept];
      });
      if (metrics.length === 0) return [];
      return [same(sm.metrics, metrics) ? sm : { ...sm, metrics }];
    });
    if (scopeMetrics.length === 0) return [];
    return [same(rm.scopeMetrics, scopeMetrics) ? rm : { ...rm, scopeMetrics }];
  });
  return same(md.resourceMetrics, resourceMetrics) ? md : { resourceMetrics };
}

export function pruneLogs(ld: Logs, m: Matcher, count: Count): Logs {
  const resourceLogs = ld.resourceLogs.flatMap((rl) => {
    if (m.has('resource') && m.test('resource', { resource: rl.resource })) {
      for (const sl of rl.scopeLogs) count('logs', sl.logRecords.length);
      return [];
    }
    const scopeLogs = rl.scopeLogs.flatMap((sl) => {
      const env = { resource: rl.resource, scope: sl.scope };
      if (m.has('scope') && m.test('scope', env)) return (count('logs', sl.logRecords.length), []);
      const ctx: TransformContext = { ...env };
      const logRecords = sl.logRecords.filter((log) => !(m.has('log') && m.test('log', ((ctx.log = log), ctx))));
      count('logs', sl.logRecords.length - logRecords.length);
      if (logRecords.length === 0) return [];
      return [same(sl.logRecords, logRecords) ? sl : { ...sl, logRecords }];
    });
    if (scopeLogs.length === 0) return [];
    return [same(rl.scopeLogs, scopeLogs) ? rl : { ...rl, scopeLogs }];
  });
  return same(ld.resourceLogs, resourceLogs) ? ld : { resourceLogs };
}
