// verbosity: normal: one line per record (per data point for metrics), the fields one needs to recognise it.
import type { Logs, Message, Messages, Metric, Metrics, Traces } from '../../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, forEachSpan } from '../../core/pdata/index.ts';
import { metricTypeName } from './format-detailed-metrics.ts';
import {
  double,
  duration,
  hex,
  inlineAttributes,
  oneLine,
  payloadText,
  severityName,
  spanKindName,
  statusCodeName,
  timestamp,
  valueText,
} from './format-values.ts';

/** Payloads are cut here: a line should stay readable; detailed shows all of it. */
export const NORMAL_PAYLOAD_MAX = 256;

function line(...parts: string[]): string {
  return oneLine(parts.filter((p) => p !== '').join(' '));
}

export function normalTraces(td: Traces): string[] {
  const out: string[] = [];
  forEachSpan(td, (s) => {
    const status = statusCodeName(s.status.code) + (s.status.message === '' ? '' : `: ${s.status.message}`);
    out.push(
      line(
        s.name,
        `trace_id=${hex(s.traceId)}`,
        `span_id=${hex(s.spanId)}`,
        `kind=${spanKindName(s.kind)}`,
        `duration=${duration(s.endTimeUnixNano - s.startTimeUnixNano)}`,
        `status=${status}`,
        inlineAttributes(s.attributes),
      ),
    );
  });
  return out;
}

export function normalMetrics(md: Metrics): string[] {
  const out: string[] = [];
  forEachMetric(md, (m) => metricLines(m, out));
  return out;
}

function metricLines(m: Metric, out: string[]): void {
  const type = metricTypeName(m);
  const head = (attrs: Parameters<typeof inlineAttributes>[0]): string =>
    attrs.length === 0 ? m.name : `${m.name}{${inlineAttributes(attrs, ',')}}`;
  const points = m.gauge?.dataPoints ?? m.sum?.dataPoints;
  if (points) {
    for (const p of points) {
      const v = p.asInt !== undefined ? p.asInt.toString() : p.asDouble !== undefined ? double(p.asDouble) : '';
      out.push(line(head(p.attributes), type, v));
    }
  }
  for (const p of m.histogram?.dataPoints ?? []) {
    out.push(
      line(
        head(p.attributes),
        type,
        summaryOf(p),
        `buckets=[${p.bucketCounts.join(',')}]`,
        `bounds=[${p.explicitBounds.map(double).join(',')}]`,
      ),
    );
  }
  for (const p of m.exponentialHistogram?.dataPoints ?? []) {
    out.push(line(head(p.attributes), type, summaryOf(p), `scale=${p.scale}`, `zero_count=${p.zeroCount}`));
  }
  for (const p of m.summary?.dataPoints ?? []) {
    const quantiles = p.quantileValues.map((q) => `q${double(q.quantile)}=${double(q.value)}`);
    out.push(line(head(p.attributes), type, `count=${p.count}`, `sum=${double(p.sum)}`, ...quantiles));
  }
  if (
    points === undefined &&
    m.histogram === undefined &&
    m.exponentialHistogram === undefined &&
    m.summary === undefined
  ) {
    out.push(line(m.name, type));
  }
}

function summaryOf(p: { count: number; sum?: number; min?: number; max?: number }): string {
  const parts = [`count=${p.count}`];
  if (p.sum !== undefined) parts.push(`sum=${double(p.sum)}`);
  if (p.min !== undefined) parts.push(`min=${double(p.min)}`);
  if (p.max !== undefined) parts.push(`max=${double(p.max)}`);
  return parts.join(' ');
}

export function normalLogs(ld: Logs): string[] {
  const out: string[] = [];
  forEachLogRecord(ld, (r) => {
    // The data model says to fall back to the observed time when the event time is unknown.
    const time = r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano;
    const severity = `${r.severityText === '' ? severityName(r.severityNumber) : r.severityText}(${r.severityNumber})`;
    out.push(line(timestamp(time), severity, valueText(r.body), inlineAttributes(r.attributes)));
  });
  return out;
}

export function normalMessages(md: Messages): string[] {
  return md.messages.map((m) =>
    line(
      m.topic,
      `qos=${m.qos}`,
      `retain=${m.retain}`,
      `size=${m.payload.byteLength}`,
      `payload=${payloadSummary(m)}`,
      m.properties.userProperties.map(([k, v]) => `${k}=${v}`).join(' '),
    ),
  );
}

function payloadSummary(m: Message): string {
  const cut = m.payload.byteLength > NORMAL_PAYLOAD_MAX;
  const bytes = cut ? m.payload.subarray(0, NORMAL_PAYLOAD_MAX) : m.payload;
  // A cut can split a multi-byte character: decide text-or-binary on the whole payload.
  const text = payloadText(m.payload) === undefined ? undefined : new TextDecoder().decode(bytes);
  const shown = text === undefined ? `0x${hex(bytes)}` : JSON.stringify(text);
  return cut ? `${shown}...` : shown;
}
