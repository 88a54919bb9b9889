// Merging and splitting batches, for the batch processor and anything else that regroups data by item count.
// Merging only concatenates (encoded requests too: see encoded.ts). Splitting gives every piece its own resource/scope/metric containers, because a
// downstream processor may change one piece while another is still in flight; leaf records are moved, not copied,
// since each goes to exactly one piece.
import { concatEncoded, cutEncoded, encodedForm } from './encoded.ts';
import type { Logs, ResourceLogs, ScopeLogs, LogRecord } from './logs.ts';
import { logRecordCount } from './logs.ts';
import type { Metric, Metrics, ResourceMetrics, ScopeMetrics } from './metrics.ts';
import { dataPointCount, dataPointsOf } from './metrics.ts';
import type { PipelineType, SignalDataMap } from './signals.ts';
import type { ResourceSpans, ScopeSpans, Span, Traces } from './traces.ts';
import { spanCount } from './traces.ts';

export function mergeTraces(list: readonly Traces[]): Traces {
  return { resourceSpans: list.flatMap((t) => t.resourceSpans) };
}

export function mergeMetrics(list: readonly Metrics[]): Metrics {
  return { resourceMetrics: list.flatMap((m) => m.resourceMetrics) };
}

export function mergeLogs(list: readonly Logs[]): Logs {
  return { resourceLogs: list.flatMap((l) => l.resourceLogs) };
}

/** How to walk and rebuild one signal's resource → scope → leaf tree. */
export interface Shape<D, R, S, L> {
  empty(): D;
  resources(d: D): R[];
  scopes(r: R): S[];
  leaves(s: S): L[];
  /** The container with its own copy of the resource and no scopes. */
  copyResource(r: R): R;
  copyScope(s: S): S;
  /** Items in a leaf: 1 for a span or record, the data point count for a metric. */
  weight(l: L): number;
  /** A new leaf holding items [from, to) of `l`, for a leaf that straddles a piece boundary. */
  slice(l: L, from: number, to: number): L;
}

function split<D, R, S, L>(shape: Shape<D, R, S, L>, data: D, max: number, total: number): D[] {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`split size must be a positive integer, got ${max}`);
  if (total <= max) return [data];
  const pieces: D[] = [];
  // The piece being filled, and its copies of the source resource and scope currently being walked.
  let piece = shape.empty();
  let room = max;
  let dstR: R | undefined;
  let dstS: S | undefined;
  pieces.push(piece);
  const nextPiece = (): void => {
    piece = shape.empty();
    pieces.push(piece);
    room = max;
    dstR = undefined;
    dstS = undefined;
  };
  for (const srcR of shape.resources(data)) {
    dstR = undefined;
    const openR = (): R => {
      if (!dstR) {
        dstR = shape.copyResource(srcR);
        shape.resources(piece).push(dstR);
      }
      return dstR;
    };
    // Containers without items are kept (in whichever piece is current) so that nothing is lost.
    if (shape.scopes(srcR).length === 0) openR();
    for (const srcS of shape.scopes(srcR)) {
      dstS = undefined;
      const openS = (): L[] => {
        const r = openR();
        if (!dstS) {
          dstS = shape.copyScope(srcS);
          shape.scopes(r).push(dstS);
        }
        return shape.leaves(dstS);
      };
      if (shape.leaves(srcS).length === 0) openS();
      for (const leaf of shape.leaves(srcS)) {
        const w = shape.weight(leaf);
        if (w === 0) openS().push(leaf);
        for (let from = 0; from < w; ) {
          if (room === 0) nextPiece();
          const n = Math.min(room, w - from);
          openS().push(n === w ? leaf : shape.slice(leaf, from, from + n));
          from += n;
          room -= n;
        }
      }
    }
  }
  return pieces;
}

export const TRACES: Shape<Traces, ResourceSpans, ScopeSpans, Span> = {
  empty: () => ({ resourceSpans: [] }),
  resources: (d) => d.resourceSpans,
  scopes: (r) => r.scopeSpans,
  leaves: (s) => s.spans,
  copyResource: (r) => ({ ...r, resource: structuredClone(r.resource), scopeSpans: [] }),
  copyScope: (s) => ({ ...s, scope: structuredClone(s.scope), spans: [] }),
  weight: () => 1,
  slice: (l) => l,
};

export const LOGS: Shape<Logs, ResourceLogs, ScopeLogs, LogRecord> = {
  empty: () => ({ resourceLogs: [] }),
  resources: (d) => d.resourceLogs,
  scopes: (r) => r.scopeLogs,
  leaves: (s) => s.logRecords,
  copyResource: (r) => ({ ...r, resource: structuredClone(r.resource), scopeLogs: [] }),
  copyScope: (s) => ({ ...s, scope: structuredClone(s.scope), logRecords: [] }),
  weight: () => 1,
  slice: (l) => l,
};

/** The same metric (name, unit, type, temporality, monotonicity) holding only points [from, to). */
function sliceMetric(m: Metric, from: number, to: number): Metric {
  const out: Metric = { name: m.name, description: m.description, unit: m.unit, metadata: structuredClone(m.metadata) };
  if (m.gauge) out.gauge = { ...m.gauge, dataPoints: m.gauge.dataPoints.slice(from, to) };
  else if (m.sum) out.sum = { ...m.sum, dataPoints: m.sum.dataPoints.slice(from, to) };
  else if (m.histogram) out.histogram = { ...m.histogram, dataPoints: m.histogram.dataPoints.slice(from, to) };
  else if (m.exponentialHistogram) {
    out.exponentialHistogram = {
      ...m.exponentialHistogram,
      dataPoints: m.exponentialHistogram.dataPoints.slice(from, to),
    };
  } else if (m.summary) out.summary = { ...m.summary, dataPoints: m.summary.dataPoints.slice(from, to) };
  return out;
}

export const METRICS: Shape<Metrics, ResourceMetrics, ScopeMetrics, Metric> = {
  empty: () => ({ resourceMetrics: [] }),
  resources: (d) => d.resourceMetrics,
  scopes: (r) => r.scopeMetrics,
  leaves: (s) => s.metrics,
  copyResource: (r) => ({ ...r, resource: structuredClone(r.resource), scopeMetrics: [] }),
  copyScope: (s) => ({ ...s, scope: structuredClone(s.scope), metrics: [] }),
  weight: (m) => dataPointsOf(m).length,
  slice: sliceMetric,
};

/**
 * Pieces of at most `max` spans, in order. When `t` already fits it is returned as the only piece, unchanged;
 * otherwise pieces share leaf spans with `t` but no containers with `t` or with each other.
 */
export function splitTraces(t: Traces, max: number): Traces[] {
  return split(TRACES, t, max, spanCount(t));
}

/** Pieces of at most `max` data points; a metric whose points straddle a boundary becomes one metric per piece. */
export function splitMetrics(md: Metrics, max: number): Metrics[] {
  return split(METRICS, md, max, dataPointCount(md));
}

/** Pieces of at most `max` log records; see splitTraces. */
export function splitLogs(ld: Logs, max: number): Logs[] {
  return split(LOGS, ld, max, logRecordCount(ld));
}

export function splitData<P extends PipelineType>(signal: P, data: SignalDataMap[P], max: number): SignalDataMap[P][] {
  // Encoded data is cut as bytes: it stays undecoded.
  const form = encodedForm(data);
  if (form && Number.isSafeInteger(max) && max >= 1) return form.items <= max ? [data] : cutEncoded(form, max);
  switch (signal) {
    case 'traces':
      return splitTraces(data as Traces, max) as SignalDataMap[P][];
    case 'metrics':
      return splitMetrics(data as Metrics, max) as SignalDataMap[P][];
    case 'logs':
      return splitLogs(data as Logs, max) as SignalDataMap[P][];
  }
  throw new TypeError(`cannot split ${String(signal)}`);
}

export function mergeData<P extends PipelineType>(signal: P, list: readonly SignalDataMap[P][]): SignalDataMap[P] {
  // Requests still encoded merge by concatenation; any that was decoded makes the merge decode them all.
  const concatenated = concatEncoded(list);
  if (concatenated) return concatenated;
  switch (signal) {
    case 'traces':
      return mergeTraces(list as readonly Traces[]) as SignalDataMap[P];
    case 'metrics':
      return mergeMetrics(list as readonly Metrics[]) as SignalDataMap[P];
    case 'logs':
      return mergeLogs(list as readonly Logs[]) as SignalDataMap[P];
  }
  throw new TypeError(`cannot merge ${String(signal)}`);
}
