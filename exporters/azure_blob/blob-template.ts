// The Collector exporter's blob name templates (template_enabled): Go text/template actions calling its helper
// functions on the request's data, e.g. `{{ getResourceLogAttr . 0 "service.name" }}/2006/01/02/logs.json` or
// `{{ (getSpan . 0 0 0).Name }}`. Only what those helpers make possible is understood: a call of one of them with
// `.`, integers and quoted strings, optionally in parentheses followed by a field; anything else is refused when
// the config is checked. Printed as Go prints the values: a missing attribute as `<no value>`, IDs in hex.
import type { AnyValue, KeyValue, Logs, Metrics, PipelineType, SignalDataMap, Traces } from '../../core/pdata/index.ts';
import { doubleText, toHex } from '../../core/pdata/index.ts';

type Arg = { root: true } | { int: number } | { str: string };
interface Action {
  fn: string;
  args: Arg[];
  field?: string;
}
type Part = string | Action;

/** Each helper: its signal, how many indexes it takes after `.`, whether a string key follows. */
const FUNCS: Record<string, { signal: PipelineType; indexes: number; key: boolean }> = {
  getResourceSpanAttr: { signal: 'traces', indexes: 1, key: true },
  getResourceMetricAttr: { signal: 'metrics', indexes: 1, key: true },
  getResourceLogAttr: { signal: 'logs', indexes: 1, key: true },
  getScopeSpanAttr: { signal: 'traces', indexes: 2, key: true },
  getScopeMetricAttr: { signal: 'metrics', indexes: 2, key: true },
  getScopeLogAttr: { signal: 'logs', indexes: 2, key: true },
  getSpan: { signal: 'traces', indexes: 3, key: false },
  getMetric: { signal: 'metrics', indexes: 3, key: false },
  getLogRecord: { signal: 'logs', indexes: 3, key: false },
};
/** Fields of the objects getSpan, getMetric and getLogRecord return, by their Go method names. */
const FIELDS: Record<string, string[]> = {
  getSpan: ['Name', 'TraceID', 'SpanID', 'ParentSpanID', 'TraceState'],
  getMetric: ['Name', 'Description', 'Unit'],
  getLogRecord: ['TraceID', 'SpanID', 'SeverityText', 'EventName'],
};

const ARG = /^(?:(\.)|(-?\d+)|"((?:[^"\\]|\\.)*)")\s*/;

function parseAction(text: string): Action {
  let s = text.trim();
  let field: string | undefined;
  const paren = /^\((.*)\)\.([A-Za-z]+)$/.exec(s);
  if (paren) {
    s = (paren[1] ?? '').trim();
    field = paren[2];
  }
  const fn = /^([A-Za-z]+)\s*/.exec(s);
  const name = fn?.[1] ?? '';
  const spec = FUNCS[name];
  if (!fn || !spec) throw new Error(`{{${text}}}: expected one of ${Object.keys(FUNCS).join(', ')}`);
  s = s.slice(fn[0].length);
  const args: Arg[] = [];
  while (s.length > 0) {
    const m = ARG.exec(s);
    if (!m) throw new Error(`{{${text}}}: cannot read the arguments at "${s}"`);
    if (m[1]) args.push({ root: true });
    else if (m[2] !== undefined) args.push({ int: Number(m[2]) });
    else args.push({ str: JSON.parse(`"${m[3] ?? ''}"`) as string });
    s = s.slice(m[0].length);
  }
  const want = 1 + spec.indexes + (spec.key ? 1 : 0);
  const shapeOk =
    args.length === want &&
    'root' in (args[0] ?? {}) &&
    args.slice(1, 1 + spec.indexes).every((a) => 'int' in a) &&
    (!spec.key || 'str' in (args[want - 1] ?? {}));
  if (!shapeOk)
    throw new Error(
      `{{${text}}}: ${name} takes . then ${spec.indexes} index(es)${spec.key ? ' and a quoted key' : ''}`,
    );
  if (field !== undefined && !(FIELDS[name] ?? []).includes(field))
    throw new Error(
      `{{${text}}}: ${name} has no field ${field}${FIELDS[name] ? ` (known: ${FIELDS[name].join(', ')})` : ''}`,
    );
  if (field === undefined && FIELDS[name])
    throw new Error(`{{${text}}}: use a field of ${name}, e.g. (${name} ...).Name`);
  return field === undefined ? { fn: name, args } : { fn: name, args, field };
}

/** A format split into text and actions; throws on an action it cannot run, naming it. */
export function parseTemplate(format: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  for (;;) {
    const open = format.indexOf('{{', i);
    if (open < 0) break;
    const close = format.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`unclosed action at character ${open}`);
    if (open > i) parts.push(format.slice(i, open));
    parts.push(parseAction(format.slice(open + 2, close).replace(/^-\s|\s-$/g, ' ')));
    i = close + 2;
  }
  if (i < format.length) parts.push(format.slice(i));
  return parts;
}

function goValue(v: AnyValue | undefined): string {
  if (v === undefined) return '<no value>';
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('doubleValue' in v) return doubleText(v.doubleValue);
  if ('bytesValue' in v) return `[${[...v.bytesValue].join(' ')}]`;
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(goValue).join(' ')}]`;
  if ('kvlistValue' in v)
    return `map[${[...v.kvlistValue.values]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((kv) => `${kv.key}:${goValue(kv.value)}`)
      .join(' ')}]`;
  return '<nil>';
}

const attr = (attrs: KeyValue[], key: string): string => goValue(attrs.find((kv) => kv.key === key)?.value);

function at<T>(list: T[], i: number, what: string): T {
  const v = list[i];
  if (v === undefined) throw new Error(`index out of range: ${what}[${i}] of ${list.length}`);
  return v;
}

function run(a: Action, data: SignalDataMap[PipelineType]): string {
  const [i = 0, j = 0, k = 0] = a.args.flatMap((x) => ('int' in x ? [x.int] : []));
  const key = a.args.flatMap((x) => ('str' in x ? [x.str] : []))[0] ?? '';
  const t = data as Traces;
  const m = data as Metrics;
  const l = data as Logs;
  // As the Collector's helpers: an empty batch gives no value (or an empty object), an index beyond it an error.
  switch (a.fn) {
    case 'getResourceSpanAttr':
      return t.resourceSpans.length ? attr(at(t.resourceSpans, i, 'resource').resource.attributes, key) : '<no value>';
    case 'getResourceMetricAttr':
      return m.resourceMetrics.length
        ? attr(at(m.resourceMetrics, i, 'resource').resource.attributes, key)
        : '<no value>';
    case 'getResourceLogAttr':
      return l.resourceLogs.length ? attr(at(l.resourceLogs, i, 'resource').resource.attributes, key) : '<no value>';
    case 'getScopeSpanAttr': {
      const s = t.resourceSpans.length ? at(t.resourceSpans, i, 'resource').scopeSpans : [];
      return s.length ? attr(at(s, j, 'scope').scope.attributes, key) : '<no value>';
    }
    case 'getScopeMetricAttr': {
      const s = m.resourceMetrics.length ? at(m.resourceMetrics, i, 'resource').scopeMetrics : [];
      return s.length ? attr(at(s, j, 'scope').scope.attributes, key) : '<no value>';
    }
    case 'getScopeLogAttr': {
      const s = l.resourceLogs.length ? at(l.resourceLogs, i, 'resource').scopeLogs : [];
      return s.length ? attr(at(s, j, 'scope').scope.attributes, key) : '<no value>';
    }
    case 'getSpan': {
      const s = t.resourceSpans.length ? at(t.resourceSpans, i, 'resource').scopeSpans : [];
      const sp = s.length ? at(s, j, 'scope').spans : [];
      const span = sp.length ? at(sp, k, 'span') : undefined;
      if (a.field === 'Name') return span?.name ?? '';
      if (a.field === 'TraceState') return span?.traceState ?? '';
      const id = a.field === 'TraceID' ? span?.traceId : a.field === 'SpanID' ? span?.spanId : span?.parentSpanId;
      return toHex(id ?? new Uint8Array());
    }
    case 'getMetric': {
      const s = m.resourceMetrics.length ? at(m.resourceMetrics, i, 'resource').scopeMetrics : [];
      const ms = s.length ? at(s, j, 'scope').metrics : [];
      const metric = ms.length ? at(ms, k, 'metric') : undefined;
      return (a.field === 'Name' ? metric?.name : a.field === 'Unit' ? metric?.unit : metric?.description) ?? '';
    }
    default: {
      const s = l.resourceLogs.length ? at(l.resourceLogs, i, 'resource').scopeLogs : [];
      const rs = s.length ? at(s, j, 'scope').logRecords : [];
      const r = rs.length ? at(rs, k, 'log record') : undefined;
      if (a.field === 'SeverityText') return r?.severityText ?? '';
      if (a.field === 'EventName') return r?.eventName ?? '';
      return toHex((a.field === 'TraceID' ? r?.traceId : r?.spanId) ?? new Uint8Array());
    }
  }
}

/** The signal a helper reads, to refuse `getSpan` in logs_format. */
export function templateSignals(parts: Part[]): PipelineType[] {
  return parts.flatMap((p) => (typeof p === 'string' ? [] : [FUNCS[p.fn]?.signal ?? 'logs']));
}

/** Runs the template on one request's data; throws when an index is out of range. */
export function renderTemplate(parts: Part[], data: SignalDataMap[PipelineType]): string {
  return parts.map((p) => (typeof p === 'string' ? p : run(p, data))).join('');
}

export type { Part as TemplatePart };
