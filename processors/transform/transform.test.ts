// The transform processor on its own: groups run in order on every item of their context, conditions gate a group,
// where clauses a statement; the flat form infers each statement's context; error_mode decides what a failing
// statement does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Consumer } from '../../core/consumer.ts';
import { ConsumerError } from '../../core/errors.ts';
import type { Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  getAttribute,
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  resource,
  scope,
  span,
  traces,
} from '../../core/pdata/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { TransformConfig } from './config.ts';
import { transformConfigSchema, validateTransformConfig } from './config.ts';
import { TransformProcessor } from './transform.ts';

function setup(cfg: Record<string, unknown>, type: PipelineType) {
  const { value, issues } = validateConfig(transformConfigSchema, cfg);
  assert.deepEqual([...issues, ...validateTransformConfig(value as TransformConfig)], []);
  const got: SignalData[] = [];
  const next: Consumer = { consume: async (d) => void got.push(d) };
  const settings = testProcessorSettings('transform', type);
  return { p: new TransformProcessor(settings, value as TransformConfig, next), got, settings };
}

const td = (): Traces =>
  traces(
    [
      span({ name: 'GET /users', kind: 2, attributes: [{ key: 'http.status', value: { intValue: 503n } }] }),
      span({
        name: 'SELECT',
        kind: 3,
        events: [
          {
            name: 'exception',
            timeUnixNano: 1n,
            attributes: [{ key: 'secret.token', value: { stringValue: 't' } }],
            droppedAttributesCount: 0,
          },
        ],
      }),
    ],
    resource({ 'service.name': 'api' }),
    scope('lib'),
  );

describe('transform processor', () => {
  it('runs groups in order on their contexts, gated by conditions and where clauses, and passes ctx on', async () => {
    const { p, got } = setup(
      {
        trace_statements: [
          { context: 'resource', statements: ['set(attributes["deployment.environment"], "edge")'] },
          {
            context: 'span',
            conditions: ['kind == SPAN_KIND_SERVER'],
            statements: [
              'set(status.code, STATUS_CODE_ERROR) where attributes["http.status"] >= 500',
              'set(attributes["env"], resource.attributes["deployment.environment"])',
            ],
          },
          { context: 'spanevent', statements: ['delete_matching_keys(attributes, "^secret\\\\.")'] },
        ],
      },
      'traces',
    );
    const input = td();
    await p.consume(input, { transport: 'grpc' });
    assert.equal(got[0], input, 'changed in place (mutatesData)');
    const [server, client] = input.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    assert.equal(getAttribute(input.resourceSpans[0]!.resource.attributes, 'deployment.environment'), 'edge');
    assert.equal(server?.status.code, 2);
    assert.equal(getAttribute(server.attributes, 'env'), 'edge');
    assert.equal(client?.status.code, 0, 'the group condition kept the client span out');
    assert.equal(getAttribute(client.attributes, 'env'), undefined);
    assert.deepEqual(client?.events[0]?.attributes, []);
  });

  it('the flat form: each statement in the context its prefixes name', async () => {
    const { p } = setup(
      {
        trace_statements: [
          'set(span.attributes["service"], resource.attributes["service.name"])',
          'set(spanevent.attributes["span"], span.name)',
          'set(resource.attributes["spans.seen"], true)',
        ],
      },
      'traces',
    );
    const input = td();
    await p.consume(input);
    const spans = input.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    assert.deepEqual(
      spans.map((s) => getAttribute(s.attributes, 'service')),
      ['api', 'api'],
    );
    assert.equal(getAttribute(spans[1]!.events[0]!.attributes, 'span'), 'SELECT');
    assert.equal(getAttribute(input.resourceSpans[0]!.resource.attributes, 'spans.seen'), true);
  });

  it('metrics: metric and datapoint statements', async () => {
    const { p } = setup(
      {
        metric_statements: [
          { context: 'metric', statements: ['set(description, Concat([name, "(edge)"], " "))'] },
          {
            context: 'datapoint',
            statements: ['set(attributes["metric"], metric.name)', 'set(value_int, value_int * 10)'],
          },
        ],
      },
      'metrics',
    );
    const input: Metrics = metrics([metric({ name: 'requests', gauge: { dataPoints: [numberPoint(4n, 1n)] } })]);
    await p.consume(input);
    const m = input.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    assert.equal(m?.description, 'requests (edge)');
    assert.equal(m?.gauge?.dataPoints[0]?.asInt, 40n);
    assert.equal(getAttribute(m.gauge.dataPoints[0].attributes, 'metric'), 'requests');
  });

  it('logs: parses a JSON body into attributes and redacts', async () => {
    const { p } = setup(
      {
        log_statements: [
          'merge_maps(log.attributes, ParseJSON(log.body), "upsert") where IsMatch(log.body, "^\\\\{")',
          'replace_pattern(log.attributes["url"], "token=[^&]*", "token=***")',
          'set(log.severity_text, ToUpperCase(log.severity_text))',
        ],
      },
      'logs',
    );
    const input: Logs = logs([
      logRecord({ severityText: 'warn', body: { stringValue: '{"url": "/a?token=abc&x=1", "n": 2}' } }),
      logRecord({ severityText: 'info', body: { stringValue: 'plain text' } }),
    ]);
    await p.consume(input);
    const [a, b] = input.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    assert.equal(getAttribute(a!.attributes, 'url'), '/a?token=***&x=1');
    assert.equal(getAttribute(a!.attributes, 'n'), 2, 'JSON numbers are doubles, as in the Collector');
    assert.equal(a?.severityText, 'WARN');
    assert.deepEqual(b?.attributes, []);
    assert.equal(b?.severityText, 'INFO');
  });

  it('does not read data for a signal it has no statements for', async () => {
    const { p, got } = setup({ log_statements: ['set(log.body, "x")'] }, 'traces');
    const input = td();
    const before = structuredClone(input);
    await p.consume(input);
    assert.deepEqual(got[0], before);
  });
});

describe('transform processor: error_mode', () => {
  const statements = [
    'set(span.attributes["first"], Substring(span.name, 0, 8))',
    'set(span.attributes["second"], true)',
  ];

  it('propagate: a failing statement fails the batch with a permanent error', async () => {
    const { p, got } = setup({ error_mode: 'propagate', trace_statements: statements }, 'traces');
    await assert.rejects(
      p.consume(td()),
      (e: unknown) => e instanceof ConsumerError && !e.retryable && /Substring\(span.name, 0, 8\)/.test(e.message),
    );
    assert.deepEqual(got, []);
  });

  it('ignore (the default): logs once per window and goes on with the next statement; silent without logging', async () => {
    for (const mode of [undefined, 'silent'] as const) {
      const { p, settings } = setup({ ...(mode ? { error_mode: mode } : {}), trace_statements: statements }, 'traces');
      const input = td();
      await p.consume(input);
      const [get, select] = input.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
      assert.equal(getAttribute(get!.attributes, 'first'), 'GET /use');
      assert.equal(getAttribute(select!.attributes, 'first'), undefined, 'SELECT is shorter than 8 bytes');
      assert.equal(getAttribute(select!.attributes, 'second'), true, 'the next statement still ran');
      const logged = settings.logger.lines.filter((l) => String(l.msg).startsWith('transform statement failed'));
      assert.equal(logged.length, mode === undefined ? 1 : 0, mode);
      if (mode === undefined) assert.match(String(logged[0]?.error), /out of range/);
      assert.equal(
        await settings.telemetry.value('otelhub_processor_transform_errors_total', { processor: 'transform' }),
        1,
      );
      await p.shutdown();
    }
  });
});
