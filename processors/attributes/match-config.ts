// `include` / `exclude` of the attributes processor: the Collector's filterconfig.MatchProperties, its schema and
// the checks that hold whatever the pipeline. Which properties a signal accepts is checked when the processor is
// created for a pipeline (match-signal.ts), since one processor may serve pipelines of several types.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { SeverityNumber } from '../../core/pdata/index.ts';
import { compileGoRegexp } from '../helper/attr-actions/go-regexp.ts';

export type MatchType = 'strict' | 'regexp';

export interface AttributeMatch {
  key: string;
  /** Absent: the key being present is enough. */
  value?: unknown;
}

export interface LibraryMatch {
  name: string;
  /** Absent: any version; '' matches only an empty version. */
  version?: string;
}

export interface SeverityNumberMatch {
  /** A SeverityNumber (0 to 24) or its name (`INFO`, `warn2`), as written. */
  min: number | string;
  /** Whether a record with no severity number (0) matches. */
  match_undefined: boolean;
}

export interface MatchProperties {
  match_type: MatchType;
  /** The Collector's regexp result cache settings: accepted for compatibility, no effect here. */
  regexp?: { cacheenabled?: boolean; cachemaxnumentries?: number };
  services?: string[];
  span_names?: string[];
  span_kinds?: string[];
  log_bodies?: string[];
  log_severity_texts?: string[];
  log_severity_number?: SeverityNumberMatch;
  metric_names?: string[];
  attributes?: AttributeMatch[];
  resources?: AttributeMatch[];
  libraries?: LibraryMatch[];
}

export const DEFAULT_MATCH_UNDEFINED = false;

const strings: ConfigSchema = { type: 'array', items: { type: 'string' } };
const attributeList: ConfigSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: { key: { type: 'string', minLength: 1 }, value: {} },
  },
};

export const matchPropertiesSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['match_type'],
  properties: {
    match_type: { type: 'string', enum: ['strict', 'regexp'] },
    regexp: {
      type: 'object',
      additionalProperties: false,
      properties: { cacheenabled: { type: 'boolean' }, cachemaxnumentries: { type: 'integer', minimum: 0 } },
    },
    services: strings,
    span_names: strings,
    span_kinds: strings,
    log_bodies: strings,
    log_severity_texts: strings,
    log_severity_number: {
      type: 'object',
      additionalProperties: false,
      required: ['min'],
      properties: {
        min: { type: ['integer', 'string'] },
        match_undefined: { type: 'boolean', default: DEFAULT_MATCH_UNDEFINED },
      },
    },
    metric_names: strings,
    attributes: attributeList,
    resources: attributeList,
    libraries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string' }, version: { type: 'string' } },
      },
    },
  },
};

/** The span kinds as the Collector spells them (traceutil.SpanKindStr), for `span_kinds` under match_type strict. */
export const SPAN_KIND_NAMES: readonly string[] = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

const SEVERITY_BASES: readonly [string, number][] = [
  ['TRACE', SeverityNumber.TRACE],
  ['DEBUG', SeverityNumber.DEBUG],
  ['INFO', SeverityNumber.INFO],
  ['WARN', SeverityNumber.WARN],
  ['ERROR', SeverityNumber.ERROR],
  ['FATAL', SeverityNumber.FATAL],
];

/** `min` as a SeverityNumber: 0 to 24, or a name (TRACE .. FATAL4, any case, UNSPECIFIED); undefined if neither. */
export function severityNumber(min: number | string): number | undefined {
  if (typeof min === 'number') return Number.isInteger(min) && min >= 0 && min <= 24 ? min : undefined;
  const s = min.trim().toUpperCase();
  if (s === 'UNSPECIFIED') return SeverityNumber.UNSPECIFIED;
  if (/^\d+$/.test(s)) return severityNumber(Number(s));
  for (const [name, n] of SEVERITY_BASES) {
    if (s === name) return n;
    const m = new RegExp(`^${name}([234])$`).exec(s);
    if (m) return n + Number(m[1]) - 1;
  }
  return undefined;
}

/** The keys that select something, in the order the README lists them. */
export const PROPERTY_KEYS = [
  'services',
  'span_names',
  'span_kinds',
  'log_bodies',
  'log_severity_texts',
  'log_severity_number',
  'metric_names',
  'attributes',
  'resources',
  'libraries',
] as const;
export type PropertyKey = (typeof PROPERTY_KEYS)[number];

/** Whether `key` is set to something (an empty list selects nothing, as in the Collector). */
export function isSet(mp: MatchProperties, key: PropertyKey): boolean {
  const v = mp[key];
  return Array.isArray(v) ? v.length > 0 : v !== undefined;
}

/** Checks of one include / exclude block that hold in every pipeline, at `[...at, key, index]`. */
export function matchIssues(mp: MatchProperties, at: readonly (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!PROPERTY_KEYS.some((k) => isSet(mp, k)))
    issues.push({ path: [...at], message: `selects nothing: set at least one of ${PROPERTY_KEYS.join(', ')}` });
  if (mp.match_type === 'regexp') {
    for (const key of [
      'services',
      'span_names',
      'span_kinds',
      'log_bodies',
      'log_severity_texts',
      'metric_names',
    ] as const)
      (mp[key] ?? []).forEach((p, i) => {
        const r = compileGoRegexp(p);
        if (!r.ok) issues.push({ path: [...at, key, i], message: `does not compile: ${r.message}` });
      });
    (mp.libraries ?? []).forEach((l, i) => {
      for (const f of ['name', 'version'] as const) {
        const p = l[f];
        const r = p === undefined ? undefined : compileGoRegexp(p);
        if (r && !r.ok) issues.push({ path: [...at, 'libraries', i, f], message: `does not compile: ${r.message}` });
      }
    });
    for (const key of ['attributes', 'resources'] as const)
      (mp[key] ?? []).forEach((a, i) => {
        if (a.value === undefined || a.value === null) return;
        if (typeof a.value !== 'string')
          return issues.push({
            path: [...at, key, i, 'value'],
            message: 'match_type regexp only matches string values',
          });
        const r = compileGoRegexp(a.value);
        if (!r.ok) issues.push({ path: [...at, key, i, 'value'], message: `does not compile: ${r.message}` });
      });
  } else {
    (mp.span_kinds ?? []).forEach((k, i) => {
      if (!SPAN_KIND_NAMES.slice(1).includes(k))
        issues.push({
          path: [...at, 'span_kinds', i],
          message: `"${k}" is not a span kind; with match_type strict use one of ${SPAN_KIND_NAMES.slice(1).join(', ')}`,
        });
    });
  }
  if (mp.log_severity_number && severityNumber(mp.log_severity_number.min) === undefined)
    issues.push({
      path: [...at, 'log_severity_number', 'min'],
      message: `"${mp.log_severity_number.min}" is not a severity number (0 to 24, or a name such as INFO or WARN2)`,
    });
  return issues;
}
