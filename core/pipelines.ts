// The pipeline graph's static checks: every reference resolves, every pipeline has an input and an output, and
// the signal flowing along each chain is what the next component accepts.
import type { ConfigIssue, ProcessorFactory } from './component.ts';
import { parseId } from './component.ts';
import type { PipelineType, Signal } from './pdata/index.ts';
import { PIPELINE_TYPES } from './pdata/index.ts';
import type { Registry } from './registry.ts';

export interface PipelineConfig {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/** The parts of a validated config the graph needs: which component IDs are configured, and the pipelines. */
export interface GraphConfig {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  extensions: Record<string, unknown>;
  service: { extensions: string[]; pipelines: Record<string, PipelineConfig> };
}

export function pipelineTypeOf(pipelineId: string): PipelineType | undefined {
  const { type, name } = parseId(pipelineId);
  if (name === '') return undefined;
  return (PIPELINE_TYPES as readonly string[]).includes(type) ? (type as PipelineType) : undefined;
}

/** Processor types that turn `from` into `to` in a pipeline of `type`: what to suggest for a broken chain. */
export function convertersFor(registry: Registry, type: PipelineType, from: Signal, to: Signal): string[] {
  return registry.types('processor').filter((t) => {
    const s = (registry.get('processor', t) as ProcessorFactory).signals[type];
    return s?.accepts === from && s.emits === to;
  });
}

function needConverter(registry: Registry, type: PipelineType, from: Signal, to: Signal): string {
  const conv = convertersFor(registry, type, from, to);
  const hint = conv.length
    ? `add a processor that converts ${from} into ${to} (${conv.map((c) => `"${c}"`).join(' or ')}) before it`
    : `no registered processor converts ${from} into ${to} in a ${type} pipeline`;
  return hint;
}

export function checkPipelines(cfg: GraphConfig, registry: Registry): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const base = ['service', 'pipelines'];
  cfg.service.extensions.forEach((id, i) => {
    if (!(id in cfg.extensions))
      issues.push({
        path: ['service', 'extensions', i],
        message: `references extension "${id}" which is not configured`,
      });
  });
  const pipelines = Object.entries(cfg.service.pipelines);
  if (pipelines.length === 0) issues.push({ path: base, message: 'at least one pipeline is required' });

  for (const [pid, p] of pipelines) {
    const at = [...base, pid];
    const type = pipelineTypeOf(pid);
    if (!type) {
      issues.push({ path: at, message: `pipeline ID must be traces, metrics or logs, optionally followed by /name` });
      continue;
    }
    if (p.receivers.length === 0)
      issues.push({ path: [...at, 'receivers'], message: 'a pipeline needs at least one receiver' });
    if (p.exporters.length === 0)
      issues.push({ path: [...at, 'exporters'], message: 'a pipeline needs at least one exporter' });
    const seen = new Set<string>();
    p.processors.forEach((id, i) => {
      if (seen.has(id))
        issues.push({ path: [...at, 'processors', i], message: `processor "${id}" appears twice in the pipeline` });
      seen.add(id);
    });

    // The signal each receiver emits into this pipeline.
    const emitted = new Set<Signal>();
    p.receivers.forEach((id, i) => {
      const path = [...at, 'receivers', i];
      if (!(id in cfg.receivers))
        return void issues.push({ path, message: `references receiver "${id}" which is not configured` });
      const f = registry.get('receiver', parseId(id).type);
      const sig = f?.signals[type];
      if (f && !sig)
        issues.push({
          path,
          message: `receiver "${id}" cannot feed a ${type} pipeline (it supports ${Object.keys(f.signals).join(', ')})`,
        });
      if (sig) emitted.add(sig);
    });
    if (emitted.size > 1) {
      issues.push({
        path: [...at, 'receivers'],
        message: `receivers emit different signals (${[...emitted].join(', ')}); put them in separate pipelines`,
      });
    }
    let current: Signal | undefined = emitted.size === 1 ? [...emitted][0] : undefined;
    let from = current ? `the receivers` : '';

    p.processors.forEach((id, i) => {
      const path = [...at, 'processors', i];
      if (!(id in cfg.processors))
        return void issues.push({ path, message: `references processor "${id}" which is not configured` });
      const f = registry.get('processor', parseId(id).type);
      const sig = f?.signals[type];
      if (f && !sig) {
        issues.push({
          path,
          message: `processor "${id}" cannot be used in a ${type} pipeline (it supports ${Object.keys(f.signals).join(', ')})`,
        });
        current = undefined;
        return;
      }
      if (!sig) return;
      if (current && sig.accepts !== current) {
        issues.push({
          path,
          message: `processor "${id}" accepts ${sig.accepts} but gets ${current} from ${from}: ${needConverter(registry, type, current, sig.accepts)}`,
        });
      }
      current = sig.emits;
      from = `processor "${id}"`;
    });

    p.exporters.forEach((id, i) => {
      const path = [...at, 'exporters', i];
      if (!(id in cfg.exporters))
        return void issues.push({ path, message: `references exporter "${id}" which is not configured` });
      const f = registry.get('exporter', parseId(id).type);
      const sig = f?.signals[type];
      if (f && !sig)
        return void issues.push({
          path,
          message: `exporter "${id}" cannot be used in a ${type} pipeline (it supports ${Object.keys(f.signals).join(', ')})`,
        });
      if (sig && current && sig !== current) {
        issues.push({
          path,
          message: `exporter "${id}" accepts ${sig} but gets ${current} from ${from}: ${needConverter(registry, type, current, sig)}`,
        });
      }
    });
  }
  return issues;
}
