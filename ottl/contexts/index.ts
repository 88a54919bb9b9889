// Contexts: which paths each has, which higher contexts it reaches (a span statement reads resource.attributes),
// which enums it knows, and how a statement's context is inferred from its path prefixes.
import { resourceFields, scopeFields } from './common.ts';
import { logFields } from './logs.ts';
import { dataPointFields, metricFields } from './metrics.ts';
import { spanEventFields, spanFields } from './traces.ts';
import type { ContextName, Field, FieldTable, SignalName } from './types.ts';

export type { ContextName, SignalName, TransformContext, Field } from './types.ts';

export const FIELDS: Readonly<Record<ContextName, FieldTable>> = {
  resource: resourceFields,
  scope: scopeFields,
  span: spanFields,
  spanevent: spanEventFields,
  metric: metricFields,
  datapoint: dataPointFields,
  log: logFields,
};

/** Each context and the contexts above it, highest first. */
export const LINEAGE: Readonly<Record<ContextName, readonly ContextName[]>> = {
  resource: ['resource'],
  scope: ['resource', 'scope'],
  span: ['resource', 'scope', 'span'],
  spanevent: ['resource', 'scope', 'span', 'spanevent'],
  metric: ['resource', 'scope', 'metric'],
  datapoint: ['resource', 'scope', 'metric', 'datapoint'],
  log: ['resource', 'scope', 'log'],
};

/** The contexts of each signal, highest first. */
export const SIGNAL_CONTEXTS: Readonly<Record<SignalName, readonly ContextName[]>> = {
  traces: ['resource', 'scope', 'span', 'spanevent'],
  metrics: ['resource', 'scope', 'metric', 'datapoint'],
  logs: ['resource', 'scope', 'log'],
};

/** Path prefixes naming a context; `instrumentation_scope` is the Collector's older name for `scope`. */
export const PREFIXES: Readonly<Record<string, ContextName>> = {
  resource: 'resource',
  scope: 'scope',
  instrumentation_scope: 'scope',
  span: 'span',
  spanevent: 'spanevent',
  metric: 'metric',
  datapoint: 'datapoint',
  log: 'log',
};

function series(prefix: string, names: readonly string[], from = 0): [string, bigint][] {
  return names.map((n, i) => [`${prefix}_${n}`, BigInt(from + i)]);
}

function severities(): [string, bigint][] {
  const out: [string, bigint][] = [['SEVERITY_NUMBER_UNSPECIFIED', 0n]];
  ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((level, i) => {
    for (let k = 1; k <= 4; k++) out.push([`SEVERITY_NUMBER_${level}${k === 1 ? '' : k}`, BigInt(i * 4 + k)]);
  });
  return out;
}

export const ENUMS: Readonly<Record<SignalName, ReadonlyMap<string, bigint>>> = {
  traces: new Map([
    ...series('SPAN_KIND', ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']),
    ...series('STATUS_CODE', ['UNSET', 'OK', 'ERROR']),
  ]),
  metrics: new Map([
    ...series('METRIC_DATA_TYPE', ['NONE', 'GAUGE', 'SUM', 'HISTOGRAM', 'EXPONENTIAL_HISTOGRAM', 'SUMMARY']),
    ...series('AGGREGATION_TEMPORALITY', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']),
  ]),
  logs: new Map(severities()),
};

export type PathResolution =
  | { ok: true; context: ContextName; field: Field; name: string }
  | { ok: false; error: string };

/**
 * Resolves `names` (the dotted part of a path) in `context`. A first name that is a context prefix selects that
 * context when `context` reaches it; otherwise the path is the context's own (refused when `requirePrefix`).
 */
export function resolvePath(names: readonly string[], context: ContextName, requirePrefix: boolean): PathResolution {
  const first = names[0] ?? '';
  const prefixed = PREFIXES[first];
  let target = context;
  let rest = names;
  if (prefixed !== undefined && names.length > 1) {
    if (!LINEAGE[context].includes(prefixed))
      return { ok: false, error: `path ${names.join('.')}: the ${context} context cannot reach ${prefixed}` };
    target = prefixed;
    rest = names.slice(1);
  } else if (requirePrefix) {
    return {
      ok: false,
      error: `path ${names.join('.')} needs a context prefix (${LINEAGE[context].map((c) => `${c}.`).join(', ')})`,
    };
  }
  const name = rest.join('.');
  const field = FIELDS[target][name];
  if (!field) {
    const known = Object.keys(FIELDS[target]).join(', ');
    return { ok: false, error: `unknown path ${names.join('.')} in the ${target} context (known: ${known})` };
  }
  return { ok: true, context: target, field, name };
}

/**
 * The lowest context named by a prefix among `firstNames` (the first name of each path), within `signal`: a string
 * is an error (a prefix of another signal), undefined when no path names a context.
 */
export function inferContext(
  firstNames: readonly string[],
  signal: SignalName,
): { context: ContextName } | { error: string } | undefined {
  const order = SIGNAL_CONTEXTS[signal];
  let best = -1;
  for (const n of firstNames) {
    const c = PREFIXES[n];
    if (c === undefined) continue;
    const at = order.indexOf(c);
    if (at < 0) return { error: `${c} is not a context of ${signal} (those are ${order.join(', ')})` };
    best = Math.max(best, at);
  }
  const context = order[best];
  return context === undefined ? undefined : { context };
}
