import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../config/schema.ts';
import type { HostmetricsConfig } from './config.ts';
import {
  DEFAULT_COLLECTION_INTERVAL_MS,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_SCRAPERS,
  validateHostmetricsConfig,
} from './config.ts';
import { hostmetricsFactory } from './factory.ts';

// Schema first, then validate(), as the hub checks a component's config.
function load(name: string): { config: HostmetricsConfig; errors: string[] } {
  const { value, issues } = validateConfig(
    hostmetricsFactory.configSchema,
    parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8')),
  );
  const config = value as HostmetricsConfig;
  const all = issues.length > 0 ? issues : validateHostmetricsConfig(config);
  return { config, errors: all.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

describe('hostmetrics config', () => {
  it('applies the defaults, durations in milliseconds, every scraper', () => {
    const { config, errors } = load('defaults.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      collection_interval: DEFAULT_COLLECTION_INTERVAL_MS,
      initial_delay: DEFAULT_INITIAL_DELAY_MS,
      scrapers: DEFAULT_SCRAPERS,
    });
  });

  it('accepts every key, scrapers as empty maps or null', () => {
    const { config, errors } = load('valid.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      collection_interval: 10_000,
      initial_delay: 0,
      scrapers: { cpu: {}, load: null, memory: null, process: {} },
    });
  });

  for (const [file, want] of [
    ['invalid-no-scrapers.yaml', /^scrapers: /],
    ['invalid-unknown-scraper.yaml', /^scrapers\.disk: unknown key/],
    ['invalid-scraper-settings.yaml', /^scrapers\.cpu\.percpu: unknown key/],
    ['invalid-interval.yaml', /^collection_interval: must be a duration above 0/],
    ['invalid-duration.yaml', /^collection_interval: invalid duration/],
  ] as const) {
    it(`refuses ${file}`, () => {
      const { errors } = load(file);
      assert.ok(
        errors.some((e) => want.test(e)),
        errors.join('\n'),
      );
    });
  }

  it('refuses timers that Node cannot keep', () => {
    const issues = validateHostmetricsConfig({
      collection_interval: 2 ** 31,
      initial_delay: 2 ** 31,
      scrapers: { cpu: null },
    });
    assert.deepEqual(
      issues.map((i) => i.path[0]),
      ['collection_interval', 'initial_delay'],
    );
  });
});
