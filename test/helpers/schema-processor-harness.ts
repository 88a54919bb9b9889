// For the schema processor's tests: a schema processor in a metrics or logs pipeline whose downstream records what it
// gets (or fails when told to), and shortcuts to the points, records and counters of the result.
import type { TestContext } from 'node:test';
import type {
  HistogramDataPoint,
  KeyValue,
  LogRecord,
  Logs,
  Message,
  Metric,
  Metrics,
  NumberDataPoint,
} from '../../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, message, valueOf } from '../../core/pdata/index.ts';
import { converterHarness, validConfig } from './converter-harness.ts';
import type { SchemaConfig } from '../../processors/schema/config.ts';
import { schemaFactory } from '../../processors/schema/factory.ts';
import { CONVERTED, DROPPED } from '../../processors/schema/self-metrics.ts';

export const TOPIC = 'factory/line1/telemetry';
/** When the receiver took the message: distinct from every timestamp in the test payloads. */
export const RECEIVED = 1_760_000_000_123_456_789n;

export function msg(payload: string | Uint8Array | object, fields: Partial<Omit<Message, 'payload'>> = {}): Message {
  const p = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload);
  return message({ topic: TOPIC, receivedUnixNano: RECEIVED, ...fields, payload: p });
}

export function configOf(cfg: Record<string, unknown> = {}): SchemaConfig {
  return validConfig(schemaFactory, cfg);
}

export async function harness(t: TestContext, signal: 'metrics' | 'logs', cfg: Record<string, unknown> = {}) {
  const h = await converterHarness(t, schemaFactory, signal, cfg);
  const { settings, sent } = h;
  const last = () => sent.at(-1)?.data;
  return {
    ...h,
    dropped: (reason?: string) => settings.telemetry.value(DROPPED, reason ? { reason } : {}),
    converted: () => settings.telemetry.value(CONVERTED, { signal }),
    /** Metrics of the last batch sent downstream, or of batch `i`. */
    metrics(i = sent.length - 1): Metric[] {
      const out: Metric[] = [];
      const d = sent[i]?.data;
      if (d) forEachMetric(d as Metrics, (m) => out.push(m));
      return out;
    },
    records(): LogRecord[] {
      const out: LogRecord[] = [];
      const d = last();
      if (d) forEachLogRecord(d as Logs, (r) => out.push(r));
      return out;
    },
  };
}

export function points(m: Metric | undefined): NumberDataPoint[] {
  return m?.sum?.dataPoints ?? m?.gauge?.dataPoints ?? [];
}

export function histogramPoints(m: Metric | undefined): HistogramDataPoint[] {
  return m?.histogram?.dataPoints ?? [];
}

/** Attributes as a plain object, for deepEqual. */
export function attrs(kvs: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));
}
