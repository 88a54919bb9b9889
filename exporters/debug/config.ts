import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const VERBOSITIES = ['basic', 'normal', 'detailed'] as const;
export type Verbosity = (typeof VERBOSITIES)[number];

export const DEFAULT_VERBOSITY: Verbosity = 'basic';
export const DEFAULT_SAMPLING_INITIAL = 2;
export const DEFAULT_SAMPLING_THEREAFTER = 1;
export const DEFAULT_USE_INTERNAL_LOGGER = true;

/** The config after schema validation: defaults applied. */
export interface DebugConfig {
  verbosity: Verbosity;
  /** Entries written in each second before sampling starts. */
  sampling_initial: number;
  /** After the initial ones, every Mth entry in the second is written; 0: none. */
  sampling_thereafter: number;
  /** true: through the hub's logger at info level; false: plain text on stdout. */
  use_internal_logger: boolean;
}

export const debugConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    verbosity: { type: 'string', enum: [...VERBOSITIES], default: DEFAULT_VERBOSITY },
    sampling_initial: { type: 'integer', minimum: 0, default: DEFAULT_SAMPLING_INITIAL },
    sampling_thereafter: { type: 'integer', minimum: 0, default: DEFAULT_SAMPLING_THEREAFTER },
    use_internal_logger: { type: 'boolean', default: DEFAULT_USE_INTERNAL_LOGGER },
  },
};

export function validateDebugConfig(cfg: DebugConfig): ConfigIssue[] {
  // Both zero is valid for zap too, but an exporter that can never print anything is surely a mistake.
  if (cfg.sampling_initial === 0 && cfg.sampling_thereafter === 0) {
    return [
      {
        path: ['sampling_thereafter'],
        message: 'sampling_initial and sampling_thereafter are both 0: nothing would ever be written',
      },
    ];
  }
  return [];
}
