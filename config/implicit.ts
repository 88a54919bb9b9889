// Two things a config may lean on that the hub fills in, each said once in the log: a component type under a
// deprecated name (the Collector renamed `azureblob` to `azure_blob`), and an extension a component uses but the
// config never declares (an encoding extension, which has sane defaults), created with its defaults.
import type { Kind } from '../core/component.ts';
import { parseId } from '../core/component.ts';
import type { Registry } from '../core/registry.ts';
import { validateConfig } from './schema.ts';

/** A line for the hub's log once its logger exists (cli/hub.ts logs them first). */
export interface ConfigNotice {
  level: 'info' | 'warn';
  msg: string;
  fields?: Record<string, unknown>;
}

type Sections = Record<'receivers' | 'processors' | 'exporters' | 'extensions', Record<string, unknown>>;
const KIND_OF = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
} as const;

/** One warning per component ID declared under a deprecated type name. */
export function deprecatedNames(sections: Sections, registry: Registry): ConfigNotice[] {
  const out: ConfigNotice[] = [];
  for (const [section, kind] of Object.entries(KIND_OF) as [keyof Sections, Kind][]) {
    for (const id of Object.keys(sections[section])) {
      const { type, name } = parseId(id);
      const now = registry.renamedTo(kind, type);
      if (now === undefined) continue;
      const renamed = name === undefined ? now : `${now}/${name}`;
      out.push({
        level: 'warn',
        msg: `${kind} type "${type}" is deprecated: rename "${id}" to "${renamed}" (the Collector renamed it too)`,
        fields: { kind, name: id },
      });
    }
  }
  return out;
}

/**
 * Extensions the exporters in use name (implicitExtensions) but the config does not declare: each is added to
 * `extensions` with its defaults and to `service.extensions`, with one info line saying what to add to silence it.
 * An ID whose type is unknown is left alone: the exporter's start says it is missing.
 */
export function addImplicitExtensions(
  sections: Sections,
  service: { extensions?: string[]; pipelines?: Record<string, { exporters: string[] }> },
  registry: Registry,
): ConfigNotice[] {
  const out: ConfigNotice[] = [];
  const used = new Set(Object.values(service.pipelines ?? {}).flatMap((p) => p.exporters));
  for (const id of used) {
    const f = registry.get('exporter', parseId(id).type);
    const cfg = sections.exporters[id];
    if (!f?.implicitExtensions || cfg === undefined) continue;
    let ids: unknown[];
    try {
      ids = f.implicitExtensions(cfg);
    } catch {
      continue; // a config its schema refused (reported already) may lack what the factory reads
    }
    for (const ext of ids) {
      if (typeof ext !== 'string') continue;
      if (ext in sections.extensions) continue;
      const ef = registry.get('extension', parseId(ext).type);
      if (!ef) continue;
      const v = validateConfig(ef.configSchema, {});
      if (v.issues.length > 0) continue; // no usable defaults: the exporter's start refuses it
      sections.extensions[ext] = v.value;
      service.extensions = [...(service.extensions ?? []), ext];
      out.push({
        level: 'info',
        msg:
          `extension "${ext}" is used by exporter "${id}" but not declared: created with its defaults; ` +
          `declare it under extensions and list it in service.extensions to silence this`,
        fields: { kind: 'extension', name: ext },
      });
    }
  }
  return out;
}
