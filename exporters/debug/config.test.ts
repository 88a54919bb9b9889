import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../config/schema.ts';
import type { DebugConfig } from './config.ts';
import {
  DEFAULT_SAMPLING_INITIAL,
  DEFAULT_SAMPLING_THEREAFTER,
  DEFAULT_VERBOSITY,
  validateDebugConfig,
} from './config.ts';
import { debugFactory } from './factory.ts';

// Schema first, then validate(), as the hub checks a component's config.
function load(name: string): { config: DebugConfig; errors: string[] } {
  const { value, issues } = validateConfig(
    debugFactory.configSchema,
    parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8')),
  );
  const config = value as DebugConfig;
  const all = issues.length > 0 ? issues : validateDebugConfig(config);
  return { config, errors: all.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

describe('debug config', () => {
  it('applies the defaults', () => {
    const { config, errors } = load('defaults.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      verbosity: DEFAULT_VERBOSITY,
      sampling_initial: DEFAULT_SAMPLING_INITIAL,
      sampling_thereafter: DEFAULT_SAMPLING_THEREAFTER,
      use_internal_logger: true,
    });
  });

  it('accepts every key', () => {
    const { config, errors } = load('valid.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      verbosity: 'detailed',
      sampling_initial: 5,
      sampling_thereafter: 200,
      use_internal_logger: false,
    });
  });

  for (const [file, want] of [
    ['invalid-verbosity.yaml', /^verbosity: must be one of/],
    ['invalid-sampling.yaml', /^sampling_initial: must be >= 0/],
    ['invalid-sampling-never.yaml', /^sampling_thereafter: .*nothing would ever be written/],
    ['unknown-key.yaml', /^loglevel: unknown key/],
  ] as const) {
    it(`refuses ${file}`, () => {
      const { errors } = load(file);
      assert.ok(
        errors.some((e) => want.test(e)),
        errors.join('\n'),
      );
    });
  }
});
