import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { ActionConfig } from '../helper/attr-actions/config.ts';
import { actionIssues, actionListSchema } from '../helper/attr-actions/config.ts';

/** The config after schema validation. No defaults: a resource processor with no actions would do nothing. */
export interface ResourceConfig {
  /** The actions applied to resource attributes, in order (the Collector's `attributes` list). */
  attributes: ActionConfig[];
}

export const resourceConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['attributes'],
  properties: { attributes: actionListSchema },
};

export function validateResourceConfig(cfg: ResourceConfig): ConfigIssue[] {
  return actionIssues(cfg.attributes, ['attributes']);
}
