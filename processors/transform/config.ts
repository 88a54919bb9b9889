// The transform processor's config: the Collector's keys. Each of trace_statements, metric_statements and
// log_statements lists groups ({context, statements, conditions, error_mode}) or, as recent contrib releases
// allow, plain statements whose context is inferred from their path prefixes. Every statement is compiled here,
// so a config with an unknown path or function is refused at load time with the YAML path and the column.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { SignalName } from '../../ottl/index.ts';
import type { ErrorMode, Group, OttlEntry } from '../helper/ottl-config.ts';
import { DEFAULT_ERROR_MODE, compileEntries, errorModeSchema, ottlListSchema } from '../helper/ottl-config.ts';

export interface TransformConfig {
  error_mode: ErrorMode;
  trace_statements: OttlEntry[];
  metric_statements: OttlEntry[];
  log_statements: OttlEntry[];
}

export const transformConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    error_mode: { ...errorModeSchema, default: DEFAULT_ERROR_MODE },
    trace_statements: { ...ottlListSchema('statements', true), default: [] },
    metric_statements: { ...ottlListSchema('statements', true), default: [] },
    log_statements: { ...ottlListSchema('statements', true), default: [] },
  },
};

const KEYS = { traces: 'trace_statements', metrics: 'metric_statements', logs: 'log_statements' } as const;

/** Per signal, the groups in the order written. */
export type TransformPlan = Record<SignalName, Group[]>;

export function compileTransform(cfg: TransformConfig): { plan: TransformPlan; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const plan: TransformPlan = { traces: [], metrics: [], logs: [] };
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const key = KEYS[signal];
    plan[signal] = compileEntries(cfg[key], 'statements', signal, [key], cfg.error_mode, issues);
  }
  return { plan, issues };
}

export function validateTransformConfig(cfg: TransformConfig): ConfigIssue[] {
  return compileTransform(cfg).issues;
}
