// The resource processor on each signal, and its handling of resources shared between entries and batches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumeContext } from '../../core/consumer.ts';
import { consumerFn } from '../../core/consumer.ts';
import type { Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  getAttribute,
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  resource,
  span,
  traces,
} from '../../core/pdata/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { ResourceConfig } from './config.ts';
import { resourceConfigSchema, validateResourceConfig } from './config.ts';
import { resourceFactory } from './factory.ts';

function configOf(raw: unknown): ResourceConfig {
  const v = validateConfig(resourceConfigSchema, raw);
  assert.deepEqual(v.issues, []);
  assert.deepEqual(validateResourceConfig(v.value as ResourceConfig), []);
  return v.value as ResourceConfig;
}

const ACTIONS = {
  attributes: [
    { key: 'deployment.environment.name', value: 'production', action: 'upsert' },
    { key: 'tenant', from_context: 'metadata.x-tenant', action: 'insert' },
    { key: 'secret', action: 'delete' },
  ],
};

async function run(signal: PipelineType, data: SignalData, ctx: ConsumeContext = {}, raw: unknown = ACTIONS) {
  const got: SignalData[] = [];
  const proc = await resourceFactory.createProcessor(
    testProcessorSettings('resource', signal),
    configOf(raw),
    consumerFn(async (d) => void got.push(d)),
  );
  await proc.consume(data, ctx);
  return got;
}

const resourcesOf = (d: SignalData) =>
  ('resourceSpans' in d ? d.resourceSpans : 'resourceMetrics' in d ? d.resourceMetrics : (d as Logs).resourceLogs).map(
    (r) => r.resource,
  );

const SAMPLES: [PipelineType, () => SignalData][] = [
  ['traces', () => traces([span({ name: 's' })], resource({ 'service.name': 'a', secret: 'x' }))],
  [
    'metrics',
    () => metrics([metric({ name: 'm', gauge: { dataPoints: [numberPoint(1, 1n)] } })], resource({ secret: 'x' })),
  ],
  ['logs', () => logs([logRecord({ severityText: 'INFO' })], resource({ secret: 'x' }))],
];

describe('resource processor', () => {
  for (const [signal, make] of SAMPLES) {
    it(`applies the actions to the resource of ${signal}`, async () => {
      const ctx = { metadata: { 'x-tenant': ['acme'] } } as unknown as ConsumeContext;
      const [out] = await run(signal, make(), ctx);
      const r = resourcesOf(out!)[0]!;
      assert.equal(getAttribute(r.attributes, 'deployment.environment.name'), 'production');
      assert.equal(getAttribute(r.attributes, 'tenant'), 'acme');
      assert.equal(getAttribute(r.attributes, 'secret'), undefined);
    });
  }

  it('replaces a resource shared by two entries once, leaving the original as it was', async () => {
    const shared = resource({ email: 'a@b.c' });
    const data: Traces = {
      resourceSpans: [traces([span()], shared).resourceSpans[0]!, traces([span()], shared).resourceSpans[0]!],
    };
    const [out] = await run('traces', data, {}, { attributes: [{ key: 'email', action: 'hash' }] });
    const [r1, r2] = resourcesOf(out!);
    assert.equal(r1, r2, 'entries that shared a resource still share one');
    assert.notEqual(r1, shared);
    assert.equal(getAttribute(shared.attributes, 'email'), 'a@b.c');
    assert.match(getAttribute(r1!.attributes, 'email') as string, /^[0-9a-f]{64}$/);
  });

  it('hashes a resource a producer reuses across batches once per batch, never its own output', async () => {
    const reused = resource({ email: 'a@b.c' });
    const got: Metrics[] = [];
    const proc = await resourceFactory.createProcessor(
      testProcessorSettings('resource', 'metrics'),
      configOf({ attributes: [{ key: 'email', action: 'hash' }] }),
      consumerFn(async (d) => void got.push(d as Metrics)),
    );
    for (let i = 0; i < 3; i++) await proc.consume(metrics([], reused));
    const hashes = got.map((m) => getAttribute(m.resourceMetrics[0]!.resource.attributes, 'email'));
    assert.equal(new Set(hashes).size, 1);
  });

  it('passes the data on unchanged (the same resource object) when no action applies', async () => {
    const r = resource({ a: 1 });
    const [out] = await run('logs', logs([logRecord()], r), {}, { attributes: [{ key: 'zzz', action: 'delete' }] });
    assert.equal(resourcesOf(out!)[0], r);
  });

  it('passes the context on, and a downstream failure back', async () => {
    const seen: ConsumeContext[] = [];
    const proc = await resourceFactory.createProcessor(
      testProcessorSettings('resource', 'logs'),
      configOf(ACTIONS),
      consumerFn(async (_d, ctx) => {
        seen.push(ctx);
        throw new Error('down');
      }),
    );
    const ctx: ConsumeContext = { transport: 'grpc', sync: true };
    await assert.rejects(proc.consume(logs([logRecord()]), ctx), /down/);
    assert.equal(seen[0], ctx);
  });

  it('refuses a config without attributes, and reports action mistakes under attributes::<index>', () => {
    assert.ok(validateConfig(resourceConfigSchema, {}).issues.length > 0);
    assert.ok(validateConfig(resourceConfigSchema, { attributes: [] }).issues.length > 0);
    const v = validateConfig(resourceConfigSchema, {
      attributes: [
        { key: 'a', value: 1, action: 'insert' },
        { key: 'b', pattern: '(x', action: 'delete' },
      ],
    });
    const issues = validateResourceConfig(v.value as ResourceConfig);
    assert.deepEqual(
      issues.map((i) => i.path),
      [['attributes', 1, 'pattern']],
    );
  });
});
