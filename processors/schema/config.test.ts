// Config defaults and the checks a schema cannot express. (test/component-folders.test.ts runs testdata/*.yaml.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../config/schema.ts';
import type { SchemaConfig } from './config.ts';
import { DEFAULT_HISTOGRAM_BOUNDS, schemaConfigSchema, validateSchemaConfig } from './config.ts';

const testdata = (f: string) => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url));
const check = (cfg: Record<string, unknown>) => {
  const v = validateConfig(schemaConfigSchema, cfg);
  return v.issues.length ? v.issues : validateSchemaConfig(v.value as SchemaConfig);
};

describe('schema processor config', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(validateConfig(schemaConfigSchema, {}).value, {
      counter_temporality: 'cumulative',
      max_series: 10000,
      histogram_bounds: [...DEFAULT_HISTOGRAM_BOUNDS],
      topic_attribute: 'mqtt.topic',
      user_properties: [],
      resource_attributes: {},
      default_instance_id: 'host_name',
    });
  });

  it('refuses bounds that do not strictly increase, at the offending index', () => {
    assert.deepEqual(check({ histogram_bounds: [1, 2, 2] }), [
      { path: ['histogram_bounds', 2], message: 'must be greater than the bound before it (2)' },
    ]);
    assert.deepEqual(
      check({ histogram_bounds: [3, 1] }).map((i) => i.path),
      [['histogram_bounds', 1]],
    );
  });

  it('accepts a readable, valid json_schema_file', () => {
    assert.deepEqual(check({ json_schema_file: testdata('custom-schema.json') }), []);
  });

  it('refuses a json_schema_file that is missing, not JSON, or not a valid schema (a misspelled keyword)', () => {
    const missing = check({ json_schema_file: testdata('nope.json') });
    assert.match(missing[0]!.message, /cannot read .*nope\.json \(ENOENT\)/);
    assert.deepEqual(missing[0]!.path, ['json_schema_file']);
    assert.match(check({ json_schema_file: testdata('defaults.yaml') })[0]!.message, /is not JSON/);
    assert.match(
      check({ json_schema_file: testdata('misspelled-schema.json') })[0]!.message,
      /not a valid JSON schema: .*requried/,
    );
  });

  it('refuses a user property that would write the topic attribute', () => {
    assert.deepEqual(
      check({ user_properties: ['mqtt.topic'] }).map((i) => i.path),
      [['user_properties']],
    );
    assert.deepEqual(check({ user_properties: ['mqtt.topic'], topic_attribute: '' }), []);
  });
});
