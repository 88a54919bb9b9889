import { MAX_TIMER_MS } from '../../config/duration.ts';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const SCRAPER_NAMES = ['cpu', 'memory', 'load', 'process'] as const;
export type ScraperName = (typeof SCRAPER_NAMES)[number];

/** As written in config; the `duration` keyword turns them into milliseconds. */
export const DEFAULT_COLLECTION_INTERVAL = '1m';
export const DEFAULT_COLLECTION_INTERVAL_MS = 60_000;
export const DEFAULT_INITIAL_DELAY = '1s';
export const DEFAULT_INITIAL_DELAY_MS = 1_000;
/**
 * The Collector has no default and refuses a config without scrapers; built-in components here must be valid with
 * an empty config, so leaving `scrapers` out means all of them. An explicit empty map is still refused.
 */
export const DEFAULT_SCRAPERS: Readonly<Record<ScraperName, null>> = {
  cpu: null,
  memory: null,
  load: null,
  process: null,
};

/** The config after schema validation: defaults applied, durations in milliseconds. */
export interface HostmetricsConfig {
  /** Milliseconds between scrapes. */
  collection_interval: number;
  /** Milliseconds from start to the first scrape. */
  initial_delay: number;
  /** The keys choose the scrapers; the values have no settings yet (empty map or null). */
  scrapers: Partial<Record<ScraperName, Record<string, never> | null>>;
}

const noSettings = { type: ['object', 'null'], additionalProperties: false, properties: {} };

export const hostmetricsConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    collection_interval: { type: ['string', 'number'], duration: true, default: DEFAULT_COLLECTION_INTERVAL },
    initial_delay: { type: ['string', 'number'], duration: true, default: DEFAULT_INITIAL_DELAY },
    scrapers: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: Object.fromEntries(SCRAPER_NAMES.map((n) => [n, noSettings])),
      default: DEFAULT_SCRAPERS,
    },
  },
};

export function validateHostmetricsConfig(cfg: HostmetricsConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!(cfg.collection_interval > 0 && cfg.collection_interval <= MAX_TIMER_MS)) {
    issues.push({ path: ['collection_interval'], message: `must be a duration above 0 and at most ${MAX_TIMER_MS}ms` });
  }
  if (!(cfg.initial_delay >= 0 && cfg.initial_delay <= MAX_TIMER_MS)) {
    issues.push({ path: ['initial_delay'], message: `must be a duration from 0 to ${MAX_TIMER_MS}ms` });
  }
  return issues;
}
