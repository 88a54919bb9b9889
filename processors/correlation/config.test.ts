// Config defaults and the checks a schema cannot express. (test/component-folders.test.ts runs testdata/*.yaml.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { CorrelationConfig } from './config.ts';
import { correlationConfigSchema, validateCorrelationConfig } from './config.ts';

const check = (cfg: Record<string, unknown>) => {
  const v = validateConfig(correlationConfigSchema, cfg);
  return v.issues.length ? v.issues : validateCorrelationConfig(v.value as CorrelationConfig);
};

describe('correlation processor config', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(validateConfig(correlationConfigSchema, {}).value, {
      field_name: 'correlationId',
      allow_generated: true,
      scope_name: 'otelhub/correlation',
      resource_attributes: { 'service.name': 'otelhub' },
      trace_context: true,
      sampling_ratio: 1,
      semconv: { legacy: true, current: false },
    });
  });

  it('does not share the default resource between configs', () => {
    const a = validateConfig(correlationConfigSchema, {}).value as CorrelationConfig;
    a.resource_attributes['x'] = 'y';
    assert.deepEqual((validateConfig(correlationConfigSchema, {}).value as CorrelationConfig).resource_attributes, {
      'service.name': 'otelhub',
    });
  });

  it('fills the other semconv flag when one is given', () => {
    assert.deepEqual(
      (validateConfig(correlationConfigSchema, { semconv: { current: true } }).value as CorrelationConfig).semconv,
      { legacy: true, current: true },
    );
  });

  it('refuses a field name that is empty, whitespace, or only dots', () => {
    for (const field_name of ['', '   ', '.', ' .. '])
      assert.deepEqual(
        check({ field_name }).map((i) => i.path),
        [['field_name']],
        JSON.stringify(field_name),
      );
    assert.match(check({ field_name: '' })[0]!.message, /must name a payload field/);
    assert.match(check({ field_name: '..' })[0]!.message, /no key between its dots/);
  });

  it('accepts field names with empty segments or surrounding spaces (ignored)', () => {
    for (const field_name of ['a..b', '.a', 'a.', ' meta.id ', 'a b'])
      assert.deepEqual(check({ field_name }), [], field_name);
  });

  it('refuses a sampling ratio outside 0..1', () => {
    for (const sampling_ratio of [-0.1, 1.01, '0.5'])
      assert.deepEqual(
        check({ sampling_ratio }).map((i) => i.path),
        [['sampling_ratio']],
        String(sampling_ratio),
      );
    for (const sampling_ratio of [0, 0.001, 1]) assert.deepEqual(check({ sampling_ratio }), []);
  });

  it('refuses semconv with both sets off', () => {
    assert.deepEqual(
      check({ semconv: { legacy: false, current: false } }).map((i) => i.path),
      [['semconv']],
    );
    assert.deepEqual(
      check({ semconv: { legacy: false } }).map((i) => i.path),
      [['semconv']],
    );
    assert.deepEqual(check({ semconv: { legacy: false, current: true } }), []);
  });
});
