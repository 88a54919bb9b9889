// Builds the component instances of a checked config: extensions, exporters (one per ID, shared), processors
// (one per pipeline), receivers (one per ID, fanning out to every pipeline that lists it).
import type { CreateSettings, Factory, Kind, Lifecycle } from './component.ts';
import { parseId } from './component.ts';
import type { Consumer } from './consumer.ts';
import { ComponentError } from './errors.ts';
import { fanout } from './fanout.ts';
import type { Logger } from './logger.ts';
import { exporterObs, processorObs, processorOutObs, receiverObs } from './obsreport.ts';
import type { PipelineType, Signal } from './pdata/index.ts';
import type { GraphConfig } from './pipelines.ts';
import { pipelineTypeOf } from './pipelines.ts';
import type { Registry } from './registry.ts';
import type { StatusBoard } from './status.ts';
import type { Telemetry } from './telemetry.ts';

export interface GraphDeps {
  registry: Registry;
  logger: Logger;
  telemetry: Telemetry;
  status: StatusBoard;
}

/** One created component and its place in the lifecycle. */
export interface Node {
  readonly key: string;
  readonly kind: Kind;
  readonly id: string;
  readonly component: Lifecycle;
  stopped: boolean;
}

export interface Graph {
  extensions: Node[];
  exporters: Node[];
  /** Per pipeline, in pipeline order. */
  processors: Map<string, Node[]>;
  receivers: Node[];
}

/** `section`: the config's components of this kind, so a former ID that is itself configured is not claimed. */
function settingsFor(
  deps: GraphDeps,
  kind: Kind,
  id: string,
  key: string,
  section: Record<string, unknown>,
): CreateSettings {
  const { type, name } = parseId(id);
  const f = deps.registry.get(kind, type);
  // Only under the current name: an ID written with a deprecated one is still what its state was kept under.
  const former = (f?.type === type ? (f.deprecatedTypes ?? []) : [])
    .map((t) => (name === undefined ? t : `${t}/${name}`))
    .filter((fid) => !(fid in section));
  return {
    id,
    ...(former.length > 0 && { formerIds: former }),
    kind,
    logger: deps.logger.child({ kind, name: id }),
    telemetry: deps.telemetry,
    reportStatus: (s, err) => deps.status.set(key, s, err),
  };
}

function factoryOf<K extends Kind>(deps: GraphDeps, kind: K, id: string): Extract<Factory, { kind: K }> {
  const f = deps.registry.get(kind, parseId(id).type);
  // Config checks ran before building, so this is a programming error, not a user's.
  if (!f) throw new ComponentError(id, `no ${kind} factory for this type`);
  return f;
}

async function create(id: string, label: string, make: () => Lifecycle | Promise<Lifecycle>): Promise<Lifecycle> {
  try {
    return await make();
  } catch (err) {
    throw new ComponentError(label, `cannot be created: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

export async function buildGraph(cfg: GraphConfig, deps: GraphDeps): Promise<Graph> {
  const g: Graph = { extensions: [], exporters: [], processors: new Map(), receivers: [] };
  const node = (kind: Kind, id: string, key: string, component: Lifecycle): Node => {
    deps.status.set(key, 'starting');
    return { key, kind, id, component, stopped: false };
  };

  for (const id of cfg.service.extensions) {
    const f = factoryOf(deps, 'extension', id);
    const key = `extension:${id}`;
    const c = await create(id, `extensions::${id}`, () =>
      f.createExtension(settingsFor(deps, 'extension', id, key, cfg.extensions), cfg.extensions[id]),
    );
    g.extensions.push(node('extension', id, key, c));
  }

  const pipelines = Object.entries(cfg.service.pipelines);
  const exporters = new Map<string, Node>();
  for (const [, p] of pipelines) {
    for (const id of p.exporters) {
      if (exporters.has(id)) continue;
      const f = factoryOf(deps, 'exporter', id);
      const key = `exporter:${id}`;
      const c = await create(id, `exporters::${id}`, () =>
        f.createExporter(settingsFor(deps, 'exporter', id, key, cfg.exporters), cfg.exporters[id]),
      );
      const n = node('exporter', id, key, c);
      exporters.set(id, n);
      g.exporters.push(n);
    }
  }

  // Pipelines are built from their exporters backwards, so each processor is created with its `next`.
  const heads = new Map<string, { type: PipelineType; head: Consumer }>();
  for (const [pid, p] of pipelines) {
    const type = pipelineTypeOf(pid) as PipelineType;
    const tails = p.exporters.map((id) => {
      const f = factoryOf(deps, 'exporter', id);
      const signal = f.signals[type] as Signal;
      const exp = (exporters.get(id) as Node).component as Record<Signal, Consumer | undefined>;
      const c = exp[signal];
      if (!c)
        throw new ComponentError(
          `exporters::${id}`,
          `declares ${signal} in ${type} pipelines but has no ${signal} consumer`,
        );
      return exporterObs(deps.telemetry, id, signal, c);
    });
    let next: Consumer = fanout(tails);
    let mutates = next.mutatesData ?? false;
    // Whether anything after the processor being created changes data. Not `mutates`: a fan-out hands a mutating
    // exporter a structured clone, which keeps objects shared between items shared in the copy.
    let readOnlyAfter = tails.every((c) => !c.mutatesData);
    const nodes: Node[] = [];
    for (const id of [...p.processors].reverse()) {
      const f = factoryOf(deps, 'processor', id);
      const key = `processor:${id}@${pid}`;
      const settings = {
        ...settingsFor(deps, 'processor', id, key, cfg.processors),
        pipelineId: pid,
        pipelineType: type,
        downstreamReadOnly: readOnlyAfter,
      };
      settings.logger = deps.logger.child({ kind: 'processor', name: id, pipeline: pid });
      const out = processorOutObs(deps.telemetry, id, pid, next);
      const proc = await create(id, `processors::${id}`, () => f.createProcessor(settings, cfg.processors[id], out));
      const n = node('processor', id, key, proc);
      nodes.unshift(n);
      mutates ||= f.mutatesData ?? false;
      readOnlyAfter &&= !(f.mutatesData || (proc as Consumer).mutatesData);
      next = processorObs(deps.telemetry, id, pid, proc as Consumer, () => n.stopped);
    }
    g.processors.set(pid, nodes);
    const head = next;
    const m = mutates;
    heads.set(pid, { type, head: { mutatesData: m, consume: (d, ctx) => head.consume(d, ctx) } });
  }

  const receiverIds = [...new Set(pipelines.flatMap(([, p]) => p.receivers))];
  for (const id of receiverIds) {
    const f = factoryOf(deps, 'receiver', id);
    const feeds = pipelines.filter(([, p]) => p.receivers.includes(id)).map(([pid]) => heads.get(pid)!);
    const byType: Partial<Record<PipelineType, Consumer>> = {};
    for (const t of new Set(feeds.map((x) => x.type))) {
      byType[t] = receiverObs(deps.telemetry, id, fanout(feeds.filter((x) => x.type === t).map((x) => x.head)));
    }
    const all = receiverObs(deps.telemetry, id, fanout(feeds.map((x) => x.head)));
    const key = `receiver:${id}`;
    const c = await create(id, `receivers::${id}`, () =>
      f.createReceiver(settingsFor(deps, 'receiver', id, key, cfg.receivers), cfg.receivers[id], { byType, all }),
    );
    g.receivers.push(node('receiver', id, key, c));
  }
  return g;
}
