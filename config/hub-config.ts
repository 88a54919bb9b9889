// From loaded YAML to a checked HubConfig: the top level, plugins, every component's config against its
// factory's schema, then the pipeline graph. Every issue is collected; none stops the others being found.
import { dirname } from 'node:path';
import type { ConfigIssue, Kind } from '../core/component.ts';
import { parseId, TYPE_PATTERN } from '../core/component.ts';
import type { LogLevel } from '../core/logger.ts';
import type { GraphConfig, PipelineConfig } from '../core/pipelines.ts';
import { checkPipelines, pipelineTypeOf } from '../core/pipelines.ts';
import type { Registry } from '../core/registry.ts';
import type { MetricsLevel } from '../core/telemetry.ts';
import type { PrometheusReader } from '../core/prometheus-text.ts';
import { hubResource, telemetryReaders } from './telemetry-config.ts';
import type { LocatedIssue } from './issues.ts';
import type { LoadedConfig } from './load.ts';
import { loadPlugins } from './plugins.ts';
import { checkFiles, fileRefs } from './file-check.ts';
import type { FileRef } from './file-check.ts';
import { suggest, validateConfig } from './schema.ts';
import { topLevelSchema } from './service-schema.ts';
import { missingComponent, missingMessage } from './missing-components.ts';
import type { ConfigNotice } from './implicit.ts';
import { addImplicitExtensions, deprecatedNames } from './implicit.ts';

export interface TelemetryConfig {
  logs: { level: LogLevel; encoding: 'json' | 'console' };
  metrics: { level: MetricsLevel; readers: PrometheusReader[] };
  /** The hub's resource: service.name, service.version, service.instance.id unless the config sets or removes them. */
  resource: Record<string, string>;
}

export interface HubConfig extends GraphConfig {
  plugins: string[];
  service: GraphConfig['service'] & { telemetry: TelemetryConfig; shutdown_timeout: number };
}

export const SECTIONS = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
} as const;
type Section = keyof typeof SECTIONS;

function checkComponents(
  section: Section,
  raw: Record<string, unknown>,
  registry: Registry,
  issues: ConfigIssue[],
  files: FileRef[],
): Record<string, unknown> {
  const kind: Kind = SECTIONS[section];
  const out: Record<string, unknown> = {};
  for (const [id, cfg] of Object.entries(raw)) {
    const at = [section, id];
    const { type, name } = parseId(id);
    if (!TYPE_PATTERN.test(type) || name === '') {
      issues.push({
        path: at,
        message: `invalid ID "${id}": expected type or type/name, the type in lower_snake_case`,
      });
      continue;
    }
    const f = registry.get(kind, type);
    const missing = f ? undefined : missingComponent(kind, type);
    if (missing) {
      issues.push({ path: at, message: missingMessage(missing) });
      out[id] = cfg;
      continue;
    }
    if (!f) {
      const known = registry.types(kind);
      const close = suggest(type, known);
      const hint = close ? ` (did you mean "${close}"?)` : known.length ? ` (known: ${known.join(', ')})` : '';
      issues.push({ path: at, message: `unknown ${kind} type "${type}"${hint}` });
      out[id] = cfg;
      continue;
    }
    const v = validateConfig(f.configSchema, cfg);
    for (const i of v.issues) issues.push({ path: [...at, ...i.path], message: i.message });
    // Validate() runs only on a config that passed the schema: it may rely on the types being right.
    if (v.issues.length === 0 && f.validate) {
      for (const i of f.validate(v.value)) issues.push({ path: [...at, ...i.path], message: i.message });
    }
    if (v.issues.length === 0) files.push(...fileRefs(v.value, f.configSchema, at));
    out[id] = v.value;
  }
  return out;
}

/**
 * Each processor's checks for the pipeline types it is used in (ProcessorFactory.validateForPipeline), once per
 * processor and type, for processors whose config has no problem already (the check may rely on its types).
 */
function pipelineTypeIssues(
  processors: Record<string, unknown>,
  pipelines: Record<string, PipelineConfig>,
  registry: Registry,
  found: readonly ConfigIssue[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const done = new Set<string>();
  for (const [pid, p] of Object.entries(pipelines)) {
    const type = pipelineTypeOf(pid);
    if (!type) continue;
    for (const id of p.processors) {
      const f = registry.get('processor', parseId(id).type);
      if (!f?.validateForPipeline || !(id in processors) || done.has(`${id} ${type}`)) continue;
      done.add(`${id} ${type}`);
      if (found.some((i) => i.path[0] === 'processors' && i.path[1] === id)) continue;
      for (const i of f.validateForPipeline(processors[id], type))
        issues.push({ path: ['processors', id, ...i.path], message: `${i.message} (used in pipeline "${pid}")` });
    }
  }
  return issues;
}

// Connectors are refused as a whole, naming what to use instead for the ones the Collector's users most often write.
function connectorIssues(connectors: unknown): ConfigIssue[] {
  const general = {
    path: ['connectors'],
    message: 'connectors are not supported by otelhub; use one pipeline per signal',
  };
  if (!connectors || typeof connectors !== 'object') return [general];
  const known = Object.keys(connectors).flatMap((id) => {
    const m = missingComponent('connector', parseId(id).type);
    return m ? [{ path: ['connectors', id], message: missingMessage(m) }] : [];
  });
  return known.length === Object.keys(connectors).length && known.length > 0 ? known : [general, ...known];
}

interface RawTelemetry {
  metrics?: Parameters<typeof telemetryReaders>[0];
  resource?: Record<string, string | null>;
}

function locate(loaded: LoadedConfig, issues: ConfigIssue[]): LocatedIssue[] {
  return issues.map((i) => {
    const location = loaded.locate(i.path);
    const message = loaded.scrub(i.message);
    return location ? { ...i, message, location } : { ...i, message };
  });
}

/** Checks a loaded config against the registry (which plugins listed in it extend). */
export async function resolveHubConfig(
  loaded: LoadedConfig,
  registry: Registry,
  /** Read the files the config names (file-check.ts): validate and start do, print-config does not. */
  opts: { checkFiles?: boolean } = {},
): Promise<{ config?: HubConfig; issues: LocatedIssue[]; notices: ConfigNotice[] }> {
  const issues: ConfigIssue[] = [];
  const raw = { ...loaded.value };
  if ('connectors' in raw) {
    issues.push(...connectorIssues(raw.connectors));
    delete raw.connectors;
  }
  const top = validateConfig(topLevelSchema, raw);
  issues.push(...top.issues);
  const v = (top.value ?? {}) as Partial<HubConfig> & Record<string, unknown>;

  const plugins = Array.isArray(v.plugins) ? v.plugins.filter((p) => typeof p === 'string') : [];
  issues.push(
    ...(await loadPlugins(
      plugins.map((spec, i) => {
        const file = loaded.locate(['plugins', i])?.file;
        return { spec, baseDir: file ? dirname(file) : process.cwd(), path: ['plugins', i] };
      }),
      registry,
    )),
  );

  const sections = {} as Record<Section, Record<string, unknown>>;
  const files: FileRef[] = [];
  for (const s of Object.keys(SECTIONS) as Section[]) {
    const m = v[s];
    sections[s] = m && typeof m === 'object' && !Array.isArray(m) ? checkComponents(s, m, registry, issues, files) : {};
  }
  // What start will read, read now: validate refuses a missing or unparseable file as start would, and start reports
  // every such file at once, at its key.
  if (opts.checkFiles) issues.push(...(await checkFiles(files)));

  const notices = deprecatedNames(sections, registry);
  const service = v.service;
  if (service && typeof service === 'object' && service.pipelines) {
    const pipelines: Record<string, PipelineConfig> = {};
    for (const [pid, p] of Object.entries(service.pipelines)) {
      pipelines[pid] = {
        receivers: p?.receivers ?? [],
        processors: p?.processors ?? [],
        exporters: p?.exporters ?? [],
      };
    }
    service.pipelines = pipelines;
    notices.push(...addImplicitExtensions(sections, service, registry));
    issues.push(...checkPipelines({ ...sections, service }, registry));
    issues.push(...pipelineTypeIssues(sections.processors, pipelines, registry, issues));
    const t = service.telemetry as unknown as RawTelemetry | undefined;
    if (t?.metrics) {
      service.telemetry.metrics = telemetryReaders(t.metrics, issues, notices);
      service.telemetry.resource = hubResource(t.resource ?? {});
    }
  }
  if (issues.length > 0) return { issues: locate(loaded, issues), notices };
  return { config: { ...sections, plugins, service: service as HubConfig['service'] }, issues: [], notices };
}
