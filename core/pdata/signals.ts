import { encodedData, encodedForm } from './encoded.ts';
import type { Logs } from './logs.ts';
import { logRecordCount } from './logs.ts';
import type { Messages } from './messages.ts';
import type { Metrics } from './metrics.ts';
import { dataPointCount } from './metrics.ts';
import type { Traces } from './traces.ts';
import { spanCount } from './traces.ts';

/** What flows on an edge of the pipeline graph. */
export type Signal = 'traces' | 'metrics' | 'logs' | 'messages';
/** What a pipeline is typed by (its ID before the slash). */
export type PipelineType = 'traces' | 'metrics' | 'logs';

export const PIPELINE_TYPES: readonly PipelineType[] = ['traces', 'metrics', 'logs'];
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs', 'messages'];

export interface SignalDataMap {
  traces: Traces;
  metrics: Metrics;
  logs: Logs;
  messages: Messages;
}
export type SignalData = SignalDataMap[Signal];

/** The unit each signal is counted in, as in the Collector's metric names (spans, metric_points, log_records). */
export const ITEM_NAME: Record<Signal, string> = {
  traces: 'spans',
  metrics: 'metric_points',
  logs: 'log_records',
  messages: 'messages',
};

export function itemCount(signal: Signal, data: SignalData): number {
  // Still encoded: counted when it arrived, so counting does not decode it.
  const form = encodedForm(data);
  if (form) return form.items;
  switch (signal) {
    case 'traces':
      return spanCount(data as Traces);
    case 'metrics':
      return dataPointCount(data as Metrics);
    case 'logs':
      return logRecordCount(data as Logs);
    case 'messages':
      return (data as Messages).messages.length;
  }
}

/** A deep copy; Uint8Array and bigint survive it. Encoded data stays encoded: it decodes to fresh objects anyway. */
export function cloneData<T extends SignalData>(data: T): T {
  const form = encodedForm(data);
  if (form) return encodedData(form) as T;
  return structuredClone(data);
}
