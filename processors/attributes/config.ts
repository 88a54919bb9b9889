import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { ActionConfig } from '../helper/attr-actions/config.ts';
import { actionIssues, actionListSchema } from '../helper/attr-actions/config.ts';
import type { MatchProperties } from './match-config.ts';
import { matchIssues, matchPropertiesSchema } from './match-config.ts';
import { SIGNAL_PROPERTIES, signalProblems } from './match-signal.ts';

/** The config after schema validation. No defaults: an attributes processor with no actions would do nothing. */
export interface AttributesConfig {
  /** Applied in order to the attributes of every selected span, log record or data point. */
  actions: ActionConfig[];
  /** Only items matching this are acted on. */
  include?: MatchProperties;
  /** Items matching this are not acted on (checked after include). */
  exclude?: MatchProperties;
}

export const attributesConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['actions'],
  properties: { actions: actionListSchema, include: matchPropertiesSchema, exclude: matchPropertiesSchema },
};

const BLOCKS = ['include', 'exclude'] as const;

export function validateAttributesConfig(cfg: AttributesConfig): ConfigIssue[] {
  const issues = actionIssues(cfg.actions, ['actions']);
  for (const b of BLOCKS) {
    const mp = cfg[b];
    if (!mp) continue;
    const own = matchIssues(mp, [b]);
    issues.push(...own);
    // Which pipelines use the processor is not known here: refuse only what no pipeline type could use.
    const signals = Object.keys(SIGNAL_PROPERTIES) as PipelineType[];
    const per = signals.map((s) => signalProblems(mp, s));
    if (own.length === 0 && per.every((p) => p.length > 0))
      issues.push({
        path: [b],
        message: `mixes properties of different signals, so it fits no pipeline: ${signals
          .map((s, i) => `${s}: ${per[i]!.map((p) => (p.key ? `${p.key} ${p.message}` : p.message)).join('; ')}`)
          .join(' | ')}`,
      });
  }
  return issues;
}

/** Why this config cannot run in a pipeline of `signal` (checked when the processor is created for it). */
export function signalIssues(cfg: AttributesConfig, signal: PipelineType): ConfigIssue[] {
  return BLOCKS.flatMap((b) => {
    const mp = cfg[b];
    return mp ? signalProblems(mp, signal).map((p) => ({ path: p.key ? [b, p.key] : [b], message: p.message })) : [];
  });
}
