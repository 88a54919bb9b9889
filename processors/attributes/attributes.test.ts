// The attributes processor on each signal: what it changes, what include / exclude leave alone, the per-pipeline
// checks, and that lists shared with other data are not edited in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumeContext } from '../../core/consumer.ts';
import { consumerFn } from '../../core/consumer.ts';
import type { KeyValue, Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  attributes,
  getAttribute,
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  resource,
  scope,
  span,
  SpanKind,
  traces,
} from '../../core/pdata/index.ts';
import { builtinFactories } from '../../components.ts';
import { resolveHubConfig } from '../../config/hub-config.ts';
import { loadConfigText } from '../../config/load.ts';
import { validateConfig } from '../../config/schema.ts';
import { Registry } from '../../core/registry.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { AttributesConfig } from './config.ts';
import { attributesConfigSchema, validateAttributesConfig } from './config.ts';
import { attributesFactory } from './factory.ts';

function configOf(raw: unknown): AttributesConfig {
  const v = validateConfig(attributesConfigSchema, raw);
  assert.deepEqual(v.issues, []);
  assert.deepEqual(validateAttributesConfig(v.value as AttributesConfig), []);
  return v.value as AttributesConfig;
}

async function run(signal: PipelineType, raw: unknown, data: SignalData, ctx: ConsumeContext = {}) {
  const got: SignalData[] = [];
  const proc = await attributesFactory.createProcessor(
    testProcessorSettings('attributes', signal),
    configOf(raw),
    consumerFn(async (d) => void got.push(d)),
  );
  await proc.consume(data, ctx);
  assert.equal(got.length, 1);
  return got[0]!;
}

const REDACT = [
  { key: 'password', action: 'delete' },
  { key: 'env', value: 'prod', action: 'insert' },
];

describe('attributes processor', () => {
  it('acts on the spans include selects and exclude does not, leaving events and resource alone', async () => {
    const t = traces(
      [
        span({ name: 'GET /api', kind: SpanKind.SERVER, attributes: attributes({ password: 'p' }) }),
        span({ name: 'GET /healthz', kind: SpanKind.SERVER, attributes: attributes({ password: 'p' }) }),
        span({ name: 'GET /api', kind: SpanKind.CLIENT, attributes: attributes({ password: 'p' }) }),
      ],
      resource({ 'service.name': 'auth', password: 'r' }),
    );
    const out = (await run(
      'traces',
      {
        actions: REDACT,
        include: { match_type: 'strict', services: ['auth'], span_kinds: ['SPAN_KIND_SERVER'] },
        exclude: { match_type: 'regexp', span_names: ['healthz'] },
      },
      t,
    )) as Traces;
    const spans = out.resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.deepEqual(
      spans.map((s) => [getAttribute(s.attributes, 'password'), getAttribute(s.attributes, 'env')]),
      [
        [undefined, 'prod'],
        ['p', undefined],
        ['p', undefined],
      ],
    );
    assert.equal(getAttribute(out.resourceSpans[0]!.resource.attributes, 'password'), 'r');
  });

  it('acts on the log records selected by severity and body', async () => {
    const l = logs(
      [
        logRecord({ severityNumber: 17, body: { stringValue: 'failed' }, attributes: attributes({ password: 'p' }) }),
        logRecord({ severityNumber: 9, body: { stringValue: 'fine' }, attributes: attributes({ password: 'p' }) }),
        logRecord({
          severityNumber: 17,
          body: { stringValue: 'GET /healthz' },
          attributes: attributes({ password: 'p' }),
        }),
      ],
      resource(),
      scope('lib', '1'),
    );
    const out = (await run(
      'logs',
      {
        actions: REDACT,
        include: { match_type: 'strict', log_severity_number: { min: 'ERROR' }, libraries: [{ name: 'lib' }] },
        exclude: { match_type: 'regexp', log_bodies: ['healthz'] },
      },
      l,
    )) as Logs;
    assert.deepEqual(
      out.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r) => getAttribute(r.attributes, 'password')),
      [undefined, 'p', 'p'],
    );
  });

  it('acts on every data point of the metrics selected by name', async () => {
    const m = metrics(
      [
        metric({
          name: 'system.cpu.time',
          sum: {
            dataPoints: [
              numberPoint(1, 1n, attributes({ password: 'a' })),
              numberPoint(2, 1n, attributes({ password: 'b' })),
            ],
            aggregationTemporality: 2,
            isMonotonic: true,
          },
        }),
        metric({ name: 'other', gauge: { dataPoints: [numberPoint(1, 1n, attributes({ password: 'c' }))] } }),
        metric({
          name: 'system.latency',
          histogram: {
            dataPoints: [
              {
                attributes: attributes({ password: 'd' }),
                startTimeUnixNano: 0n,
                timeUnixNano: 1n,
                count: 1,
                bucketCounts: [1],
                explicitBounds: [],
                exemplars: [],
                flags: 0,
              },
            ],
            aggregationTemporality: 2,
          },
        }),
      ],
      resource(),
    );
    const out = (await run(
      'metrics',
      { actions: REDACT, include: { match_type: 'regexp', metric_names: ['^system\\.'] } },
      m,
    )) as Metrics;
    const ms = out.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    assert.deepEqual(
      ms[0]!.sum!.dataPoints.map((p) => getAttribute(p.attributes, 'password')),
      [undefined, undefined],
    );
    assert.equal(getAttribute(ms[1]!.gauge!.dataPoints[0]!.attributes, 'password'), 'c');
    assert.equal(getAttribute(ms[2]!.histogram!.dataPoints[0]!.attributes, 'env'), 'prod');
  });

  it('acts on everything without include / exclude, with from_context from the client metadata', async () => {
    const ctx = { metadata: { 'x-tenant': ['acme'] } } as unknown as ConsumeContext;
    const out = (await run(
      'logs',
      { actions: [{ key: 'tenant', from_context: 'metadata.x-tenant', action: 'upsert' }] },
      logs([logRecord(), logRecord()]),
      ctx,
    )) as Logs;
    assert.deepEqual(
      out.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r) => getAttribute(r.attributes, 'tenant')),
      ['acme', 'acme'],
    );
  });

  it('does not edit in place an attribute list two records share', async () => {
    const shared: KeyValue[] = attributes({ email: 'a@b.c' });
    const t = traces([span({ attributes: shared }), span({ attributes: shared })]);
    const out = (await run('traces', { actions: [{ key: 'email', action: 'hash' }] }, t)) as Traces;
    const [a, b] = out.resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.equal(getAttribute(shared, 'email'), 'a@b.c');
    assert.equal(getAttribute(a!.attributes, 'email'), getAttribute(b!.attributes, 'email'), 'hashed once each');
  });

  for (const [signal, include, message] of [
    ['logs', { match_type: 'strict', span_names: ['a'] }, /include::span_names: is not valid in logs pipelines/],
    ['metrics', { match_type: 'strict', services: ['a'] }, /include::services: is not valid in metrics pipelines/],
    ['traces', { match_type: 'strict', log_bodies: ['a'] }, /include::log_bodies: is not valid in traces pipelines/],
    [
      'metrics',
      { match_type: 'strict', attributes: [{ key: 'a' }] },
      /include::attributes: is not valid in metrics pipelines/,
    ],
  ] as const)
    it(`refuses to be created in a ${signal} pipeline with ${Object.keys(include)[1]} (${String(message)})`, async () => {
      await assert.rejects(
        Promise.resolve().then(() =>
          attributesFactory.createProcessor(
            testProcessorSettings('attributes', signal),
            configOf({ actions: REDACT, include }),
            consumerFn(async () => {}),
          ),
        ),
        message,
      );
    });

  it('reports config mistakes at their paths', () => {
    const v = validateConfig(attributesConfigSchema, {
      actions: [{ key: 'a', action: 'rename' }],
      include: { match_type: 'regexp', span_names: ['(x'] },
      exclude: { match_type: 'strict', span_names: ['a'], log_bodies: ['b'] },
    });
    assert.deepEqual(v.issues, []);
    const issues = validateAttributesConfig(v.value as AttributesConfig);
    assert.deepEqual(
      issues.map((i) => i.path),
      [['actions', 0, 'action'], ['include', 'span_names', 0], ['exclude']],
    );
    assert.match(issues[2]!.message, /fits no pipeline/);
    assert.ok(
      validateConfig(attributesConfigSchema, { actions: REDACT, include: { services: ['a'] } }).issues.length > 0,
    );
  });
});

describe('attributes processor config in a hub config', () => {
  it('is refused at load time, at the key, when include has a property a pipeline using it lacks', async () => {
    const yaml = `
receivers:
  otlp:
    protocols: { grpc: { endpoint: localhost:0 } }
processors:
  attributes:
    actions: [{ key: a, action: delete }]
    include: { match_type: strict, span_names: [GET] }
exporters:
  debug:
service:
  pipelines:
    traces: { receivers: [otlp], processors: [attributes], exporters: [debug] }
    logs: { receivers: [otlp], processors: [attributes], exporters: [debug] }
    logs/2: { receivers: [otlp], processors: [attributes], exporters: [debug] }
`;
    const loaded = loadConfigText(yaml, 'hub.yaml', {});
    assert.ok(loaded.config);
    const { issues } = await resolveHubConfig(loaded.config, new Registry(builtinFactories));
    assert.deepEqual(
      issues.map((i) => [i.path.join('::'), i.message, i.location?.line]),
      [
        [
          'processors::attributes::include::span_names',
          'is not valid in logs pipelines (valid: log_bodies, log_severity_texts, log_severity_number, attributes, resources, libraries) (used in pipeline "logs")',
          8,
        ],
      ],
    );
  });
});
