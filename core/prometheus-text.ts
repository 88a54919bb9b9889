// What one pull reader serves: the registry's text exposition, with the hub's resource as the OpenTelemetry
// Prometheus exporter shows it (a `target_info` gauge of value 1 whose labels are the resource attributes, and the
// attributes with_resource_constant_labels picks as labels of every sample), and `_total` left off counters when
// the reader asks for names without type suffixes.

export interface PrometheusReader {
  host: string;
  port: number;
  withoutTypeSuffix: boolean;
  /** Resource attributes copied onto every sample: those included (all when the list is empty) less those excluded. */
  constantLabels?: { included: string[]; excluded: string[] } | undefined;
}

/** An attribute name as a Prometheus label: `service.name` becomes `service_name`. */
export function labelName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `key_${s}` : s;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(attrs: Readonly<Record<string, string>>): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${labelName(k)}="${escapeValue(v)}"`)
    .join(',');
}

// A sample line: name, optional {labels} (values may hold any character but an unescaped quote), the rest.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?( .*)$/;

function pickConstant(
  resource: Readonly<Record<string, string>>,
  pick: NonNullable<PrometheusReader['constantLabels']>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(resource)) {
    if (pick.included.length > 0 && !pick.included.includes(k)) continue;
    if (!pick.excluded.includes(k)) out[k] = v;
  }
  return out;
}

/** The exposition `text` as `reader` serves it, for a hub whose resource is `resource`. */
export function readerText(text: string, reader: PrometheusReader, resource: Readonly<Record<string, string>>): string {
  const constant = reader.constantLabels ? labelText(pickConstant(resource, reader.constantLabels)) : '';
  const counters = new Set<string>();
  if (reader.withoutTypeSuffix) {
    for (const m of text.matchAll(/^# TYPE (\S+_total) counter$/gm)) if (m[1]) counters.add(m[1]);
  }
  const rename = (name: string): string => (counters.has(name) ? name.slice(0, -'_total'.length) : name);
  const lines = text.split('\n').map((line) => {
    const meta = /^# (HELP|TYPE) (\S+)(.*)$/.exec(line);
    if (meta) return `# ${meta[1]} ${rename(meta[2] ?? '')}${meta[3]}`;
    const s = SAMPLE.exec(line);
    if (!s) return line;
    const name = s[1] ?? '';
    if (constant === '') return `${rename(name)}${s[2] ?? ''}${s[3]}`;
    const labels = s[2] ? `{${s[2].slice(1, -1)},${constant}}` : `{${constant}}`;
    return `${rename(name)}${labels}${s[3]}`;
  });
  const target = `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{${labelText(resource)}} 1\n`;
  return `${lines.join('\n').trimEnd()}${text.trim() === '' ? '' : '\n'}${target}`;
}
