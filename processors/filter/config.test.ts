// Config defaults, and OTTL problems reported at load time with the YAML path and the column.
// (test/component-folders.test.ts runs testdata/*.yaml.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { FilterConfig } from './config.ts';
import { filterConfigSchema, validateFilterConfig } from './config.ts';

const check = (cfg: Record<string, unknown>) => {
  const v = validateConfig(filterConfigSchema, cfg);
  return v.issues.length ? v.issues : validateFilterConfig(v.value as FilterConfig);
};

describe('filter processor config', () => {
  it('defaults to error_mode ignore and no conditions', () => {
    assert.deepEqual(validateConfig(filterConfigSchema, {}).value, { error_mode: 'ignore' });
  });

  it('reports a bad condition at its list index with the column', () => {
    const [issue, ...rest] = check({ traces: { span: ['name == "a"', 'attributes["x"] == 1 and nme == "b"'] } });
    assert.deepEqual(rest, []);
    assert.deepEqual(issue?.path, ['traces', 'span', 1]);
    assert.match(issue?.message ?? '', /^col 26: unknown path nme in the span context \(known: name, kind, /);
    assert.ok(issue?.message.endsWith('(in "attributes["x"] == 1 and nme == "b"")'), issue?.message);
    const [syntax] = check({ metrics: { datapoint: ['value_int == (1'] } });
    assert.deepEqual(syntax?.path, ['metrics', 'datapoint', 0]);
    assert.match(syntax?.message ?? '', /^col 16: expected '\)' but found end of statement/);
  });

  it('refuses a flat condition whose context cannot be inferred, or names another signal', () => {
    assert.deepEqual(
      check({ log_conditions: ['body == "x"'] }).map((i) => i.path),
      [['log_conditions', 0]],
    );
    assert.match(
      check({ metric_conditions: ['span.name == "x"'] })[0]?.message ?? '',
      /span is not a context of metrics/,
    );
    assert.deepEqual(
      check({ trace_conditions: [{ context: 'span', conditions: ['name == "a"', 'nope()'] }] }).map((i) => i.path),
      [['trace_conditions', 0, 'conditions', 1]],
    );
    assert.deepEqual(
      check({ trace_conditions: [{ context: 'log', conditions: ['body == "a"'] }] }).map((i) => i.path),
      [['trace_conditions', 0, 'context']],
    );
  });

  it('refuses both forms for one signal but allows them for different signals', () => {
    assert.equal(check({ traces: { span: ['name == "a"'] }, trace_conditions: ['span.name == "b"'] }).length, 1);
    assert.deepEqual(check({ traces: { span: ['name == "a"'] }, log_conditions: ['log.body == "b"'] }), []);
  });
});
