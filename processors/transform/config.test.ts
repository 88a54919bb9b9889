// Config defaults, and OTTL problems reported at load time with the YAML path and the column.
// (test/component-folders.test.ts runs testdata/*.yaml.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { TransformConfig } from './config.ts';
import { transformConfigSchema, validateTransformConfig } from './config.ts';

const check = (cfg: Record<string, unknown>) => {
  const v = validateConfig(transformConfigSchema, cfg);
  return v.issues.length ? v.issues : validateTransformConfig(v.value as TransformConfig);
};

describe('transform processor config', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(validateConfig(transformConfigSchema, {}).value, {
      error_mode: 'ignore',
      trace_statements: [],
      metric_statements: [],
      log_statements: [],
    });
  });

  it('reports each bad statement at its YAML path with the column', () => {
    assert.deepEqual(
      check({
        trace_statements: [
          { context: 'span', statements: ['set(name, "a")', 'set(attributes["x"], Concat(["a"], "-", 1))'] },
          'set(span.name, "ok")',
          'set(span.nmae, "typo")',
        ],
        log_statements: [{ statements: ['set(log.body, "x") where log.severity_number < SEVERITY_NUMBER_WRN'] }],
      }).map((i) => [i.path, i.message.split(' (')[0]]),
      [
        [['trace_statements', 0, 'statements', 1], 'col 41: Concat takes at most 2 arguments'],
        [['trace_statements', 2], 'col 5: unknown path span.nmae in the span context'],
        [['log_statements', 0, 'statements', 0], 'col 48: unknown enum SEVERITY_NUMBER_WRN for logs'],
      ],
    );
  });

  it('refuses a group whose statements name no context, and conditions that are not boolean', () => {
    assert.match(
      check({ log_statements: [{ statements: ['set(body, "x")'] }] })[0]?.message ?? '',
      /cannot infer the context/,
    );
    assert.deepEqual(
      check({ trace_statements: [{ context: 'span', conditions: ['name'], statements: ['set(name, "x")'] }] }).map(
        (i) => i.path,
      ),
      [['trace_statements', 0, 'conditions', 0]],
    );
  });
});
