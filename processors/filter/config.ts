// The filter processor's config: the Collector's keys. Either the per-context lists (`traces.span`, ...) or, as
// contrib v0.146.0 added, the flat `*_conditions` lists whose context is inferred from the path prefixes; not both
// for one signal. Every condition is compiled here, so a config with an unknown path or function is refused at
// load time with the YAML path and the column.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { SignalName } from '../../ottl/index.ts';
import type { ErrorMode, Group, OttlEntry } from '../helper/ottl-config.ts';
import {
  DEFAULT_ERROR_MODE,
  compileEntries,
  compileList,
  errorModeSchema,
  ottlListSchema,
} from '../helper/ottl-config.ts';

export interface FilterConfig {
  error_mode: ErrorMode;
  traces?: { span?: string[]; spanevent?: string[] };
  metrics?: { metric?: string[]; datapoint?: string[] };
  logs?: { log_record?: string[] };
  trace_conditions?: OttlEntry[];
  metric_conditions?: OttlEntry[];
  log_conditions?: OttlEntry[];
}

const strings: ConfigSchema = { type: 'array', items: { type: 'string' } };
const section = (keys: string[]): ConfigSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(keys.map((k) => [k, strings])),
});

export const filterConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    error_mode: { ...errorModeSchema, default: DEFAULT_ERROR_MODE },
    traces: section(['span', 'spanevent']),
    metrics: section(['metric', 'datapoint']),
    logs: section(['log_record']),
    trace_conditions: ottlListSchema('conditions', false),
    metric_conditions: ottlListSchema('conditions', false),
    log_conditions: ottlListSchema('conditions', false),
  },
};

/** Per signal, the condition groups; an item is dropped when any condition of its context holds. */
export type FilterPlan = Record<SignalName, Group[]>;

const LEGACY: Record<SignalName, { key: 'traces' | 'metrics' | 'logs'; lists: [string, Group['context']][] }> = {
  traces: {
    key: 'traces',
    lists: [
      ['span', 'span'],
      ['spanevent', 'spanevent'],
    ],
  },
  metrics: {
    key: 'metrics',
    lists: [
      ['metric', 'metric'],
      ['datapoint', 'datapoint'],
    ],
  },
  logs: { key: 'logs', lists: [['log_record', 'log']] },
};
const FLAT = { traces: 'trace_conditions', metrics: 'metric_conditions', logs: 'log_conditions' } as const;

export function compileFilter(cfg: FilterConfig): { plan: FilterPlan; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const plan: FilterPlan = { traces: [], metrics: [], logs: [] };
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const legacy = LEGACY[signal];
    const section = (cfg[legacy.key] ?? {}) as Record<string, string[] | undefined>;
    const flatKey = FLAT[signal];
    const flat = cfg[flatKey] ?? [];
    const hasLegacy = legacy.lists.some(([k]) => (section[k] ?? []).length > 0);
    if (hasLegacy && flat.length > 0) {
      issues.push({
        path: [flatKey],
        message: `use either ${legacy.key} (per context) or ${flatKey}, not both (as the Collector)`,
      });
      continue;
    }
    for (const [k, context] of legacy.lists) {
      const list = section[k] ?? [];
      if (list.length === 0) continue;
      const g = compileList(list, 'conditions', context, signal, [legacy.key, k], cfg.error_mode, issues);
      if (g) plan[signal].push(g);
    }
    plan[signal].push(...compileEntries(flat, 'conditions', signal, [flatKey], cfg.error_mode, issues));
  }
  return { plan, issues };
}

export function validateFilterConfig(cfg: FilterConfig): ConfigIssue[] {
  return compileFilter(cfg).issues;
}
