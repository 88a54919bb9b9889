// For tests of splitting and bisecting: a request of items that each carry a name (a span's name, a log record's
// body, a data point's `name` attribute), and the names a request holds, in order, to check what arrived.
import type { Logs, Metrics, PipelineType, SignalData, SignalDataMap, Traces } from '../../core/pdata/index.ts';
import {
  attributes,
  dataPointsOf,
  forEachLogRecord,
  forEachMetric,
  forEachSpan,
  getAttribute,
  valueOf,
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  span,
  traces,
} from '../../core/pdata/index.ts';

export function namedItems<P extends PipelineType>(signal: P, names: readonly string[]): SignalDataMap[P] {
  switch (signal) {
    case 'traces':
      return traces(names.map((name) => span({ name }))) as SignalDataMap[P];
    case 'logs':
      return logs(names.map((name) => logRecord({ body: { stringValue: name } }))) as SignalDataMap[P];
    default:
      // One gauge holding every point, so splitting cuts through a metric.
      return metrics([
        metric({
          name: 'g',
          gauge: { dataPoints: names.map((name, i) => numberPoint(i, 1n, attributes({ name }))) },
        }),
      ]) as SignalDataMap[P];
  }
}

const asName = (v: unknown): string => (typeof v === 'string' ? v : '(no name)');

export function itemNames(signal: PipelineType, data: SignalData): string[] {
  const out: string[] = [];
  if (signal === 'traces') forEachSpan(data as Traces, (s) => out.push(s.name));
  else if (signal === 'logs') forEachLogRecord(data as Logs, (r) => out.push(asName(valueOf(r.body))));
  else
    forEachMetric(data as Metrics, (m) => {
      for (const p of dataPointsOf(m)) out.push(asName(getAttribute(p.attributes, 'name')));
    });
  return out;
}

/** `prefix0`, `prefix1`, … */
export const names = (n: number, prefix = 'i'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
