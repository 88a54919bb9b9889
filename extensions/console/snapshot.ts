// What the console's JSON API answers: one object per section, each built fresh from the hub's state (status board,
// inspector, rate history). The field names are the API's contract (README.md): add, never rename.
import type { Host } from '../../core/component.ts';
import type { DropGroup } from '../../core/drop-samples.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import { otelhubVersion } from '../../core/version.ts';
import type { ComponentRates, RateHistory } from './rates.ts';

export interface ComponentView {
  /** `receiver:mqtt`, `processor:schema@metrics`, `exporter:otlp_http`, `extension:console`. */
  key: string;
  kind: string;
  id: string;
  pipeline?: string;
  status: string;
  /** The last error reported with the status, and since when the status holds. */
  error?: string;
  since: string;
  rates?: ComponentRates;
}

export interface Snapshot {
  time: string;
  refresh_interval_ms: number;
  build: Record<string, unknown>;
  pipelines: Record<string, unknown>;
  components: ComponentView[];
  queues: Record<string, unknown>;
  connections: Record<string, unknown>;
  devices: Record<string, unknown>;
  drops: { enabled: boolean; payloads: boolean; groups: DropGroup[] };
}

export const SECTIONS = ['build', 'pipelines', 'components', 'queues', 'connections', 'devices', 'drops'] as const;

export interface SnapshotDeps {
  host: Host;
  telemetry: Telemetry;
  rates: RateHistory;
  refreshMs: number;
  payloads: boolean;
}

function componentView(key: string, e: { status: string; error?: string; since: string }): ComponentView {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  const at = kind === 'processor' ? rest.lastIndexOf('@') : -1;
  const v: ComponentView = {
    key,
    kind,
    id: at < 0 ? rest : rest.slice(0, at),
    status: e.status,
    since: e.since,
  };
  if (at >= 0) v.pipeline = rest.slice(at + 1);
  if (e.error !== undefined) v.error = e.error;
  return v;
}

export function buildInfo(host: Host): Record<string, unknown> {
  const d = host.describe?.();
  return {
    version: otelhubVersion(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    pid: process.pid,
    uptime_s: Math.round(process.uptime()),
    ...(d && { started_at: d.startedAt }),
    memory_rss_bytes: process.memoryUsage.rss(),
  };
}

/**
 * An exporter makes a queue per signal it supports; only those of the pipeline types that list it carry anything
 * (the others would show as empty queues no data can reach).
 */
function usedQueues(
  queues: Record<string, unknown>,
  pipelines: Readonly<Record<string, { exporters: string[] }>>,
): Record<string, unknown> {
  const types = new Map<string, Set<string>>();
  for (const [pid, p] of Object.entries(pipelines))
    for (const e of p.exporters) {
      let t = types.get(e);
      if (!t) types.set(e, (t = new Set()));
      t.add(pid.split('/')[0] ?? pid);
    }
  const out: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(queues)) {
    const view = v as { queues?: { signal: string }[] };
    const used = types.get(id);
    out[id] = used && view.queues ? { ...view, queues: view.queues.filter((q) => used.has(q.signal)) } : v;
  }
  return out;
}

export function snapshot(deps: SnapshotDeps): Snapshot {
  const { host, telemetry, rates } = deps;
  const d = host.describe?.();
  const r = rates.snapshot();
  const components = Object.entries(host.status.snapshot())
    .map(([key, e]) => {
      const v = componentView(key, e);
      const cr = r[key];
      if (cr) v.rates = cr;
      return v;
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const { inspector } = telemetry;
  return {
    time: new Date().toISOString(),
    refresh_interval_ms: deps.refreshMs,
    build: buildInfo(host),
    pipelines: { pipelines: d?.pipelines ?? {}, extensions: d?.extensions ?? [] },
    components,
    queues: usedQueues(inspector.read('queues'), d?.pipelines ?? {}),
    connections: inspector.read('connections'),
    devices: inspector.read('devices'),
    drops: { enabled: inspector.drops.enabled, payloads: deps.payloads, groups: inspector.drops.list() },
  };
}
