// The labels of a Prometheus series, from a data point's attributes and its resource and scope, as the Collector's
// exporter builds them: attribute names sanitised (values of names that collide joined with `;`, in key order),
// `job` / `instance` from service.namespace / service.name / service.instance.id, `otel_scope_*` from the scope,
// external labels where nothing else set them, then the type's own labels (`le`, `quantile`) and `__name__`.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../core/pdata/index.ts';
import { labelName } from './names.ts';

export interface Label {
  name: string;
  value: string;
}

/** An attribute's value as a label value: strings as they are, the rest as JSON (as the Collector's AsString). */
export function labelValue(v: AnyValue): string {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  if ('arrayValue' in v) return JSON.stringify(v.arrayValue.values.map(plain));
  if ('kvlistValue' in v)
    return JSON.stringify(Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, plain(kv.value)])));
  return '';
}

function plain(v: AnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  if ('arrayValue' in v) return v.arrayValue.values.map(plain);
  if ('kvlistValue' in v) return Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, plain(kv.value)]));
  return null;
}

const find = (attrs: KeyValue[], key: string): string | undefined => {
  const kv = attrs.find((a) => a.key === key);
  return kv ? labelValue(kv.value) : undefined;
};

/** `job` and `instance` for a resource, as the compatibility specification derives them. */
export function jobAndInstance(resource: Resource): { job?: string; instance?: string } {
  const name = find(resource.attributes, 'service.name');
  const ns = find(resource.attributes, 'service.namespace');
  const instance = find(resource.attributes, 'service.instance.id');
  const job = name === undefined || name === '' ? undefined : ns ? `${ns}/${name}` : name;
  return { job, instance: instance === '' ? undefined : instance };
}

export interface LabelContext {
  escape: boolean;
  externalLabels: Label[];
  /** resource_to_telemetry_conversion: every resource attribute becomes a label too. */
  resourceAttributes: boolean;
  /** disable_scope_info false: otel_scope_name, otel_scope_version and otel_scope_<attribute> labels. */
  scopeLabels: boolean;
}

/** Attributes by sanitised name; values of names that collide joined with `;`, in key order. */
function group(attrs: KeyValue[], escape: boolean): Map<string, string> {
  const byName = new Map<string, string>();
  for (const kv of [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const n = labelName(kv.key, escape);
    if (n === '') continue;
    const value = labelValue(kv.value);
    const before = byName.get(n);
    byName.set(n, before === undefined ? value : `${before};${value}`);
  }
  return byName;
}

/** Labels of one series; `extra` (le, quantile) and the name are added last and win. */
export function seriesLabels(
  ctx: LabelContext,
  resource: Resource,
  scope: InstrumentationScope,
  attributes: KeyValue[],
  name: string,
  extra: Label[] = [],
): Label[] {
  // A data point's own attribute wins over a resource attribute of the same name.
  const merged = new Map([
    ...(ctx.resourceAttributes ? group(resource.attributes, ctx.escape) : []),
    ...group(attributes, ctx.escape),
  ]);
  const labels = new Map<string, string>(merged);
  if (ctx.scopeLabels && scope.name !== '') {
    labels.set('otel_scope_name', scope.name);
    if (scope.version !== '') labels.set('otel_scope_version', scope.version);
    for (const kv of scope.attributes) {
      const n = labelName(`otel_scope_${kv.key}`, ctx.escape);
      if (n !== '') labels.set(n, labelValue(kv.value));
    }
  }
  const { job, instance } = jobAndInstance(resource);
  if (job !== undefined) labels.set('job', job);
  if (instance !== undefined) labels.set('instance', instance);
  for (const l of ctx.externalLabels) if (!labels.has(l.name)) labels.set(l.name, l.value);
  for (const l of extra) labels.set(l.name, l.value);
  labels.set('__name__', name);
  return [...labels]
    .filter(([, v]) => v !== '')
    .map(([n, value]) => ({ name: n, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
