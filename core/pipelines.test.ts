import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testComponents } from '../test/helpers/components.ts';
import type { GraphConfig, PipelineConfig } from './pipelines.ts';
import { checkPipelines } from './pipelines.ts';
import { Registry } from './registry.ts';

const registry = new Registry(testComponents().factories);

function check(pipelines: Record<string, Partial<PipelineConfig>>, configured: Partial<GraphConfig> = {}) {
  const cfg: GraphConfig = {
    receivers: { test_source: {}, test_message_source: {} },
    processors: { test_converter: {}, test_mutator: {} },
    exporters: { test_sink: {} },
    extensions: {},
    service: {
      extensions: [],
      pipelines: Object.fromEntries(
        Object.entries(pipelines).map(([k, p]) => [k, { receivers: [], processors: [], exporters: [], ...p }]),
      ),
    },
    ...configured,
  };
  return checkPipelines(cfg, registry).map((i) => `${i.path.join('::')}: ${i.message}`);
}

describe('pipeline checks', () => {
  it('accepts a chain whose signals line up, converter included', () => {
    assert.deepEqual(
      check({
        'metrics/mqtt': {
          receivers: ['test_message_source'],
          processors: ['test_converter', 'test_mutator'],
          exporters: ['test_sink'],
        },
      }),
      [],
    );
  });

  it('refuses a chain missing its converter and names the converter', () => {
    const issues = check({
      metrics: { receivers: ['test_message_source'], processors: ['test_mutator'], exporters: ['test_sink'] },
    });
    assert.deepEqual(issues, [
      'service::pipelines::metrics::processors::0: processor "test_mutator" accepts metrics but gets messages from the receivers: add a processor that converts messages into metrics ("test_converter") before it',
    ]);
    const direct = check({ metrics: { receivers: ['test_message_source'], exporters: ['test_sink'] } });
    assert.match(
      direct[0] ?? '',
      /exporters::0: exporter "test_sink" accepts metrics but gets messages from the receivers: add a processor .*"test_converter"/,
    );
  });

  it('says when no converter exists for the pipeline type', () => {
    const issues = check({ traces: { receivers: ['test_message_source'], exporters: ['test_sink'] } });
    assert.match(issues[0] ?? '', /no registered processor converts messages into traces in a traces pipeline/);
  });

  it('refuses components that cannot serve the pipeline type', () => {
    const issues = check({
      logs: { receivers: ['test_source'], processors: ['test_converter'], exporters: ['test_sink'] },
    });
    assert.match(
      issues[0] ?? '',
      /processors::0: processor "test_converter" cannot be used in a logs pipeline \(it supports metrics\)/,
    );
  });

  it('finds every reference to something not configured, and empty pipelines', () => {
    const issues = check({
      traces: { receivers: ['nope'], processors: ['missing'], exporters: ['gone'] },
      logs: {},
    });
    assert.deepEqual(issues, [
      'service::pipelines::traces::receivers::0: references receiver "nope" which is not configured',
      'service::pipelines::traces::processors::0: references processor "missing" which is not configured',
      'service::pipelines::traces::exporters::0: references exporter "gone" which is not configured',
      'service::pipelines::logs::receivers: a pipeline needs at least one receiver',
      'service::pipelines::logs::exporters: a pipeline needs at least one exporter',
    ]);
  });

  it('refuses bad pipeline IDs, a processor listed twice, mixed receiver signals and unknown extensions', () => {
    const issues = check(
      {
        spans: { receivers: ['test_source'], exporters: ['test_sink'] },
        'metrics/': { receivers: ['test_source'], exporters: ['test_sink'] },
        'metrics/x': {
          receivers: ['test_source', 'test_message_source'],
          processors: ['test_mutator', 'test_mutator'],
          exporters: ['test_sink'],
        },
      },
      { service: { extensions: ['health_check'], pipelines: {} } },
    );
    assert.ok(issues.includes('service::extensions::0: references extension "health_check" which is not configured'));
    assert.ok(issues.includes('service::pipelines: at least one pipeline is required'));
    const more = check({
      spans: { receivers: ['test_source'], exporters: ['test_sink'] },
      'metrics/': { receivers: ['test_source'], exporters: ['test_sink'] },
      'metrics/x': {
        receivers: ['test_source', 'test_message_source'],
        processors: ['test_mutator', 'test_mutator'],
        exporters: ['test_sink'],
      },
    });
    assert.ok(more.some((i) => i.startsWith('service::pipelines::spans: pipeline ID must be traces, metrics or logs')));
    assert.ok(more.some((i) => i.startsWith('service::pipelines::metrics/: pipeline ID must be')));
    assert.ok(
      more.includes(
        'service::pipelines::metrics/x::processors::1: processor "test_mutator" appears twice in the pipeline',
      ),
    );
    assert.ok(
      more.some((i) =>
        i.startsWith('service::pipelines::metrics/x::receivers: receivers emit different signals (metrics, messages)'),
      ),
    );
  });
});
