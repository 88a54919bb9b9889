// The filter processor on its own: what it drops per context, that it never changes the data it is given, that
// resources and scopes left empty go too, that drops are counted, and how error_mode settles a failing condition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Consumer } from '../../core/consumer.ts';
import { ConsumerError } from '../../core/errors.ts';
import type { Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  resource,
  scope,
  span,
  spanCount,
  traces,
} from '../../core/pdata/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { FilterConfig } from './config.ts';
import { filterConfigSchema } from './config.ts';
import { FilterProcessor } from './filter.ts';
import { FILTERED } from './self-metrics.ts';

function setup(cfg: Record<string, unknown>, type: PipelineType) {
  const { value, issues } = validateConfig(filterConfigSchema, cfg);
  assert.deepEqual(issues, []);
  const got: SignalData[] = [];
  const next: Consumer = { consume: async (d) => void got.push(d) };
  const settings = testProcessorSettings('filter', type);
  const p = new FilterProcessor(settings, value as FilterConfig, next);
  return { p, got, settings };
}

const twoResources = (): Traces => ({
  resourceSpans: [
    ...traces(
      [
        span({ name: 'GET /healthz', attributes: [{ key: 'http.route', value: { stringValue: '/healthz' } }] }),
        span({
          name: 'GET /users',
          events: [
            { name: 'debug', timeUnixNano: 1n, attributes: [], droppedAttributesCount: 0 },
            { name: 'exception', timeUnixNano: 2n, attributes: [], droppedAttributesCount: 0 },
          ],
        }),
      ],
      resource({ 'service.name': 'api' }),
    ).resourceSpans,
    ...traces([span({ name: 'GET /healthz' })], resource({ 'service.name': 'probe' }), scope('probe-lib'))
      .resourceSpans,
  ],
});

describe('filter processor: traces', () => {
  it('drops spans and span events per context and resources left empty, without changing its input', async () => {
    const { p, got, settings } = setup(
      { traces: { span: ['name == "GET /healthz"'], spanevent: ['name == "debug"'] } },
      'traces',
    );
    const input = twoResources();
    const before = structuredClone(input);
    await p.consume(input);
    assert.deepEqual(input, before, 'the input is not changed (mutatesData: false)');
    const out = got[0] as Traces;
    assert.equal(out.resourceSpans.length, 1, 'the probe resource lost its only span and went with it');
    assert.deepEqual(
      out.resourceSpans[0]?.scopeSpans[0]?.spans.map((s) => [s.name, s.events.map((e) => e.name)]),
      [['GET /users', ['exception']]],
    );
    assert.equal(await settings.telemetry.value(FILTERED.spans, { processor: 'filter' }), 2);
    assert.equal(await settings.telemetry.value(FILTERED.span_events, { processor: 'filter' }), 1);
  });

  it('flat trace_conditions: a resource condition drops the whole resource, a scope condition its scope', async () => {
    const { p, got } = setup(
      {
        trace_conditions: [
          'resource.attributes["service.name"] == "probe"',
          'IsMatch(span.attributes["http.route"], "^/health")',
        ],
      },
      'traces',
    );
    await p.consume(twoResources());
    const out = got[0] as Traces;
    assert.deepEqual(
      out.resourceSpans.map((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))),
      [['GET /users']],
    );
    const byScope = setup({ trace_conditions: ['scope.name == "probe-lib"'] }, 'traces');
    await byScope.p.consume(twoResources());
    assert.equal(spanCount(byScope.got[0] as Traces), 2);
  });

  it('settles at once, resolved, when everything is filtered out, and sends nothing on', async () => {
    const { p, got, settings } = setup({ trace_conditions: ['span.name != ""'] }, 'traces');
    await p.consume(twoResources());
    assert.deepEqual(got, []);
    assert.equal(await settings.telemetry.value(FILTERED.spans, { processor: 'filter' }), 3);
  });

  it('passes data on untouched when nothing is dropped, and drops parts from ctx when something is', async () => {
    const { p, got } = setup({ logs: { log_record: ['body == "x"'] } }, 'traces');
    const input = twoResources();
    await p.consume(input);
    assert.equal(got[0], input);
    let seen: unknown;
    const q = new FilterProcessor(
      testProcessorSettings('filter', 'traces'),
      validateConfig(filterConfigSchema, { traces: { span: ['name == "GET /healthz"'] } }).value as FilterConfig,
      { consume: async (d, ctx) => void (seen = [d, ctx]) },
    );
    await q.consume(twoResources(), { parts: [], transport: 'grpc' });
    assert.deepEqual((seen as unknown[])[1], { transport: 'grpc' });
    const unchanged = traces([span({ name: 'GET /users' })]);
    await q.consume(unchanged, { parts: [], transport: 'grpc' });
    assert.equal((seen as unknown[])[0], unchanged, 'nothing dropped: the very same data');
    assert.deepEqual((seen as unknown[])[1], { parts: [], transport: 'grpc' });
  });
});

describe('filter processor: metrics and logs', () => {
  const md = (): Metrics =>
    metrics([
      metric({ name: 'noisy', gauge: { dataPoints: [numberPoint(1, 1n)] } }),
      metric({
        name: 'k8s.pod.phase',
        sum: {
          dataPoints: [numberPoint(4n, 1n), numberPoint(2n, 1n)],
          aggregationTemporality: 2,
          isMonotonic: false,
        },
      }),
      metric({ name: 'all.fours', gauge: { dataPoints: [numberPoint(4n, 1n)] } }),
    ]);

  it('drops metrics, data points, and metrics whose points all went', async () => {
    const { p, got, settings } = setup(
      { metrics: { metric: ['name == "noisy"'], datapoint: ['value_int == 4'] } },
      'metrics',
    );
    await p.consume(md());
    const out = got[0] as Metrics;
    const left = out.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
    assert.deepEqual(
      left.map((m) => [m.name, m.sum?.dataPoints.map((d) => d.asInt)]),
      [['k8s.pod.phase', [2n]]],
    );
    assert.equal(await settings.telemetry.value(FILTERED.datapoints, { processor: 'filter' }), 3);
  });

  it('drops log records and counts them', async () => {
    const { p, got, settings } = setup(
      { log_conditions: ['log.severity_number < SEVERITY_NUMBER_WARN', 'IsMatch(log.body, "health")'] },
      'logs',
    );
    const input = logs([
      logRecord({ severityNumber: 9, body: { stringValue: 'info' } }),
      logRecord({ severityNumber: 17, body: { stringValue: 'GET /health ok' } }),
      logRecord({ severityNumber: 17, body: { stringValue: 'disk full' } }),
    ]);
    await p.consume(input);
    const out = got[0] as Logs;
    assert.deepEqual(
      out.resourceLogs[0]?.scopeLogs[0]?.logRecords.map((r) => r.body),
      [{ stringValue: 'disk full' }],
    );
    assert.equal(await settings.telemetry.value(FILTERED.logs, { processor: 'filter' }), 2);
  });
});

describe('filter processor: error_mode', () => {
  const failing = { traces: { span: ['Substring(name, 0, 100) == "x"', 'name == "GET /healthz"'] } };

  it('propagate fails the consume with a permanent error naming the condition', async () => {
    const { p, got } = setup({ ...failing, error_mode: 'propagate' }, 'traces');
    await assert.rejects(
      p.consume(twoResources()),
      (e: unknown) => e instanceof ConsumerError && !e.retryable && /Substring\(name, 0, 100\)/.test(e.message),
    );
    assert.deepEqual(got, []);
  });

  it('ignore (the default) logs the failure (rate-limited), counts the condition as false and goes on; silent does not log', async () => {
    const ignore = setup(failing, 'traces');
    await ignore.p.consume(twoResources());
    assert.equal(spanCount(ignore.got[0] as Traces), 1);
    const logged = ignore.settings.logger.lines.filter((l) => l.msg === 'filter condition failed; the item is kept');
    assert.equal(logged.length, 1);
    assert.match(String(logged[0]?.error), /out of range/);
    assert.equal(
      await ignore.settings.telemetry.value('otelhub_processor_filter_errors_total', { processor: 'filter' }),
      3,
    );
    await ignore.p.shutdown();
    const silent = setup({ ...failing, error_mode: 'silent' }, 'traces');
    await silent.p.consume(twoResources());
    assert.equal(spanCount(silent.got[0] as Traces), 1);
    assert.equal(silent.settings.logger.lines.filter((l) => String(l.msg).startsWith('filter condition')).length, 0);
    assert.equal(
      await silent.settings.telemetry.value('otelhub_processor_filter_errors_total', { processor: 'filter' }),
      3,
    );
  });

  it('a group of the flat form keeps its own error_mode', async () => {
    const { p, got } = setup(
      {
        error_mode: 'propagate',
        trace_conditions: [{ conditions: ['Substring(span.name, 0, 100) == "x"'], error_mode: 'silent' }],
      },
      'traces',
    );
    await p.consume(twoResources());
    assert.equal(spanCount(got[0] as Traces), 3);
  });
});
