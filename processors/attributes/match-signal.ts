// include / exclude compiled for one pipeline's signal: which properties the signal accepts (as the Collector's
// ValidateForSpans / ValidateForLogs and its metric matcher), and the predicates over spans, log records and
// metrics. All the properties set must match (AND); within one list, any item (OR).
import type { InstrumentationScope, LogRecord, Metric, PipelineType, Resource, Span } from '../../core/pdata/index.ts';
import { valueText } from '../../core/pdata/index.ts';
import type { MatchProperties, PropertyKey } from './match-config.ts';
import { isSet, PROPERTY_KEYS, severityNumber, SPAN_KIND_NAMES } from './match-config.ts';
import type { AttributesMatcher, StringSet } from './match-values.ts';
import { attributesMatcher, stringSet } from './match-values.ts';

/** The properties each signal can be selected by. */
export const SIGNAL_PROPERTIES: Readonly<Record<PipelineType, readonly PropertyKey[]>> = {
  traces: ['services', 'span_names', 'span_kinds', 'attributes', 'resources', 'libraries'],
  logs: ['log_bodies', 'log_severity_texts', 'log_severity_number', 'attributes', 'resources', 'libraries'],
  metrics: ['metric_names', 'resources'],
};

/** What `mp` cannot do in a pipeline of `signal`: properties it does not accept, or none it does. */
export function signalProblems(mp: MatchProperties, signal: PipelineType): { key?: PropertyKey; message: string }[] {
  const allowed = SIGNAL_PROPERTIES[signal];
  const out: { key?: PropertyKey; message: string }[] = [];
  for (const key of PROPERTY_KEYS)
    if (isSet(mp, key) && !allowed.includes(key))
      out.push({ key, message: `is not valid in ${signal} pipelines (valid: ${allowed.join(', ')})` });
  if (out.length === 0 && !allowed.some((k) => isSet(mp, k)))
    out.push({ message: `selects nothing in ${signal} pipelines: set at least one of ${allowed.join(', ')}` });
  return out;
}

/** A service name as the Collector's span matcher reads it: AsString of service.name, or this when absent. */
const NO_SERVICE_NAME = '<nil-service-name>';

interface Library {
  name: StringSet;
  version: StringSet | undefined;
}

/** One include or exclude block, ready to evaluate. */
export class PropertiesMatcher {
  private readonly services?: StringSet;
  private readonly spanNames?: StringSet;
  private readonly spanKinds?: StringSet;
  private readonly bodies?: StringSet;
  private readonly severityTexts?: StringSet;
  private readonly severity?: { min: number; matchUndefined: boolean };
  private readonly metricNames?: StringSet;
  private readonly attributes?: AttributesMatcher;
  private readonly resources?: AttributesMatcher;
  private readonly libraries: Library[];

  constructor(mp: MatchProperties) {
    const t = mp.match_type;
    const set = (l: string[] | undefined) => (l && l.length > 0 ? stringSet(t, l) : undefined);
    this.services = set(mp.services);
    this.spanNames = set(mp.span_names);
    this.spanKinds = set(mp.span_kinds);
    this.bodies = set(mp.log_bodies);
    this.severityTexts = set(mp.log_severity_texts);
    this.metricNames = set(mp.metric_names);
    if (mp.log_severity_number)
      this.severity = {
        min: severityNumber(mp.log_severity_number.min) ?? 0,
        matchUndefined: mp.log_severity_number.match_undefined,
      };
    if (mp.attributes?.length) this.attributes = attributesMatcher(t, mp.attributes);
    if (mp.resources?.length) this.resources = attributesMatcher(t, mp.resources);
    this.libraries = (mp.libraries ?? []).map((l) => ({
      name: stringSet(t, [l.name]),
      version: l.version === undefined ? undefined : stringSet(t, [l.version]),
    }));
  }

  /** Libraries, resource and attributes: what spans and log records share (the Collector's PropertiesMatcher). */
  private common(attrs: Span['attributes'], resource: Resource, scope: InstrumentationScope): boolean {
    for (const l of this.libraries) {
      if (!l.name.matches(scope.name)) return false;
      if (l.version && !l.version.matches(scope.version)) return false;
    }
    if (this.resources && !this.resources(resource.attributes)) return false;
    return !this.attributes || this.attributes(attrs);
  }

  span(span: Span, resource: Resource, scope: InstrumentationScope): boolean {
    if (this.services) {
      const kv = resource.attributes.find((a) => a.key === 'service.name');
      if (!this.services.matches(kv ? valueText(kv.value) : NO_SERVICE_NAME)) return false;
    }
    if (this.spanNames && !this.spanNames.matches(span.name)) return false;
    if (this.spanKinds && !this.spanKinds.matches(SPAN_KIND_NAMES[span.kind] ?? String(span.kind))) return false;
    return this.common(span.attributes, resource, scope);
  }

  log(record: LogRecord, resource: Resource, scope: InstrumentationScope): boolean {
    if (this.bodies && !this.bodies.matches(valueText(record.body))) return false;
    if (this.severityTexts && !this.severityTexts.matches(record.severityText)) return false;
    if (this.severity) {
      const n = record.severityNumber;
      if (n === 0 ? !this.severity.matchUndefined : n < this.severity.min) return false;
    }
    return this.common(record.attributes, resource, scope);
  }

  metric(metric: Metric, resource: Resource): boolean {
    if (this.metricNames && !this.metricNames.matches(metric.name)) return false;
    return !this.resources || this.resources(resource.attributes);
  }
}

/** include then exclude: an item is acted on when include (if set) matches and exclude (if set) does not. */
export class Selection {
  private readonly include: PropertiesMatcher | undefined;
  private readonly exclude: PropertiesMatcher | undefined;

  constructor(include: MatchProperties | undefined, exclude: MatchProperties | undefined) {
    this.include = include && new PropertiesMatcher(include);
    this.exclude = exclude && new PropertiesMatcher(exclude);
  }

  get everything(): boolean {
    return !this.include && !this.exclude;
  }

  span(s: Span, r: Resource, sc: InstrumentationScope): boolean {
    return (!this.include || this.include.span(s, r, sc)) && !(this.exclude?.span(s, r, sc) ?? false);
  }

  log(l: LogRecord, r: Resource, sc: InstrumentationScope): boolean {
    return (!this.include || this.include.log(l, r, sc)) && !(this.exclude?.log(l, r, sc) ?? false);
  }

  metric(m: Metric, r: Resource): boolean {
    return (!this.include || this.include.metric(m, r)) && !(this.exclude?.metric(m, r) ?? false);
  }
}
